"""Numbers as a report shows them: thousands separators, percentages, a dash when missing."""

from __future__ import annotations

import math
from typing import Any


def format_number(value: Any, digits: int = 0) -> str:
    """Thousands-separated number; an em dash for missing values."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:,.{digits}f}"


def format_percent(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value * 100:.{digits}f} %"
