"""Checks on a submission's energy data, each a small pure function returning findings.

All checks run on every file (lazy validation): the enterprise sees every problem at once.
An ``error`` finding stops the assessment of the file; warnings travel into the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from greendc.errors import InputError, Place
from greendc.findings import Finding
from greendc.metrics import FACILITY, IT
from greendc.reading import Submission, read_submission
from greendc.reference import setting


def _stamp(value) -> str:
    stamp = pd.Timestamp(value)
    return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M")


def _range_text(sub: Submission, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A missing range [start, end) as the user reads it: its first and last period."""
    last = end - sub.step
    if sub.granularity == "monthly":
        first_text, last_text = start.strftime("%Y-%m"), last.strftime("%Y-%m")
    else:
        first_text, last_text = _stamp(start), _stamp(last)
    return first_text if first_text == last_text else f"{first_text} – {last_text}"


def check_duplicates(sub: Submission) -> list[Finding]:
    dup = sub.energy.index.duplicated(keep=False)
    if not dup.any():
        return []
    first = sub.energy.index[dup][0]
    count = int(sub.energy.index[dup].nunique())
    return [Finding("duplicate_period", "error", sub.place("period_start", np.flatnonzero(dup)),
                    {"count": count, "period": _stamp(first)})]


def check_negative(sub: Submission) -> list[Finding]:
    out = []
    for col in sub.energy.columns:
        if col.endswith("_degc"):
            continue
        values = sub.energy[col].to_numpy()
        neg = values < 0
        if neg.any():
            out.append(Finding("negative_value", "error", sub.place(col, np.flatnonzero(neg)),
                               {"count": int(neg.sum()), "value": float(values[neg].min())}))
    return out


# Floating-point noise from unit conversion or register differences (about 1e-16 relative per
# operation) must not turn IT == facility into "IT above facility".
FLOAT_RTOL = 1e-9


def check_it_above_facility(sub: Submission) -> list[Finding]:
    above = (sub.energy[IT] > sub.energy[FACILITY] * (1 + FLOAT_RTOL)).to_numpy()
    if not above.any():
        return []
    return [Finding("it_above_facility", "error", sub.place(IT, np.flatnonzero(above)),
                    {"count": int(above.sum()),
                     "period": _stamp(sub.energy.index[above][0])})]


def check_missing(sub: Submission) -> list[Finding]:
    missing = (sub.energy[FACILITY].isna() | sub.energy[IT].isna()).to_numpy()
    if not missing.any():
        return []
    column = FACILITY if sub.energy[FACILITY].isna().any() else IT
    return [Finding("missing_values", "warning", sub.place(column, np.flatnonzero(missing)),
                    {"count": int(missing.sum())})]


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


def check_gaps(sub: Submission) -> list[Finding]:
    if sub.granularity == "irregular":
        return [Finding("irregular_interval", "warning", Place(sheet=sub.energy_sheet),
                        {"step": str(sub.step)})]
    share, ranges = coverage(sub)
    if share is None or not ranges:
        return []
    shown = "; ".join(_range_text(sub, a, b) for a, b in ranges[:5])
    if len(ranges) > 5:
        shown += f"; … ({len(ranges) - 5} more)"
    return [Finding("gaps", "warning", Place(sheet=sub.energy_sheet),
                    {"coverage": share, "ranges": shown, "count": len(ranges)})]


def consecutive_months(sub: Submission) -> int:
    """Length of the longest run of consecutive calendar months holding complete data."""
    complete_rows = sub.energy[FACILITY].notna() & sub.energy[IT].notna()
    months = sub.energy.index[complete_rows].to_period("M").unique().sort_values()
    if len(months) == 0:
        return 0
    ordinals = np.array([m.ordinal for m in months])
    runs = np.split(ordinals, np.flatnonzero(np.diff(ordinals) != 1) + 1)
    return max(len(r) for r in runs)


def check_span(sub: Submission) -> list[Finding]:
    months = consecutive_months(sub)
    if months >= setting("sufficiency", "months_for_annual"):
        return []
    return [Finding("short_period", "warning", Place(sheet=sub.energy_sheet), {"months": months})]


def check_submeters(sub: Submission) -> list[Finding]:
    parts = [c for c in ("it_energy_kwh", "cooling_energy_kwh", "power_loss_energy_kwh",
                         "other_energy_kwh") if c in sub.energy]
    if len(parts) < 2:
        return []
    tolerance = setting("plausibility", "submeter_tolerance")
    total = sub.energy[parts].sum(axis=1, min_count=1).to_numpy()
    facility = sub.energy[FACILITY].to_numpy()
    over = total > facility * (1 + tolerance)
    if not over.any():
        return []
    return [Finding("submeters_above_total", "warning", sub.place(FACILITY, np.flatnonzero(over)),
                    {"count": int(over.sum()), "tolerance": tolerance,
                     "period": _stamp(sub.energy.index[over][0])})]


def check_spikes(sub: Submission) -> list[Finding]:
    factor = setting("plausibility", "spike_factor")
    out = []
    for col in (FACILITY, IT):
        values = sub.energy[col].to_numpy()
        positive = values[values > 0]
        if len(positive) < 3:
            continue
        spike = values > factor * np.median(positive)
        if spike.any():
            out.append(Finding("spike", "warning", sub.place(col, np.flatnonzero(spike)),
                               {"count": int(spike.sum()), "factor": factor,
                                "value": float(values[spike].max())}))
    return out


def check_stuck(sub: Submission) -> list[Finding]:
    runs = setting("plausibility", "stuck_periods")
    limit = runs.get(sub.granularity)
    if limit is None:
        return []
    out = []
    for col in (FACILITY, IT):
        values = sub.energy[col].to_numpy()
        if len(values) < limit:
            continue
        same = np.r_[False, (values[1:] == values[:-1]) & (values[1:] != 0)]
        run_id = np.cumsum(~same)  # a new run starts wherever a value differs
        lengths = np.bincount(run_id)
        longest = int(lengths.argmax())
        length = int(lengths[longest])
        if length >= limit:
            start = int(np.argmax(run_id == longest))
            positions = np.arange(start, start + length)
            best = (start, start + length)
            out.append(Finding("stuck_meter", "warning", sub.place(col, positions),
                               {"count": length, "value": float(values[best[0]]),
                                "period": _stamp(sub.energy.index[best[0]])}))
    return out


def check_future(sub: Submission) -> list[Finding]:
    today = pd.Timestamp.now().normalize() + pd.Timedelta(days=1)
    out = []
    future = (sub.energy.index >= today)
    if future.any():
        out.append(Finding("future_period", "error",
                           sub.place("period_start", np.flatnonzero(future)),
                           {"count": int(future.sum()),
                            "period": _stamp(sub.energy.index[future][0])}))
    earliest = pd.Timestamp(year=setting("plausibility", "earliest_year"), month=1, day=1)
    ancient = sub.energy.index < earliest
    if ancient.any():
        out.append(Finding("implausible_period", "error",
                           sub.place("period_start", np.flatnonzero(ancient)),
                           {"count": int(ancient.sum()),
                            "period": _stamp(sub.energy.index[ancient][0]),
                            "year": earliest.year}))
    return out


def check_magnitude(sub: Submission) -> list[Finding]:
    limit = setting("plausibility", "max_value_per_period")
    out = []
    for col in sub.energy.columns:
        if col.endswith("_degc"):
            continue
        values = sub.energy[col].to_numpy()
        absurd = np.abs(values) > limit
        if absurd.any():
            out.append(Finding("absurd_value", "error", sub.place(col, np.flatnonzero(absurd)),
                               {"count": int(absurd.sum()), "value": float(values[absurd][0]),
                                "limit": limit}))
    return out


def check_racks(sub: Submission) -> list[Finding]:
    installed, in_use = sub.facility.get("racks_installed"), sub.facility.get("racks_in_use")
    if installed is None or in_use is None or in_use <= installed:
        return []
    return [Finding("racks_in_use_above_installed", "error", Place(key="racks_in_use"),
                    {"in_use": in_use, "installed": installed})]


CHECKS: tuple[Callable[[Submission], list[Finding]], ...] = (
    check_duplicates,
    check_negative,
    check_it_above_facility,
    check_missing,
    check_gaps,
    check_span,
    check_submeters,
    check_spikes,
    check_stuck,
    check_future,
    check_magnitude,
    check_racks,
)


def select_reporting_period(sub: Submission) -> tuple[Submission, list[Finding]]:
    """The submission restricted to its declared reporting period, and a finding for rows cut."""
    if sub.energy.empty or not (sub.facility.get("reporting_period_start")
                                or sub.facility.get("reporting_period_end")):
        return sub, []
    start, end = reporting_window(sub)
    inside = ((sub.energy.index >= start) & (sub.energy.index < end))
    if inside.all():
        return sub, []
    finding = Finding("outside_reporting_period", "info", sub.place(
        "period_start", np.flatnonzero(~inside)), {
        "count": int((~inside).sum()), "start": _stamp(start),
        "end": _stamp(end - pd.Timedelta(days=1))})
    return sub.select(inside), [finding]


@dataclass
class FileCheck:
    """What ``greendc validate`` reports for one file."""

    path: Path
    findings: list[Finding]

    @property
    def usable(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict:
        return {"file": str(self.path), "usable": self.usable,
                "errors": [f.to_dict() for f in self.findings if f.severity == "error"],
                "findings": [f.to_dict() for f in self.findings if f.severity != "error"]}


def check_file(path: str | Path) -> FileCheck:
    """Read and validate one file; an unreadable file becomes one located error finding."""
    path = Path(path)
    try:
        sub = read_submission(path)
    except InputError as exc:
        return FileCheck(path, [Finding("input_error", "error", exc.place,
                                        {"message": exc.message, "code": exc.code})])
    sub, cut = select_reporting_period(sub)
    if sub.energy.empty:  # every row was refused (errors say why) or lies outside the period
        own = [] if any(f.severity == "error" for f in sub.findings) else [
            Finding("no_data_in_period", "error", Place(sheet=sub.energy_sheet))]
        return FileCheck(path, [*sub.findings, *cut, *own])
    return FileCheck(path, validate(sub) + cut)


def validate(sub: Submission) -> list[Finding]:
    """Run every check on ``sub`` and return all findings (reader findings first)."""
    found = list(sub.findings)
    for check in CHECKS:
        found.extend(check(sub))
    return found
