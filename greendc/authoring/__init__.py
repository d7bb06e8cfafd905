"""Authoring: workbooks greendc writes for people to fill in or to learn from.

:mod:`.template` writes the blank submission workbook (and any canonical workbook, with
xlsxwriter); :mod:`.synthetic` is the documented model of the demo facility used by the demo,
the tests and the benchmarks; :mod:`.demo` writes and assesses the demo.
"""

from greendc.authoring.demo import run_demo
from greendc.authoring.template import write_submission

__all__ = ["run_demo", "write_submission"]
