"""Validation: what is wrong or doubtful in a submission, every problem at once, located.

:mod:`.checks` holds every check as a registered small function (data checks over the
Submission, and result checks of declarations against computed metrics); :mod:`.period` decides
the reporting period, the expected periods and the coverage; :mod:`.files` serves
``greendc validate``.
"""

from greendc.validation.checks import (
    CHECKS,
    RESULT_CHECKS,
    check_copied_year,
    check_result,
    validate,
)
from greendc.validation.files import FileCheck, check_file
from greendc.validation.period import (
    consecutive_months,
    coverage,
    reporting_window,
    select_reporting_period,
)
from greendc.validation.usable import usable_periods

__all__ = [
    "CHECKS",
    "RESULT_CHECKS",
    "FileCheck",
    "check_copied_year",
    "check_file",
    "check_result",
    "consecutive_months",
    "coverage",
    "reporting_window",
    "select_reporting_period",
    "usable_periods",
    "validate",
]
