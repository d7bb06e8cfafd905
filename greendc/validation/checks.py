"""Checks on a submission, each a small pure function returning findings, all registered here.

All data checks run on every file (lazy validation): the enterprise sees every problem at once.
An ``error`` finding stops the assessment of the file; warnings travel into the result.  Checks
that compare declarations with figures computed from the data (the declared PUE) are registered
as result checks: they take the computed metrics as plain values and run once those exist.

To add a check, write ``@check def check_x(sub) -> list[Finding]`` (or ``@result_check``) here
and give its finding code a message in ``messages.toml`` (section ``finding``) in zh and en.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place
from greendc.reading.submission import Submission
from greendc.reference.columns import is_summable
from greendc.reference.messages import plain_number
from greendc.reference.names import FACILITY, IT, SUBSYSTEMS, TEMPERATURE
from greendc.reference.settings import setting
from greendc.validation.period import (
    consecutive_months,
    coverage,
    range_text,
    stamp,
    year_shortfall,
)

DataCheck = Callable[[Submission], list[Finding]]
ResultCheck = Callable[[Submission, dict[str, dict[str, Any]]], list[Finding]]
CHECKS: list[DataCheck] = []
RESULT_CHECKS: list[ResultCheck] = []


def check(func: DataCheck) -> DataCheck:
    """Register a data check (run by :func:`validate`, in the order of registration)."""
    CHECKS.append(func)
    return func


def result_check(func: ResultCheck) -> ResultCheck:
    """Register a check of declarations against computed metrics (:func:`check_result`)."""
    RESULT_CHECKS.append(func)
    return func


@check
def check_duplicates(sub: Submission) -> list[Finding]:
    dup = sub.energy.index.duplicated(keep=False)
    if not dup.any():
        return []
    first = sub.energy.index[dup][0]
    count = int(sub.energy.index[dup].nunique())
    return [Finding("duplicate_period", "error", sub.place("period_start", np.flatnonzero(dup)),
                    {"count": count, "period": stamp(first)})]


@check
def check_temperature_gaps(sub: Submission) -> list[Finding]:
    """Periods with energy but no outdoor temperature: savings models leave them out."""
    if TEMPERATURE not in sub.energy or sub.energy[TEMPERATURE].isna().all():
        return []  # an all-blank column is reported as blank
    gap = (sub.energy[TEMPERATURE].isna() & sub.energy[FACILITY].notna()).to_numpy()
    if not gap.any():
        return []
    return [Finding("temperature_missing", "info", sub.place(TEMPERATURE, np.flatnonzero(gap)),
                    {"count": int(gap.sum()), "period": stamp(sub.energy.index[gap][0])})]


@check
def check_blank_counted_as_none(sub: Submission) -> list[Finding]:
    """Blank cells of a column that has values elsewhere, in periods with both meters: the
    year's totals count them as none (no fuel, no green power, no cooling energy), which
    understates what they feed (E_DC and PUE for fuels, REF, CLF); the user is told, never
    left to guess."""
    both = (sub.energy[FACILITY].notna() & sub.energy[IT].notna()).to_numpy()
    out = []
    for col in sub.energy.columns:
        if col in (FACILITY, IT) or not is_summable(col) or sub.energy[col].isna().all():
            continue  # an all-blank column is absent (blank_columns)
        blank = sub.energy[col].isna().to_numpy() & both
        if blank.any():
            out.append(Finding("blank_counted_as_none", "warning",
                               sub.place(col, np.flatnonzero(blank)),
                               {"count": int(blank.sum()), "of": int(both.sum()),
                                "period": stamp(sub.energy.index[blank][0])}))
    return out


@check
def check_before_commissioning(sub: Submission) -> list[Finding]:
    """Periods wholly before the declared commissioning date that hold energy: not an operating
    year's readings (a new site's test load, or a wrong date)."""
    commissioned = sub.facility.get("commissioning_date")
    if not commissioned or sub.granularity == "irregular" or sub.energy.empty:
        return []
    start = pd.Timestamp(commissioned)
    before = ((sub.energy.index + sub.step) <= start) & sub.energy[FACILITY].notna().to_numpy()
    if not before.any():
        return []
    return [Finding("before_commissioning", "warning", sub.place(FACILITY, np.flatnonzero(before)),
                    {"count": int(before.sum()), "date": stamp(start),
                     "period": stamp(sub.energy.index[before][0])})]


def check_copied_year(full: Submission, sub: Submission) -> list[Finding]:
    """Monthly readings of the assessed year equal, both meters and every month, to the same
    months a year earlier in the same file: a year copied, not metered.

    Parameters
    ----------
    full : the submission with every row (earlier months included)
    sub : the submission restricted to its reporting period

    Returns
    -------
    list of Finding
        ``copied_year`` naming the assessed rows, or nothing.
    """
    if sub.granularity != "monthly" or not full.energy.index.is_unique:
        return []  # a period given twice is an error of its own
    now = sub.energy[[FACILITY, IT]].dropna()
    if len(now) < setting("sufficiency", "months_for_annual"):
        return []
    before = full.energy[[FACILITY, IT]].reindex(now.index - pd.DateOffset(years=1))
    if before.isna().any(axis=None) or not (before.to_numpy() == now.to_numpy()).all():
        return []
    return [Finding("copied_year", "warning", sub.place(FACILITY, np.arange(len(sub.energy))),
                    {"count": len(now), "year": int(now.index[0].year) - 1})]


@check
def check_negative(sub: Submission) -> list[Finding]:
    out = []
    for col in sub.energy.columns:
        if not is_summable(col):
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


@check
def check_it_above_facility(sub: Submission) -> list[Finding]:
    above = (sub.energy[IT] > sub.energy[FACILITY] * (1 + FLOAT_RTOL)).to_numpy()
    if not above.any():
        return []
    return [Finding("it_above_facility", "error", sub.place(IT, np.flatnonzero(above)),
                    {"count": int(above.sum()),
                     "period": stamp(sub.energy.index[above][0])})]


@check
def check_missing(sub: Submission) -> list[Finding]:
    missing = (sub.energy[FACILITY].isna() | sub.energy[IT].isna()).to_numpy()
    if not missing.any():
        return []
    column = FACILITY if sub.energy[FACILITY].isna().any() else IT
    return [Finding("missing_values", "warning", sub.place(column, np.flatnonzero(missing)),
                    {"count": int(missing.sum())})]


@check
def check_gaps(sub: Submission) -> list[Finding]:
    if sub.granularity == "irregular":
        return [Finding("irregular_interval", "warning", Place(sheet=sub.energy_sheet),
                        {"step": str(sub.step)})]
    share, ranges = coverage(sub)
    if share is None or not ranges:
        return []
    shown = "; ".join(range_text(sub, a, b) for a, b in ranges[:5])
    if len(ranges) > 5:
        shown += f"; … ({len(ranges) - 5} more)"
    return [Finding("gaps", "warning", Place(sheet=sub.energy_sheet),
                    {"coverage": share, "ranges": shown, "count": len(ranges)})]


@check
def check_span(sub: Submission) -> list[Finding]:
    shortfall = year_shortfall(sub, consecutive_months(sub))
    if shortfall is None:
        return []
    code, values = shortfall
    return [Finding("short_period" if code == "short_year" else "gap_in_period", "warning",
                    Place(sheet=sub.energy_sheet), values)]


@check
def check_submeters(sub: Submission) -> list[Finding]:
    parts = [c for c in (IT, *SUBSYSTEMS) if c in sub.energy]
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
                     "period": stamp(sub.energy.index[over][0])})]


@check
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


@check
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
                                "period": stamp(sub.energy.index[best[0]]), "role": col,
                                "whole": length == len(values)}))
    return out


@check
def check_cumulative_looking(sub: Submission) -> list[Finding]:
    """Energy columns whose values only rise and dwarf every rise: meter readings read as
    energy per period (a register header without a register word)."""
    spec = setting("plausibility", "cumulative_looking")
    out = []
    for col, source in sub.columns.items():
        if col not in sub.energy or not is_summable(col) or source.holds != "energy":
            continue
        values = sub.energy[col].dropna().to_numpy()
        if len(values) < spec["min_periods"]:
            continue
        steps = np.diff(values)
        if (steps < 0).any() or steps.max() <= 0 or values[0] < spec["ratio"] * steps.max():
            continue
        out.append(Finding("looks_cumulative", "error", sub.place(col, np.arange(2)),
                           {"count": len(values), "first": float(values[0]),
                            "step": float(steps.max())}))
    return out


@check
def check_future(sub: Submission) -> list[Finding]:
    today = pd.Timestamp.now().normalize() + pd.Timedelta(days=1)
    out = []
    future = (sub.energy.index >= today)
    if future.any():
        out.append(Finding("future_period", "error",
                           sub.place("period_start", np.flatnonzero(future)),
                           {"count": int(future.sum()),
                            "period": stamp(sub.energy.index[future][0])}))
    earliest = pd.Timestamp(year=setting("plausibility", "earliest_year"), month=1, day=1)
    ancient = sub.energy.index < earliest
    if ancient.any():
        out.append(Finding("implausible_period", "error",
                           sub.place("period_start", np.flatnonzero(ancient)),
                           {"count": int(ancient.sum()),
                            "period": stamp(sub.energy.index[ancient][0]),
                            "year": earliest.year}))
    return out


@check
def check_magnitude(sub: Submission) -> list[Finding]:
    limit = setting("plausibility", "max_value_per_period")
    out = []
    for col in sub.energy.columns:
        if not is_summable(col):
            continue
        values = sub.energy[col].to_numpy()
        absurd = np.abs(values) > limit
        if absurd.any():
            value = float(values[absurd][0])
            out.append(Finding("absurd_value", "error", sub.place(col, np.flatnonzero(absurd)),
                               {"count": int(absurd.sum()), "value": value, "limit": limit,
                                "value_text": plain_number(value),
                                "limit_text": plain_number(limit)}))
    return out


@check
def check_racks(sub: Submission) -> list[Finding]:
    installed, in_use = sub.facility.get("racks_installed"), sub.facility.get("racks_in_use")
    if installed is None or in_use is None or in_use <= installed:
        return []
    return [Finding("racks_in_use_above_installed", "error", Place(key="racks_in_use"),
                    {"in_use": in_use, "installed": installed})]


@result_check
def check_it_per_rack(sub: Submission, metrics: dict[str, dict[str, Any]]) -> list[Finding]:
    """Mean IT power per rack outside what any rack draws: a unit slip (万kWh typed under a kWh
    header) or a wrong rack count, which every absolute figure would carry."""
    racks = sub.facility.get("racks_in_use") or sub.facility.get("racks_installed")
    hours = metrics.get("it_utilisation", {}).get("basis", {}).get("hours")
    if not racks or not hours or hours != hours:
        return []
    both = sub.energy[FACILITY].notna() & sub.energy[IT].notna()
    kw = float(sub.energy.loc[both, IT].sum()) / hours / racks
    low, high = setting("plausibility", "it_kw_per_rack")
    if low <= kw <= high:
        return []
    return [Finding("it_per_rack_implausible", "warning",
                    Place(sheet=sub.energy_sheet, column=sub.columns[IT].header),
                    {"kw": kw, "racks": racks, "low": low, "high": high})]


@result_check
def check_declared_pue(sub: Submission, metrics: dict[str, dict[str, Any]]) -> list[Finding]:
    """The PUE declared on the Facility sheet against the metered one (rounding tolerated)."""
    declared = sub.facility.get("declared_pue")
    value = metrics["pue"]["value"]
    if declared is None or abs(declared - value) < setting("declared_pue", "tolerance"):
        return []
    return [Finding("declared_pue_differs", "warning", Place(key="declared_pue"),
                    {"declared": declared, "metered": value, "diff": declared - value})]


def validate(sub: Submission) -> list[Finding]:
    """Run every data check on ``sub``.

    Parameters
    ----------
    sub : the submission as read

    Returns
    -------
    list of Finding
        The reader's findings first, then those of each registered check in order.
    """
    found = list(sub.findings)
    for run in CHECKS:
        found.extend(run(sub))
    return found


def check_result(sub: Submission, metrics: dict[str, dict[str, Any]]) -> list[Finding]:
    """Run every result check: declarations on the Facility sheet against computed metrics.

    Parameters
    ----------
    sub : the submission (its declarations)
    metrics : the result's metrics, name -> ``{"value", "unit", "basis"}``

    Returns
    -------
    list of Finding
    """
    return [f for run in RESULT_CHECKS for f in run(sub, metrics)]
