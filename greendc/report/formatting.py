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


MAX_PERCENT_DIGITS = 3  # decimals tried when two compared percentages print alike


def distinct_percents(a: Any, b: Any) -> tuple[str, str]:
    """Two shares as percentages with enough decimals (1 to 3) that unequal ones differ.

    >>> distinct_percents(0.0182, 0.0179)
    ('1.82 %', '1.79 %')
    """
    digits = 1
    while (digits < MAX_PERCENT_DIGITS and a is not None and b is not None and a != b
           and format_percent(a, digits) == format_percent(b, digits)):
        digits += 1
    return format_percent(a, digits), format_percent(b, digits)
