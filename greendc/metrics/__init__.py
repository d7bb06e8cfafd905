"""Metrics: PUE and its companions, computed from the energy table, each with its basis.

:mod:`.formulas` holds the formulas as pure functions of numbers (PUE, DCiE, WUE, REF, ERF,
ERE, RM1 ...), each citing its standard; :mod:`.aggregate` turns the energy table into the
boundary energy (E_DC), calendar months and days and totals; :mod:`.suite` builds the result's
``metrics`` dictionary, recording for each figure its unit, the factor, period and meter it
rests on, and why it is missing when it is.  To add a metric: its formula in ``formulas``, its
entry in ``suite.compute``, its label in ``messages.toml`` (``metric.*``) and a line in
docs/result-schema.md.
"""

from greendc.metrics import aggregate, formulas
from greendc.metrics.suite import compute, metric

__all__ = ["aggregate", "compute", "formulas", "metric"]
