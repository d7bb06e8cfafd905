"""Savings from adopted energy-saving technologies: measured, normalised, or deemed.

For each measure on the Measures sheet greendc picks the method the data allow and names it:

* ``regression``: a baseline model of non-IT energy fitted on the 12 months before adoption:
  a change-point model by day (by month for monthly data) with the IT load, offday and up to a
  heating and a cooling change point (:mod:`.baseline`), and for hourly or finer data also a
  time-of-week and temperature model by hour (:mod:`.hourly`); the lower held-out error chooses.
  Savings = predicted - metered non-IT energy over the reporting period.  It carries the
  headline only when it passes ASHRAE Guideline 14's acceptance for a whole-building regression
  baseline (CV(RMSE) by reporting length, in sample and held out; held-out NMBE; uncertainty at
  68 % within 50 %) and its reporting periods lie mostly inside the baseline's ranges.
* ``pue_normalised``: the IT-load-normalised avoided energy, PUE_base x E_IT,rep - E_DC,rep.  It
  ignores weather, so it is always shown beside the regression as a cross-check.  Its
  uncertainty treats it as the one-parameter model E_DC = PUE_base x E_IT (:mod:`.uncertainty`).
* ``subsystem``: for a cooling measure with a cooling meter, (CLF_base - CLF_rep) x E_IT,rep.
* ``deemed``: the catalogue's indicative range applied to the subsystem's energy, when no
  before-and-after data exist; always a range and labelled an estimate, never measured.
* ``it_side``: IT-side measures (server consolidation): a saving at the IT input is worth about
  PUE kWh at the meter; from the declaration when nothing is metered.

References
----------
EVO, IPMVP Core Concepts (2022), option C (whole facility).
ASHRAE Guideline 14-2014, Measurement of energy, demand and water savings.
The Green Grid, PUE: a comprehensive examination of the metric (IT-load normalisation).

Every measured figure carries its uncertainty at 68 % and 90 %; a figure with none says why
(``choice`` and ``uncertainty.reason``).

Modules: :mod:`.catalogue` (technologies and their ranges), :mod:`.baseline` (change-point
models), :mod:`.hourly` (the hourly model), :mod:`.statistics` (fit statistics, held-out error,
savings uncertainty), :mod:`.uncertainty` (uncertainty and acceptance of each method),
:mod:`.regression` (the regression method of a measure), :mod:`.measures` (each measure's
methods and the choice), :mod:`.money` (tce, CO2, CNY, payback) and :mod:`.targets` (the path
to each failed PUE limit).
"""

from greendc.savings.catalogue import catalogue, identify
from greendc.savings.measures import assess_measures, deemed, measured_methods
from greendc.savings.statistics import fit_statistics, savings_uncertainty
from greendc.savings.targets import path_to_target

__all__ = [
    "assess_measures",
    "catalogue",
    "deemed",
    "fit_statistics",
    "identify",
    "measured_methods",
    "path_to_target",
    "savings_uncertainty",
]
