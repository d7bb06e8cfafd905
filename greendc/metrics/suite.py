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

import pandas as pd

from greendc.findings import Finding, Place
from greendc.metrics import formulas, plausibility
from greendc.metrics.basis import (
    energy_ttm,
    measurement_category,
    period_hours,
    rm1_from_points,
    sufficiency,
)
from greendc.reading.submission import Submission
from greendc.reference import factors
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
from greendc.reference.places import country_name
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


def _grid_factor(sub: Submission, options: Options, year: int,
                 findings: list[Finding]) -> factors.Factor | None:
    """The site's grid factor (:func:`~greendc.reference.factors.site_grid_factor`); a national
    average standing in for the site's grid is an info finding."""
    province = sub.facility.get("province")
    factor, note = factors.site_grid_factor(sub.facility.get("country"), province, year,
                                            options.grid)
    if note:
        params = {"value": factor.value, "year": factor.year}
        if province:
            params["province"] = str(province)
        findings.append(Finding(note, "info", Place(key="province"), params))
    return factor


def compute(sub: Submission, energy: pd.DataFrame, totals: dict[str, float],
            used: dict[str, float], period: dict[str, Any], options: Options,
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
    used : dict of str to float
        The year's use (:func:`~greendc.metrics.aggregate.consumption`): sums over every row
        with facility energy, the base of tce and CO2, and ``periods_without_it``.
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
    extra = ({"periods_without_it": used["periods_without_it"]}
             if used["periods_without_it"] else {})
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
    grid = _grid_factor(sub, options, year, findings)
    if grid is None:
        for name, unit in CARBON_METRICS.items():
            country = sub.facility.get("country")
            out[name] = metric(None, unit, dict(annual),
                               "no_grid_factor" if country else "no_location", country=country,
                               **({f"country_{lang}": country_name(country, lang)
                                   for lang in ("en", "zh")} if country else {}))
    else:
        out.update(_carbon(totals, used, fuel_columns, grid, it, annual, year, extra))

    renewable_cols = [c for c in ("onsite_renewable_kwh", "green_purchase_kwh") if c in totals]
    out["ref"] = metric(
        formulas.ref(sum(totals[c] for c in renewable_cols), dc) if renewable_cols else None, "1",
        {**annual, "method": "owned and retired renewable energy / E_DC, capped at 1 "
         "(ISO/IEC 30134-3)", "columns": renewable_cols},
        "no_renewable_column")
    exported = plausibility.onsite_export(sub)
    if exported and sub.granularity not in setting("plausibility", "netting_granularities"):
        # generation netted against use over a day or a month: how much ran the site at
        # night cannot be known, so REF and the CO2 it lowers are upper and lower bounds
        out["ref"]["basis"]["netted_bound"] = "upper"
        for name in ("co2_t", "cue_kgco2_per_kwh", "co2_market_t", "cue_market_kgco2_per_kwh"):
            if out.get(name, {}).get("value") is not None:  # less the netted generation
                out[name]["basis"]["netted_bound"] = "lower"
        exported[0] = Finding("onsite_export_netted", "warning", exported[0].place,
                              {**exported[0].params, **{
                                  f"granularity_{lang}": message(
                                      f"label.granularity.{sub.granularity}", lang)
                                  for lang in ("en", "zh")}})
    findings += exported + plausibility.beyond_use(sub, totals, renewable_cols)
    reuse = totals.get("reused_heat_kwh")
    if reuse is not None and reuse > dc:  # ERF lies in [0, 1] (ISO/IEC 30134-6)
        reuse = None
    reuse_basis = {**annual, "column": "reused_heat_kwh"}
    out["erf"] = metric(formulas.erf(reuse, dc) if reuse is not None else None, "1",
                        {**reuse_basis, "method": "E_reuse / E_DC (ISO/IEC 30134-6)"},
                        "reuse_above_dc" if "reused_heat_kwh" in totals else "no_reuse_column")
    out["ere"] = metric(formulas.ere(dc, reuse, it) if reuse is not None else None, "1",
                        {**reuse_basis, "method": "(E_DC - E_reuse) / E_IT (The Green Grid)"},
                        "reuse_above_dc" if "reused_heat_kwh" in totals else "no_reuse_column")
    findings += plausibility.reuse_beyond_periods(sub, energy, out)

    hours = period_hours(sub, energy)
    capacity = sub.facility.get("design_it_capacity_kw")
    out["it_utilisation"] = metric(
        formulas.it_utilisation(it, hours, capacity) if capacity else None, "1",
        {**annual, "hours": hours, "design_it_capacity_kw": capacity,
         "method": "mean IT power (E_IT / hours) / design IT capacity"},
        "no_design_capacity")
    findings += plausibility.above_design(out)
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
        used[DC] * coal.value / 1000, "tce",
        {**annual, "coefficient": coal.to_dict(), "basis_label": "equivalent (calorific) value",
         "method": "E_DC x equivalent-value coefficient", **extra})
    equal = options.coal_equal_value_kgce_per_kwh
    out["energy_tce_equal"] = metric(
        (used[FACILITY] * equal + used[FUEL] * coal.value) / 1000 if equal else None, "tce",
        {**annual, "coefficient_kgce_per_kwh": equal, "basis_label": "equal (primary) value",
         "method": "electricity x the year's equal-value coefficient + fuels at equivalent "
         "value", **extra}, "no_equal_value")

    rm1_value, rm1_basis, found = rm1_from_points(sub)
    findings += found
    out["rm1"] = metric(rm1_value, "1", rm1_basis,
                        "no_operating_points")
    use_rm2 = not provisional or rm1_value is None
    # GB 40879's 电能比 counts electricity only; PUE (ISO/IEC 30134-2) keeps the fuels.
    ratio = formulas.pue(totals[FACILITY], it)
    graded = ratio if use_rm2 else rm1_value
    gb_basis = {"route": "RM2" if use_rm2 else "RM1", "ratio": "electricity only (电能比)",
                "rule": setting("rm1", "graded_route"),
                "confidence": setting("rm1", "graded_route_confidence"),
                "provisional": provisional and use_rm2}
    if provisional and use_rm2:  # the rules say why: the annual figures' reason
        gb_basis.update({k: annual[k] for k in ("provisional_reason", "provisional_code",
                                                "provisional_params") if k in annual})
    if not use_rm2:
        gb_basis.update(plausibility.rm1_against_metered(sub, rm1_value, ratio, findings))
    elif rm1_value is not None:  # graded on the meters; a declaration they contradict is named
        findings += plausibility.rm1_against_year(sub, rm1_value, ratio)
    out["gb40879_value"] = metric(graded, "1", gb_basis)
    findings += plausibility.mark_implausible(out, monthly)
    return out, findings


CARBON_METRICS = {"co2_t": "tCO2", "cue_kgco2_per_kwh": "kgCO2/kWh", "co2_market_t": "tCO2",
                  "cue_market_kgco2_per_kwh": "kgCO2/kWh"}


def _carbon(totals: dict[str, float], used: dict[str, float], fuel_columns: list[str],
            grid: factors.Factor, it: float, annual: dict[str, Any], year: int,
            extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Location- and market-based CO2 and CUE: grid electricity at the grid factor, fuels at
    their own factors.  CO2 covers the year's use (``used``, every period with facility
    energy); CUE divides the CO2 of the periods with IT energy (``totals``) by that IT energy.
    ``extra`` goes into the basis of the totals (periods counted that carry no ratio)."""
    out: dict[str, dict[str, Any]] = {}
    year_use = _co2_kg(used, fuel_columns, grid, year)   # every period with facility energy
    ratio_base = _co2_kg(totals, fuel_columns, grid, year)  # the periods with IT energy too
    co2_basis = {**annual, "grid_factor": grid.to_dict(),
                 "grid_electricity_kwh": year_use["grid_kwh"], "fuel_co2_kg": year_use["fuel"],
                 "method": "(facility electricity - on-site renewable) x grid factor + fuels",
                 **extra}
    out["co2_t"] = metric(year_use["location"] / 1000, "tCO2", co2_basis)
    out["cue_kgco2_per_kwh"] = metric(
        ratio_base["location"] / it if it > 0 else None, "kgCO2/kWh",
        {**annual, "grid_factor": grid.to_dict(),
         "grid_electricity_kwh": ratio_base["grid_kwh"], "fuel_co2_kg": ratio_base["fuel"],
         "method": "location-based CO2 / E_IT (ISO/IEC 30134-8)"})
    # Without green electricity bought, market-based equals location-based (GHG Protocol
    # scope 2 guidance: the residual mix applies to what instruments do not cover).
    market_basis = {**annual, "grid_factor": year_use["factor"].to_dict(),
                    "grid_electricity_kwh": year_use["market_kwh"],
                    "green_electricity_kwh": year_use["green"], "fuel_co2_kg": year_use["fuel"],
                    "method": "(grid electricity - owned green electricity) x residual factor "
                    "+ fuels", **({"residual_floor": "the national residual-mix factor is below "
                                   "the location factor, which is used instead"}
                                  if year_use["residual_floor"] else {})}
    out["co2_market_t"] = metric(year_use["market"] / 1000, "tCO2",
                                 {**market_basis, **extra})
    out["cue_market_kgco2_per_kwh"] = metric(
        ratio_base["market"] / it if it > 0 else None, "kgCO2/kWh",
        {**market_basis, "grid_electricity_kwh": ratio_base["market_kwh"],
         "green_electricity_kwh": ratio_base["green"], "fuel_co2_kg": ratio_base["fuel"]})
    return out


def _co2_kg(sums: dict[str, float], fuel_columns: list[str], grid: factors.Factor,
            year: int) -> dict[str, Any]:
    """Location- and market-based CO2 [kg] of the energy in ``sums``, with their parts."""
    onsite = sums.get("onsite_renewable_kwh", 0.0)
    onsite = 0.0 if math.isnan(onsite) else onsite
    grid_kwh = max(sums[FACILITY] - onsite, 0.0)
    fuel = sum(0.0 if math.isnan(sums[c]) else sums[c] * factors.fuels()[c]["kwh_per_unit"]
               * factors.fuels()[c]["kgco2_per_kwh"] for c in fuel_columns)
    green = sums.get("green_purchase_kwh", 0.0)
    green = 0.0 if math.isnan(green) else green
    residual = factors.residual_factor(year) if green > 0 else grid
    # The residual mix is the grid without the renewables others bought, so it is not below
    # the grid's own average: a national residual under a regional location factor (0.6096
    # against North China's 0.6361) would credit the site beyond its purchase.
    floor = residual.value < grid.value
    residual = grid if floor else residual
    market_kwh = max(grid_kwh - green, 0.0)
    return {"grid_kwh": grid_kwh, "fuel": fuel, "location": grid_kwh * grid.value + fuel,
            "green": green, "factor": residual, "market_kwh": market_kwh,
            "market": market_kwh * residual.value + fuel, "residual_floor": floor}


