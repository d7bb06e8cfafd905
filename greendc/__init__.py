"""greendc: green data-centre energy assessment.

Read a metered energy workbook, validate it, compute PUE and related metrics, and render an
assessment report.  The public entry points are :func:`greendc.assess` and
:func:`greendc.read_submission`.
"""

__version__ = "0.1.0"

from greendc.assessment import Assessment, assess
from greendc.errors import GreenDCError, InputError
from greendc.reading import Submission, read_submission

__all__ = [
    "Assessment",
    "GreenDCError",
    "InputError",
    "Submission",
    "__version__",
    "assess",
    "read_submission",
]
