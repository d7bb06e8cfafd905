"""The metric suite of one submission: every indicator with its unit and its basis.

This module turns a validated :class:`~greendc.reading.Submission` into the ``metrics``
dictionary of the result.  The arithmetic lives in :mod:`.formulas` and :mod:`.aggregate` (pure
functions); the factors come from :mod:`greendc.reference.factors`; this module chooses the
inputs, records which factor, period and meter each figure rests on, and says why a figure is
missing when it is.

Each metric is ``{"value", "unit", "basis", "reason"}``: ``value`` is None when an input is
absent, and ``reason`` then says which.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place
from greendc.metrics import aggregate, formulas
from greendc.reading.submission import Submission
from greendc.reference import factors
from greendc.reference.loading import load_toml
from greendc.reference.messages import message
from greendc.reference.names import (
    COOLING,
    DC,
    FACILITY,
    FUEL,
    IT,
    OTHER,
    POWER_LOSSES,
    SUBSYSTEMS,
)
from greendc.reference.options import Options
from greendc.reference.settings import setting


def metric(value: float | None, unit: str, basis: dict[str, Any] | None = None,
           reason: str | None = None, **params: Any) -> dict[str, Any]:
    """A metric object; a missing or non-finite value becomes None and needs a reason.

    Parameters
    ----------
    value : float or None
        The figure; None, NaN or infinity mean it could not be computed.
    unit : str
        Its unit, e.g. ``"1"``, ``"%"``, ``"L/kWh"``, ``"tCO2"``.
    basis : dict or None
        What the figure rests on (period, method, factors ...); None gives ``{}``.
    reason : str or None
        ``reason.*`` key suffix for a missing value; None means ``not_computable``.
    **params
        Values for the reason's message.

    Returns
    -------
    dict
        ``value``, ``unit``, ``basis``; for a None value also ``reason`` (English), ``reason_code``.
    """
    if value is not None and not math.isfinite(value):
        value = None
    out: dict[str, Any] = {"value": None if value is None else float(value), "unit": unit,
                           "basis": basis or {}}
    if value is None:
        code = reason or "not_computable"
        out["reason"] = message(f"reason.{code}", "en", **params)
        out["reason_code"] = code
        if params:
            out["reason_params"] = params
    return out


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
        The submission (not consulted by the current rules).
    months : int
        Longest run of consecutive calendar months with complete data.
    coverage : float or None
        Share of expected periods with facility and IT energy [-]; None when unknown.

    Returns
    -------
    tuple of (bool, str or None, dict)
        True when there are too few months or too little coverage; then ``short_year`` or
        ``low_coverage`` and that message's values, else None and ``{}``.
    """
    needed = setting("sufficiency", "months_for_annual")
    if months < needed:
        return True, "short_year", {"months": months, "needed": needed}
    least = setting("coverage", "min_for_annual")
    if coverage is not None and coverage < least:
        return True, "low_coverage", {"coverage": coverage, "least": least}
    return False, None, {}


def _grid_factor(sub: Submission, options: Options, year: int) -> factors.Factor:
    if "value" in options.grid:
        return factors.user_grid_factor(options.grid["value"])
    return factors.grid_factor(sub.facility.get("province"), year, **options.grid)


def compute(sub: Submission, energy: pd.DataFrame, totals: dict[str, float],
            period: dict[str, Any], options: Options,
            monthly: pd.DataFrame | None = None) -> tuple[dict[str, dict], list[Finding]]:
    """The metrics dictionary for ``sub`` and the findings met on the way.

    ``energy`` carries the boundary columns (:func:`~greendc.metrics.aggregate.boundary_energy`),
    ``totals`` their sums over complete rows, ``period`` the result's period section, and
    ``monthly`` :func:`~greendc.metrics.aggregate.monthly` of ``energy`` when the caller has it.

    Parameters
    ----------
    sub : Submission
        The validated submission.
    energy : DataFrame
        Energy table indexed by period start, with the boundary columns [kWh].
    totals : dict of str to float
        Sums over complete rows [kWh, m3, L], including the boundary columns.
    period : dict
        Reads ``start``, ``end`` (ISO dates), ``consecutive_months`` and ``coverage``.
    options : Options
        Its ``grid`` and ``coal_equal_value_kgce_per_kwh`` change figures.
    monthly : DataFrame or None
        None computes it.

    Returns
    -------
    metrics : dict of str to dict
        Metric name to its :func:`metric` object.
    findings : list of Finding
        Measurement-category conflicts and incomplete RM1 operating points.

    Raises
    ------
    FactorError
        When the chosen grid-factor series has no value for the facility.
    """
    findings: list[Finding] = []
    provisional, why, why_values = sufficiency(sub, period["consecutive_months"],
                                               period["coverage"])
    category, source_code, source_values, found = measurement_category(sub)
    findings += found
    window = f"{period['start']}/{period['end']}"
    annual = {"period": window, "provisional": provisional,
              "provisional_reason": message(f"reason.{why}", "en", **why_values) if why else None}
    if why:
        annual.update(provisional_code=why, provisional_params=why_values)
    dc, it = totals[DC], totals[IT]
    fuel_columns = [c for c in factors.fuels() if c in energy]
    boundary = "facility electricity" + "".join(
        f" + {c} x {factors.fuels()[c]['kwh_per_unit']} kWh/{factors.fuels()[c]['unit']}"
        for c in fuel_columns)
    out: dict[str, dict] = {}

    pue_basis = {**annual, "method": "energy-weighted: sum of E_DC / sum of E_IT "
                 "(ISO/IEC 30134-2)", "boundary": boundary,
                 "it_meter": sub.columns[IT].header,
                 "measurement_category": category,
                 "measurement_category_source": message(f"reason.{source_code}", "en",
                                                        **source_values),
                 "measurement_category_source_code": source_code,
                 "measurement_category_source_params": source_values}
    out["pue"] = metric(formulas.pue(dc, it), "1", pue_basis)
    out["dcie"] = metric(formulas.dcie(dc, it), "%", {**annual, "method": "100 x E_IT / E_DC"})

    monthly_ttm = energy_ttm(energy, monthly)
    if monthly_ttm is None:
        out["ttm_pue"] = metric(None, "1", {"window": "12 consecutive months"},
                                "short_ttm")
    else:
        value, first, last = monthly_ttm
        out["ttm_pue"] = metric(value, "1", {"window": f"{first}/{last}", "method":
                                             "energy-weighted over the last 12 complete months",
                                             "measurement_category": category})

    factors_ = formulas.load_factors(totals)
    sub_basis = {**annual, "method": "subsystem energy / E_IT over the same periods"}
    for name, column in (("clf", COOLING), ("plf", POWER_LOSSES), ("olf", OTHER)):
        out[name] = metric(factors_[name], "1", {**sub_basis, "column": column},
                           f"no_{name}_column")
    out["ppue_cooling"] = metric(factors_["ppue_cooling"], "1",
                                 {**annual, "method": "(E_IT + E_cooling) / E_IT"},
                                 "no_clf_column")
    metered_parts = [c for c in SUBSYSTEMS if c in totals]
    out["unmetered_share"] = metric(
        factors_["unmetered"] if metered_parts else None, "1",
        {**annual, "method": "(E_DC - E_IT - metered subsystems) / E_IT",
         "metered_subsystems": metered_parts}, "no_submeters")

    out["wue_l_per_kwh"] = metric(
        formulas.wue(totals["water_m3"], it) if "water_m3" in totals else None, "L/kWh",
        {**annual, "method": "site water / E_IT (ISO/IEC 30134-9)"}, "no_water_column")

    # Carbon: grid electricity at the grid factor, fuels at their own factors.
    year = int(period["end"][:4])
    grid = _grid_factor(sub, options, year)
    onsite = totals.get("onsite_renewable_kwh", 0.0)
    grid_kwh = max(totals[FACILITY] - onsite, 0.0)
    fuel_co2 = sum(totals[c] * factors.fuels()[c]["kwh_per_unit"]
                   * factors.fuels()[c]["kgco2_per_kwh"] for c in fuel_columns)
    co2_kg = grid_kwh * grid.value + fuel_co2
    co2_basis = {**annual, "grid_factor": grid.to_dict(), "grid_electricity_kwh": grid_kwh,
                 "fuel_co2_kg": fuel_co2,
                 "method": "(facility electricity - on-site renewable) x grid factor + fuels"}
    out["co2_t"] = metric(co2_kg / 1000, "tCO2", co2_basis)
    out["cue_kgco2_per_kwh"] = metric(co2_kg / it if it > 0 else None, "kgCO2/kWh",
                                      {**co2_basis, "method": "location-based CO2 / E_IT "
                                       "(ISO/IEC 30134-8)"})
    residual = factors.residual_factor(year)
    green = totals.get("green_purchase_kwh", 0.0)
    market_kwh = max(grid_kwh - green, 0.0)
    market_kg = market_kwh * residual.value + fuel_co2
    market_basis = {**annual, "grid_factor": residual.to_dict(), "grid_electricity_kwh":
                    market_kwh, "green_electricity_kwh": green, "fuel_co2_kg": fuel_co2,
                    "method": "(grid electricity - owned green electricity) x residual factor "
                    "+ fuels"}
    out["co2_market_t"] = metric(market_kg / 1000, "tCO2", market_basis)
    out["cue_market_kgco2_per_kwh"] = metric(market_kg / it if it > 0 else None, "kgCO2/kWh",
                                             market_basis)

    renewable_cols = [c for c in ("onsite_renewable_kwh", "green_purchase_kwh") if c in totals]
    out["ref"] = metric(
        formulas.ref(sum(totals[c] for c in renewable_cols), dc) if renewable_cols else None, "1",
        {**annual, "method": "owned and retired renewable energy / E_DC, capped at 1 "
         "(ISO/IEC 30134-3)", "columns": renewable_cols},
        "no_renewable_column")
    reuse = totals.get("reused_heat_kwh")
    reuse_basis = {**annual, "column": "reused_heat_kwh"}
    out["erf"] = metric(formulas.erf(reuse, dc) if reuse is not None else None, "1",
                        {**reuse_basis, "method": "E_reuse / E_DC (ISO/IEC 30134-6)"},
                        "no_reuse_column")
    out["ere"] = metric(formulas.ere(dc, reuse, it) if reuse is not None else None, "1",
                        {**reuse_basis, "method": "(E_DC - E_reuse) / E_IT (The Green Grid)"},
                        "no_reuse_column")

    hours = period_hours(sub, energy)
    capacity = sub.facility.get("design_it_capacity_kw")
    out["it_utilisation"] = metric(
        formulas.it_utilisation(it, hours, capacity) if capacity else None, "1",
        {**annual, "hours": hours, "design_it_capacity_kw": capacity,
         "method": "mean IT power (E_IT / hours) / design IT capacity"},
        "no_design_capacity")
    installed, in_use = sub.facility.get("racks_installed"), sub.facility.get("racks_in_use")
    out["rack_occupancy"] = metric(
        formulas.rack_occupancy(in_use, installed) if installed and in_use is not None else None,
        "1", {"racks_in_use": in_use, "racks_installed": installed,
              "method": "racks in use / racks installed (declared)"},
        "no_racks")

    commissioned = sub.facility.get("commissioning_date")
    years = ((pd.Timestamp(period["end"]) - pd.Timestamp(commissioned)).days / 365.25
             if commissioned else None)
    out["years_in_operation"] = metric(
        years, "a", {"commissioning_date": commissioned, "until": period["end"],
                     "method": "end of the reporting period - commissioning date (declared)"},
        "no_commissioning_date")

    coal = factors.coal_equivalent()
    out["energy_tce_equivalent"] = metric(
        dc * coal.value / 1000, "tce",
        {**annual, "coefficient": coal.to_dict(), "basis_label": "equivalent (calorific) value",
         "method": "E_DC x equivalent-value coefficient"})
    equal = options.coal_equal_value_kgce_per_kwh
    out["energy_tce_equal"] = metric(
        (totals[FACILITY] * equal + totals[FUEL] * coal.value) / 1000 if equal else None, "tce",
        {**annual, "coefficient_kgce_per_kwh": equal, "basis_label": "equal (primary) value",
         "method": "electricity x the year's equal-value coefficient + fuels at equivalent "
         "value"}, "no_equal_value")

    rm1_value, rm1_basis, found = _rm1(sub)
    findings += found
    out["rm1"] = metric(rm1_value, "1", rm1_basis,
                        "no_operating_points")
    use_rm2 = not provisional or rm1_value is None
    graded = out["pue"]["value"] if use_rm2 else rm1_value
    out["gb40879_value"] = metric(graded, "1", {
        "route": "RM2" if use_rm2 else "RM1",
        "rule": setting("rm1", "graded_route"),
        "confidence": setting("rm1", "graded_route_confidence"),
        "provisional": provisional and use_rm2})
    return out, findings


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


def _rm1(sub: Submission) -> tuple[float | None, dict[str, Any], list[Finding]]:
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
