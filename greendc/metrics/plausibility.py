"""Plausibility of the figures: values no data centre can have are flagged and never graded.

A PUE below 1.05 or above 3 for a year, or a month below 1.05, means a wrong meter or a wrong
column far more often than a real facility; renewable energy, on-site generation or reused heat
above the energy the site used break the metrics' definitions (REF and ERF lie in [0, 1]).  The
figures stay in the result with the finding beside them; a metric marked ``implausible`` cannot
pass a rule (the criteria give ``insufficient_data``).  The limits are in ``assessment.toml``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place
from greendc.reading.submission import Submission
from greendc.reference.names import DC, FACILITY, IT
from greendc.reference.settings import setting

GRADED = ("pue", "ttm_pue", "dcie", "gb40879_value")
# The metrics that use each energy, for a total its meters contradict (by role; the roles of
# the sub-meters and renewable columns name their metrics in the metric's basis).
USES = {
    FACILITY: (*GRADED, "ref", "co2_t", "cue_kgco2_per_kwh", "co2_market_t",
               "cue_market_kgco2_per_kwh", "erf", "ere", "unmetered_share",
               "energy_tce_equivalent", "energy_tce_equal"),
    IT: (*GRADED, "cue_kgco2_per_kwh", "cue_market_kgco2_per_kwh", "ere", "clf", "plf", "olf",
         "ppue_cooling", "unmetered_share", "wue_l_per_kwh", "it_utilisation"),
}


def mark_implausible(metrics: dict[str, dict[str, Any]],
                     monthly: pd.DataFrame | None) -> list[Finding]:
    """Flag an implausible PUE and mark the PUE-like metrics so that no rule passes on them.

    Parameters
    ----------
    metrics : the result's metrics (changed in place: ``basis.implausible``)
    monthly : the monthly table (its ``pue`` column) or None

    Returns
    -------
    list of Finding
        ``implausible_pue`` when the annual PUE lies outside the plausible range,
        ``month_pue_below_one`` when a month's PUE is below 1, ``month_pue_implausible`` when
        one lies between 1 and the plausible minimum.
    """
    low, high = setting("plausibility", "pue_min"), setting("plausibility", "pue_max")
    findings = []
    value = metrics["pue"]["value"]
    if value is not None and not low <= value <= high:
        findings.append(Finding("implausible_pue", "warning", Place(),
                                {"pue": value, "low": low, "high": high}))
    if monthly is not None and "pue" in monthly:
        below = monthly["pue"][monthly["pue"] < 1]
        if len(below):
            findings.append(Finding("month_pue_below_one", "warning", Place(), {
                "count": len(below), "months": ", ".join(m.strftime("%Y-%m")
                                                         for m in below.index[:6])}))
        near = monthly["pue"][(monthly["pue"] >= 1) & (monthly["pue"] < low)]
        if len(near):  # a month as close to its IT energy as no year can be: a meter slip
            findings.append(Finding("month_pue_implausible", "warning", Place(), {
                "count": len(near), "low": low, "months": ", ".join(
                    f"{m.strftime('%Y-%m')} ({v:.3f})" for m, v in near.iloc[:6].items())}))
    if findings:
        for name in GRADED:
            if name in metrics:
                metrics[name]["basis"]["implausible"] = True
    return findings


def hold(metrics: dict[str, dict[str, Any]], names, code: str) -> None:
    """Mark ``names`` as resting on data the file contradicts (``basis.held`` gains ``code``):
    shown, but no rule is judged on them.

    Parameters
    ----------
    metrics : the result's metrics (changed in place)
    names : the metrics to mark (names not in ``metrics`` are skipped)
    code : what contradicts them (``label.held.<code>`` in the catalogue)
    """
    for name in names:
        if name in metrics:
            held = metrics[name]["basis"].setdefault("held", [])
            if code not in held:
                held.append(code)


def _using(role: str, metrics: dict[str, dict[str, Any]]) -> list[str]:
    """The metrics that use ``role``'s energy (:data:`USES`, or named in their basis)."""
    return [name for name, entry in metrics.items()
            if name in USES.get(role, ()) or role in (entry["basis"].get("column"),
                                                      *entry["basis"].get("columns", ()))]


# Validation findings that leave the figures of a role (or both meters) resting on data that
# cannot be a year's readings: each holds the metrics using that energy.
HELD_BY_FINDING = {"submeters_above_total": (FACILITY,), "copied_year": (FACILITY, IT),
                   "before_commissioning": (FACILITY, IT),
                   "it_per_rack_implausible": (FACILITY, IT)}


def hold_contradicted(sub: Submission, metrics: dict[str, dict[str, Any]],
                      findings: list[Finding]) -> None:
    """Hold every metric whose data the file contradicts: a column marked ``contradicted``
    when read (its numbered meters, its totals row), or a validation finding
    (:data:`HELD_BY_FINDING`; a meter repeating one value over the whole period holds its own
    role's: that is no year of readings).

    Parameters
    ----------
    sub : the submission (its columns' ``contradicted``)
    metrics : the result's metrics (changed in place)
    findings : the assessment's findings so far
    """
    for role, source in sub.columns.items():
        for code in source.contradicted:
            hold(metrics, _using(role, metrics), code)
    for found in findings:
        roles = HELD_BY_FINDING.get(found.code, ())
        if found.code == "stuck_meter" and found.params.get("whole"):
            roles = (found.params["role"],)
        for role in roles:
            hold(metrics, _using(role, metrics), found.code)


def above_design(metrics: dict[str, dict[str, Any]]) -> list[Finding]:
    """Mean IT power above the design IT capacity: flagged, and the utilisation never graded.

    Parameters
    ----------
    metrics : the result's metrics (``it_utilisation`` changed in place: ``basis.implausible``)

    Returns
    -------
    list of Finding
        ``it_above_design`` when the IT load utilisation exceeds the limit.
    """
    entry = metrics.get("it_utilisation")
    limit = setting("plausibility", "it_utilisation_max")
    if not entry or entry["value"] is None or entry["value"] <= limit:
        return []
    entry["basis"]["implausible"] = True
    capacity = entry["basis"]["design_it_capacity_kw"]
    return [Finding("it_above_design", "warning", Place(key="design_it_capacity_kw"),
                    {"utilisation": entry["value"], "capacity": capacity,
                     "mean_kw": entry["value"] * capacity})]


def onsite_export(sub: Submission) -> list[Finding]:
    """Periods whose on-site generation exceeds the facility's energy: the excess is export.

    Parameters
    ----------
    sub : the submission (its energy table and places)

    Returns
    -------
    list of Finding
        ``onsite_export`` naming the periods and the exported energy, which the metrics leave
        out of REF and do not subtract from grid electricity.
    """
    if "onsite_renewable_kwh" not in sub.energy:
        return []
    excess, over = _above(sub.energy, "onsite_renewable_kwh", FACILITY)
    if not over.any():
        return []
    place = sub.place("onsite_renewable_kwh", over.nonzero()[0])
    return [Finding("onsite_export", "warning", place,
                    {"count": int(over.sum()), "export": float(excess.sum())})]


def _above(energy: pd.DataFrame, column: str, use: str) -> tuple[pd.Series, np.ndarray]:
    """(excess of ``column`` over ``use`` where it exceeds it, else NaN; that mask)."""
    excess = (energy[column] - energy[use]).where(energy[column] > energy[use])
    return excess, excess.notna().to_numpy()


def beyond_use(sub: Submission, totals: dict[str, float],
               renewable: list[str]) -> list[Finding]:
    """Renewable energy and reused heat above what the site used over the year (on-site
    generation above a period's use is export: :func:`onsite_export`).

    Parameters
    ----------
    sub : the submission (for the places)
    totals : sums over complete rows [kWh]
    renewable : the renewable columns present

    Returns
    -------
    list of Finding
    """
    findings = []
    dc = totals[DC]
    owned = sum(totals[c] for c in renewable)
    if renewable and owned > dc:
        findings.append(Finding("renewable_above_use", "warning", sub.place(renewable[0]),
                                {"renewable": owned, "dc": dc}))
    reuse = totals.get("reused_heat_kwh")
    if reuse is not None and reuse > dc:
        findings.append(Finding("reuse_above_use", "warning", sub.place("reused_heat_kwh"),
                                {"reuse": reuse, "dc": dc}))
    return findings


def reuse_beyond_periods(sub: Submission, energy: pd.DataFrame,
                         metrics: dict[str, dict[str, Any]]) -> list[Finding]:
    """Periods whose reused heat exceeds that period's E_DC, in a year whose total does not.

    Heat leaves the data centre in the period it is made; a month that passes on more than the
    site used that month means a shifted or mislabelled column, even when the year adds up.

    Parameters
    ----------
    sub : the submission (for the places)
    energy : the energy table with the boundary columns [kWh]
    metrics : the result's metrics (``erf`` and ``ere`` marked ``implausible`` in place)

    Returns
    -------
    list of Finding
        ``reuse_above_period_use`` naming the periods and the heat above their use.
    """
    if "reused_heat_kwh" not in energy or metrics["erf"]["value"] is None:
        return []
    excess, over = _above(energy, "reused_heat_kwh", DC)
    if not over.any():
        return []
    for name in ("erf", "ere"):
        metrics[name]["basis"]["implausible"] = True
    return [Finding("reuse_above_period_use", "warning",
                    sub.place("reused_heat_kwh", over.nonzero()[0]),
                    {"count": int(over.sum()), "excess": float(excess.sum())})]


def rm1_against_year(sub: Submission, rm1: float, metered: float) -> list[Finding]:
    """RM1 (declared operating points) beside the ratio a full metered year gives.

    The grade rests on the meters (RM2) then, but operating points the year contradicts are a
    declaration a reviewer should not take elsewhere (a pilot application, next year's RM1).

    Parameters
    ----------
    sub : the submission (for the place of the operating points)
    rm1 : RM1 [-]
    metered : the year's metered electricity ratio [-]

    Returns
    -------
    list of Finding
        ``rm1_differs_year`` when the two differ by more than the tolerance.
    """
    tolerance = setting("rm1", "metered_tolerance")
    if abs(rm1 - metered) <= tolerance:
        return []
    return [Finding("rm1_differs_year", "warning", Place(sheet=sub.operating_sheet),
                    {"rm1": rm1, "metered": metered, "tolerance": tolerance})]


def rm1_against_metered(sub: Submission, rm1: float, metered: float,
                        findings: list[Finding]) -> dict[str, Any]:
    """RM1 (declared operating points) beside the metered ratio of a partial year.

    Parameters
    ----------
    sub : the submission (for the place of the operating points)
    rm1 : RM1 [-]
    metered : the metered electricity ratio over the data given [-]
    findings : extended with ``rm1_differs`` when the two differ by more than the tolerance

    Returns
    -------
    dict
        Basis entries: the metered ratio, the shares' origin, and ``provisional`` when they
        differ (the grade then rests on a figure the meters do not support).
    """
    tolerance = setting("rm1", "metered_tolerance")
    out: dict[str, Any] = {"metered_ratio": metered, "shares": "declared by the submitter",
                           "shares_confidence": "unverified"}
    if abs(rm1 - metered) > tolerance:
        findings.append(Finding("rm1_differs", "warning", Place(sheet=sub.operating_sheet),
                                {"rm1": rm1, "metered": metered, "tolerance": tolerance}))
        out.update(provisional=True, provisional_code="rm1_differs", provisional_params={
            "rm1": rm1, "metered": metered, "tolerance": tolerance})
    return out
