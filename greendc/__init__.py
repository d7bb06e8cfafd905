"""greendc: green data-centre energy assessment.

Read a metered energy workbook, validate it, compute PUE and related metrics, check criteria
and render an assessment report.  The public entry points are :func:`greendc.assess` and
:func:`greendc.read_submission`; they are imported on first use (PEP 562), so importing
``greendc`` or ``greendc.errors`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from greendc.version import __version__

_LAZY = {
    "Assessment": "greendc.assessment",
    "assess": "greendc.assessment",
    "Options": "greendc.reference.options",
    "Submission": "greendc.reading.submission",
    "read_submission": "greendc.reading.read",
    "GreenDCError": "greendc.errors",
    "InputError": "greendc.errors",
}

__all__ = [
    "Assessment",
    "GreenDCError",
    "InputError",
    "Options",
    "Submission",
    "__version__",
    "assess",
    "read_submission",
]

if TYPE_CHECKING:
    from greendc.assessment import Assessment, assess
    from greendc.errors import GreenDCError, InputError
    from greendc.reading.read import read_submission
    from greendc.reading.submission import Submission
    from greendc.reference.options import Options


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'greendc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
