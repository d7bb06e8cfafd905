"""The basis of the figures: hours covered, measurement category, sufficiency, the trailing
twelve months and GB 40879's RM1 from characteristic operating points."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place
from greendc.metrics import aggregate, formulas
from greendc.reading.submission import Submission
from greendc.reference.loading import load_toml
from greendc.reference.names import DC, IT
from greendc.reference.settings import setting
from greendc.validation.period import year_shortfall


def period_hours(sub: Submission, energy: pd.DataFrame) -> float:
    """Hours covered by the complete rows of ``energy``.

    Parameters
    ----------
    sub : Submission
        The submission; its ``granularity`` and ``step`` give the length of a period.
    energy : DataFrame
        Energy table indexed by period start, with facility and IT energy [kWh].

    Returns
    -------
    float
        Hours [h]: days x 24 for monthly data, rows x step otherwise; NaN if irregular.
    """
    rows = aggregate.complete(energy).index
    if sub.granularity == "monthly":
        return float(np.sum(rows.days_in_month.to_numpy()) * 24)
    if sub.granularity == "irregular":
        return float("nan")
    return len(rows) * sub.step / pd.Timedelta(hours=1)


def measurement_category(sub: Submission) -> tuple[int | None, str, dict[str, Any],
                                                  list[Finding]]:
    """PUE measurement category (1, 2 or 3), where it came from, and any conflict found.

    Parameters
    ----------
    sub : Submission
        A declared ``measurement_category`` wins over the IT meters' measuring points.

    Returns
    -------
    tuple of (int or None, str, dict, list of Finding)
        The category (None when undeclared and the IT meters give none or disagree), the
        ``reason.*`` key suffix of its source and that message's values, and a
        ``category_conflict`` warning when the declared category differs from the meters'.
    """
    mapping = {k: v for k, v in load_toml("assessment.toml")["measurement_category"].items()
               if isinstance(v, int)}
    it_meters = [m for m in sub.meters if m.get("role") == IT and m.get("measuring_point")]
    metered = {mapping[m["measuring_point"]] for m in it_meters if m["measuring_point"] in mapping}
    declared = sub.facility.get("measurement_category")
    findings = []
    if declared is not None and metered and int(declared) not in metered:
        findings.append(Finding("category_conflict", "warning", Place(key="measurement_category"),
                                {"declared": int(declared),
                                 "metered": ", ".join(str(c) for c in sorted(metered))}))
    if declared is not None:
        return int(declared), "category_declared", {}, findings
    if len(metered) == 1:
        (category,) = metered
        ids = ", ".join(str(m.get("meter_id") or f"row {m['row']}") for m in it_meters)
        return category, "category_from_meter", {"ids": ids}, findings
    if len(metered) > 1:
        return None, "category_meters_differ", {}, findings
    return None, "category_no_meter", {}, findings


def sufficiency(sub: Submission, months: int,
                coverage: float | None) -> tuple[bool, str | None, dict[str, Any]]:
    """(provisional, why as a ``reason.*`` key, its values) for annual figures.

    Parameters
    ----------
    sub : Submission
        The submission (its months with both meters, to tell a gap from a short year).
    months : int
        Longest run of consecutive calendar months with complete data.
    coverage : float or None
        Share of expected periods with facility and IT energy [-]; None when unknown.

    Returns
    -------
    tuple of (bool, str or None, dict)
        True when there are too few months or too little coverage; then ``short_year``,
        ``gap_in_year`` or ``low_coverage`` and that message's values, else None and ``{}``.
    """
    shortfall = year_shortfall(sub, months)
    if shortfall is not None:
        return True, *shortfall
    least = setting("coverage", "min_for_annual")
    if coverage is not None and coverage < least:
        return True, "low_coverage", {"coverage": coverage, "least": least}
    return False, None, {}


def energy_ttm(energy: pd.DataFrame,
               monthly: pd.DataFrame | None = None) -> tuple[float, str, str] | None:
    """Latest trailing-twelve-month PUE and its first and last month, or None.

    Parameters
    ----------
    energy : DataFrame
        Energy table indexed by period start, with ``dc_energy_kwh`` and ``it_energy_kwh``.
    monthly : DataFrame or None
        Monthly table of ``energy``; None computes it.

    Returns
    -------
    tuple of (float, str, str) or None
        PUE [-] over the last 12 consecutive months with data, and its first and last month
        (``YYYY-MM``); None when no such 12 months exist.
    """
    monthly = aggregate.monthly(energy) if monthly is None else monthly
    complete_months = monthly["periods"] > 0
    ttm = aggregate.trailing_pue(monthly[DC].where(complete_months),
                               monthly[IT].where(complete_months), 12).dropna()
    if ttm.empty:
        return None
    last = ttm.index[-1]
    first = last - pd.DateOffset(months=11)
    return float(ttm.iloc[-1]), first.strftime("%Y-%m"), last.strftime("%Y-%m")


def rm1_from_points(sub: Submission) -> tuple[float | None, dict[str, Any], list[Finding]]:
    """GB 40879-2021 RM1 from the submission's five characteristic operating points.

    Parameters
    ----------
    sub : Submission
        Its ``operating_points`` (point a..e, share of the year's hours, total and IT power
        [kW]).

    Returns
    -------
    value : float or None
        RM1 [-]; None without complete points a..e whose shares add up to 1.
    basis : dict
        The points used and the method.
    findings : list of Finding
        A warning when points are missing or their shares do not add up.
    """
    points = [p for p in sub.operating_points if p.get("point")]
    if not points:
        return None, {}, []
    basis = {"points": [{k: p.get(k) for k in ("point", "hours_share", "total_power_kw",
                                                  "it_power_kw")} for p in points],
             "method": "E_C / E_CIT, E_C = 8760 x sum(T_i x P_i) (GB 40879-2021)"}
    names = sorted(p["point"] for p in points)
    complete_rows = all(p.get(k) is not None for p in points
                        for k in ("hours_share", "total_power_kw", "it_power_kw"))
    shares = float(np.sum([p.get("hours_share") or 0 for p in points]))
    tolerance = setting("rm1", "hours_share_tolerance")
    if names != ["a", "b", "c", "d", "e"] or not complete_rows or abs(shares - 1) > tolerance:
        finding = Finding("rm1_points_incomplete", "warning", Place(sheet=sub.operating_sheet),
                          {"points": ", ".join(names), "shares": shares})
        return None, basis, [finding]
    value = formulas.rm1([p["hours_share"] for p in points],
                        [p["total_power_kw"] for p in points],
                        [p["it_power_kw"] for p in points])
    return value, basis, []
