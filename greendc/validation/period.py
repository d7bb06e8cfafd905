"""The reporting period: which periods are assessed, which are expected, which are missing.

The period is declared on the Facility sheet (``reporting_period_start`` / ``_end``) or, when
it is not, spans the data.  Coverage counts the expected periods that hold both facility-total
and IT energy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from greendc.findings import Finding
from greendc.reading.submission import Submission
from greendc.reference.names import FACILITY, IT
from greendc.reference.settings import setting


def stamp(value) -> str:
    stamp = pd.Timestamp(value)
    return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M")


def range_text(sub: Submission, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A missing range [start, end) as the user reads it: its first and last period."""
    last = end - sub.step
    if sub.granularity == "monthly":
        first_text, last_text = start.strftime("%Y-%m"), last.strftime("%Y-%m")
    else:
        first_text, last_text = stamp(start), stamp(last)
    return first_text if first_text == last_text else f"{first_text} – {last_text}"


def expected_periods(sub: Submission) -> pd.DatetimeIndex | None:
    """Every period start the data should have, from the reporting period or the data span."""
    if sub.granularity == "irregular" or sub.energy.empty:
        return None
    start, end = reporting_window(sub)
    freq = "MS" if sub.granularity == "monthly" else sub.step
    return pd.date_range(start, end, freq=freq, inclusive="left")


def reporting_window(sub: Submission) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) of the assessed period: declared on the Facility sheet, else the data span."""
    start = sub.facility.get("reporting_period_start")
    end = sub.facility.get("reporting_period_end")
    first, last = sub.energy.index.min(), sub.energy.index.max() + sub.step
    return (pd.Timestamp(start) if start else first,
            pd.Timestamp(end) + pd.Timedelta(days=1) if end else last)


def coverage(sub: Submission) -> tuple[float | None, list[tuple[pd.Timestamp, pd.Timestamp]]]:
    """Share of expected periods with both facility and IT energy, and the missing ranges.

    Each missing range is ``(first missing period start, end of the last missing period)``.
    """
    expected = expected_periods(sub)
    if expected is None or len(expected) == 0:
        return None, []
    present = sub.energy.index[sub.energy[FACILITY].notna() & sub.energy[IT].notna()]
    missing = expected.difference(present)
    ranges = []
    if len(missing):
        positions = expected.get_indexer(missing)
        breaks = np.flatnonzero(np.diff(positions) != 1)
        starts = np.r_[0, breaks + 1]
        ends = np.r_[breaks, len(missing) - 1]
        ranges = [(missing[s], missing[e] + sub.step) for s, e in zip(starts, ends, strict=True)]
    return 1 - len(missing) / len(expected), ranges


def consecutive_months(sub: Submission) -> int:
    """Length of the longest run of consecutive calendar months holding complete data."""
    complete_rows = sub.energy[FACILITY].notna() & sub.energy[IT].notna()
    months = sub.energy.index[complete_rows].to_period("M").unique().sort_values()
    if len(months) == 0:
        return 0
    ordinals = np.array([m.ordinal for m in months])
    runs = np.split(ordinals, np.flatnonzero(np.diff(ordinals) != 1) + 1)
    return max(len(r) for r in runs)


def year_shortfall(sub: Submission, months: int) -> tuple[str, dict[str, int]] | None:
    """Why the data hold no full year, when they do not: too short, or a year broken by a gap.

    Parameters
    ----------
    sub : Submission
        The submission (its months with both meters, to tell a gap from a short year).
    months : int
        Longest run of consecutive calendar months with complete data
        (:func:`consecutive_months`).

    Returns
    -------
    tuple of (str, dict) or None
        ``short_year`` or ``gap_in_year`` and the message's values (``months``, ``needed``,
        and for a gap ``present``: the months with both meters); None for a full year.
    """
    needed = setting("sufficiency", "months_for_annual")
    if months >= needed:
        return None
    energy = sub.energy
    complete = energy.index[energy[FACILITY].notna() & energy[IT].notna()]
    present = complete.to_period("M").nunique()
    first, last = energy.index.min().to_period("M"), energy.index.max().to_period("M")
    if last.ordinal - first.ordinal + 1 >= needed and present > months:
        return "gap_in_year", {"months": months, "needed": needed, "present": int(present)}
    return "short_year", {"months": months, "needed": needed}


def select_reporting_period(sub: Submission) -> tuple[Submission, list[Finding]]:
    """The submission restricted to its reporting period, and a finding for rows cut.

    The period is the declared one; without a declaration, data longer than a year are
    assessed over their last twelve months (a PUE over thirteen months is no annual figure,
    ISO/IEC 30134-2), the earlier rows kept for savings baselines.
    """
    if sub.energy.empty:
        return sub, []
    if sub.facility.get("reporting_period_start") or sub.facility.get("reporting_period_end"):
        start, end = reporting_window(sub)
        code, inside = "outside_reporting_period", sub.energy.index < end
    else:  # undeclared: the last twelve months of data longer than a year
        end = sub.energy.index.max() + sub.step
        start, code = end - pd.DateOffset(months=12), "reporting_period_last_year"
        inside = np.ones(len(sub.energy), dtype=bool)
    inside = inside & (sub.energy.index >= start)
    if inside.all():
        return sub, []
    finding = Finding(code, "info", sub.place("period_start", np.flatnonzero(~inside)), {
        "count": int((~inside).sum()), "start": stamp(start),
        "end": stamp(end - pd.Timedelta(days=1))})
    return sub.select(inside), [finding]
