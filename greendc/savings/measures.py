"""Savings of each adopted measure: the methods the data allow, the one chosen, the totals.

For each measure on the Measures sheet greendc picks the method the data allow and names it
(the package's docstring describes each).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from greendc.metrics import aggregate
from greendc.reference.messages import message
from greendc.reference.names import COOLING, DC, IT, TEMPERATURE
from greendc.reference.settings import setting
from greendc.savings.baseline import effective_n, fit_baseline, savings_uncertainty
from greendc.savings.catalogue import SUBSYSTEM_COLUMNS, Technology, identify
from greendc.savings.money import add_money

DAYS_PER_YEAR = 365


def _annual(value: float, days: float) -> float:
    """A saving per year: a full calendar year (365 or 366 days) as it is, else scaled to 365."""
    if days <= 0:
        return float("nan")
    return value if 365 <= days <= 366 else value * DAYS_PER_YEAR / days


def _window_days(frame: pd.DataFrame, resolution: str) -> float:
    if resolution == "monthly":
        return float(frame.index.days_in_month.to_numpy().sum())
    return float(len(frame))


def measured_methods(energy: pd.DataFrame, adopted: pd.Timestamp, reporting: tuple[
        pd.Timestamp, pd.Timestamp], granularity: str, scope: str | None) -> dict[str, Any]:
    """Every measured method the data allow for a measure adopted on ``adopted``.

    ``energy`` holds the whole data span (before and after adoption); without a
    ``dc_energy_kwh`` column, E_DC is the facility electricity.

    Parameters
    ----------
    energy : DataFrame
        Energy table indexed by period start [kWh, degC].
    adopted : Timestamp
        Adoption date: the baseline is the months before it, the reporting window after it.
    reporting : tuple of (Timestamp, Timestamp)
        The reporting period, end excluded.
    granularity : str
        Of the data; ``monthly`` and ``irregular`` work on months, the rest on days.
    scope : str or None
        The subsystem the measure acts on; ``cooling`` and ``fans`` add the CLF method.

    Returns
    -------
    dict
        ``resolution``, ``baseline`` and ``reporting`` spans (ISO dates or None); with data on
        both sides also the day counts, ``pue_normalised``, ``subsystem`` (cooling scope and
        cooling data) and ``regression`` (long enough baseline), each with annual ``kwh``.
    """
    if DC not in energy:
        energy = aggregate.boundary_energy(energy, {})
    resolution = "monthly" if granularity in ("monthly", "irregular") else "daily"
    table = aggregate.monthly(energy) if resolution == "monthly" else aggregate.daily(energy)
    table = table[table["periods"] > 0]
    start = adopted - pd.DateOffset(months=setting("savings", "baseline_months"))
    base = table[(table.index >= start) & (table.index < adopted)]
    rep_from = max(adopted, reporting[0])
    rep = table[(table.index >= rep_from) & (table.index < reporting[1])]
    def span(frame: pd.DataFrame) -> list[str] | None:
        if frame.empty:
            return None
        return [frame.index.min().date().isoformat(), frame.index.max().date().isoformat()]

    out: dict[str, Any] = {"resolution": resolution, "baseline": span(base),
                           "reporting": span(rep)}
    if base.empty or rep.empty:
        return out
    rep_days = _window_days(rep, resolution)
    out["reporting_days"] = rep_days
    out["baseline_days"] = _window_days(base, resolution)
    pue_base = base[DC].sum() / base[IT].sum()
    pue_rep = rep[DC].sum() / rep[IT].sum()
    avoided = pue_base * rep[IT].sum() - rep[DC].sum()
    out["pue_normalised"] = {"kwh": _annual(avoided, rep_days), "pue_baseline": pue_base,
                             "pue_reporting": pue_rep,
                             "formula": "PUE_base x E_IT,rep - E_DC,rep, annualised"}
    if scope in ("cooling", "fans") and COOLING in table:
        clf_base = base[COOLING].sum() / base[IT].sum()
        clf_rep = rep[COOLING].sum() / rep[IT].sum()
        out["subsystem"] = {"kwh": _annual((clf_base - clf_rep) * rep[IT].sum(), rep_days),
                            "clf_baseline": clf_base, "clf_reporting": clf_rep,
                            "formula": "(CLF_base - CLF_rep) x E_IT,rep, annualised"}
    enough = (len(base) >= setting("savings", "min_baseline_days") if resolution == "daily"
              else len(base) >= setting("savings", "min_baseline_months"))
    if enough:
        model, tables = fit_baseline(energy, start, adopted, resolution)
        features = tables[model.changepoint]
        rep_features = features[(features.index >= rep_from) & (features.index < reporting[1])]
        known = rep_features[model.columns].notna().all(axis=1).to_numpy()
        gaps = {"baseline": model.stats["periods_without_temperature"],
                "reporting": int((~known).sum())}
        rep_features = rep_features[known]  # periods without a temperature: left out, counted
        predicted = model.predict(rep_features)
        actual = rep_features["nonit"].to_numpy()
        saved = float(np.sum(predicted - actual))
        rep_days *= known.mean() if len(known) else 1.0
        criteria = setting("savings", "ashrae14")[resolution]
        stats = dict(model.stats)
        fraction = saved / float(np.sum(predicted)) if np.sum(predicted) > 0 else 0.0
        fitted = stats["parameters"] + (model.changepoint is not None)  # p, change point too
        rho = stats["autocorrelation"]
        stats["effective_n"] = effective_n(stats["n"], rho)
        for level in setting("savings", "confidence_levels"):
            stats[f"fractional_uncertainty_{round(level * 100)}"] = savings_uncertainty(
                stats["cv_rmse"], stats["n"], len(rep_features), fraction, rho, fitted, level)
        outside = np.zeros(len(rep_features), dtype=bool)
        low, high = model.ranges["it"]
        outside |= (rep_features["it"].to_numpy() < low) | (rep_features["it"].to_numpy() > high)
        if TEMPERATURE in model.ranges:
            low, high = model.ranges[TEMPERATURE]
            temps = energy[(energy.index >= rep_from) & (energy.index < reporting[1])][TEMPERATURE]
            daily_out = ((temps < low) | (temps > high)).astype(float).resample(
                "MS" if resolution == "monthly" else "D").max() > 0
            outside |= daily_out.reindex(rep_features.index, fill_value=False).to_numpy()
        out["regression"] = {
            "kwh": _annual(saved, rep_days),
            "model": model.describe(),
            "terms": {n: float(c) for n, c in zip(model.columns, model.coefficients,
                                                  strict=True)},
            "changepoint_degc": model.changepoint,
            "stats": stats,
            "ashrae14": {"criteria": criteria, "resolution": resolution,
                         "acceptable": _acceptable(stats, criteria),
                         "uncertainty_acceptable": stats["fractional_uncertainty_68"]
                         <= setting("savings", "max_fractional_uncertainty")},
            "outside_baseline_share": float(outside.mean()) if len(outside) else 0.0,
            "periods_without_temperature": gaps,
            "baseline_ranges": {k: list(v) for k, v in model.ranges.items()},
        }
    return out


def deemed(tech: Technology, totals: dict[str, float], pue: float) -> dict[str, Any] | None:
    """The catalogue's range applied to the subsystem's energy over the assessed period.

    The measure is already in the data, so the saving relative to the metered (after) energy
    is effect / (1 - effect) of it.

    Parameters
    ----------
    tech : Technology
        A catalogued technology.
    totals : dict of str to float
        Energy sums of the assessed period by canonical column [kWh].
    pue : float
        PUE of the period [-]; an IT-side saving is multiplied by it.

    Returns
    -------
    dict or None
        ``kwh_low`` and ``kwh_high`` [kWh] over the period, the effect, the subsystem's
        energy [kWh], source, confidence and formula; None without an effect or subsystem data.
    """
    column = SUBSYSTEM_COLUMNS.get(tech.subsystem)
    if tech.effect is None or column is None or column not in totals:
        return None
    energy = totals[column]
    low, high = (e / (1 - e) * energy for e in tech.effect)
    if tech.subsystem == "it":
        low, high = low * pue, high * pue
    return {"kwh_low": low, "kwh_high": high, "effect": list(tech.effect),
            "subsystem": tech.subsystem, "subsystem_kwh": energy,
            "source": tech.source, "confidence": tech.confidence,
            "formula": "effect / (1 - effect) x metered subsystem energy (the measure is already "
                       "in the data)"}


def assess_measures(measures: list[dict[str, Any]], full_energy: pd.DataFrame, totals: dict,
                    period: dict[str, Any], granularity: str, pue: float,
                    money: dict[str, Any]) -> dict[str, Any]:
    """The ``savings`` section of the result: one entry per measure, totals, path to target.

    Parameters
    ----------
    measures : list of dict
        Rows of the Measures sheet (``technology``, ``adoption_date``, ``investment_cny`` ...).
    full_energy : DataFrame
        Energy table over the whole data span, with the boundary columns [kWh].
    totals : dict
        Energy sums of the reporting period by canonical column [kWh].
    period : dict
        The result's period section; ``start`` and ``end`` (ISO dates) are read.
    granularity : str
        Granularity of the data (``monthly``, ``daily`` ...).
    pue : float
        PUE of the reporting period [-].
    money : dict
        ``coal_kgce_per_kwh`` [kgce/kWh], ``grid_kgco2_per_kwh`` [kgCO2/kWh] (or None) and
        ``price`` [CNY/kWh] (or None), as :func:`~greendc.savings.money.add_money` reads them.

    Returns
    -------
    dict
        ``measures``: one entry per measure with its chosen ``method``, savings per year
        [kWh] (or a deemed range), methods tried, notes and money; ``total``: the sums.
        The path to target is added by the caller.
    """
    reporting = (pd.Timestamp(period["start"]), pd.Timestamp(period["end"]) + pd.Timedelta(days=1))
    data_start = full_energy.index.min()
    entries = []
    dates = [m.get("adoption_date") for m in measures if m.get("adoption_date")]
    for m in measures:
        tech = identify(m.get("technology"))
        entry: dict[str, Any] = {
            "technology": m.get("technology"), "row": m.get("row"),
            "catalogue_id": tech.id if tech else None,
            "catalogued": tech is not None,
            "scope": m.get("scope") or (tech.subsystem if tech else None),
            "adoption_date": m.get("adoption_date"), "investment_cny": m.get("investment_cny"),
            "declared_kwh": m.get("declared_savings_kwh"), "evidence": m.get("evidence"),
            "method": None, "kwh": None, "kwh_low": None, "kwh_high": None, "methods": {},
            "notes": [], "note_codes": []}
        adopted = pd.Timestamp(m["adoption_date"]) if m.get("adoption_date") else None
        if adopted is not None and dates.count(m["adoption_date"]) > 1:
            _note(entry, "same_date")
        if tech and tech.subsystem in ("reuse", "renewable"):
            entry["method"] = "not_a_saving"
            _note(entry, "not_a_saving", source=tech.source)
        elif adopted is not None and adopted > data_start:
            entry["methods"] = measured_methods(full_energy, adopted, reporting, granularity,
                                                entry["scope"])
            _choose_measured(entry)
        if entry["method"] is None and entry["scope"] == "it":
            declared = entry["declared_kwh"]
            if declared:
                entry.update(method="it_side", kwh=declared * pue)
                _note(entry, "it_side")
        if entry["method"] is None and tech is not None:
            estimate = deemed(tech, totals, pue)
            if estimate:
                entry["methods"]["deemed"] = estimate
                entry.update(method="deemed", kwh_low=estimate["kwh_low"],
                             kwh_high=estimate["kwh_high"])
                _note(entry, "deemed")
        if entry["method"] is None:
            entry["method"] = "none"
            _note(entry, "no_data" if tech else "uncatalogued")
        regression = entry["methods"].get("regression")
        entry["stats"] = regression["stats"] if regression else None
        add_money(entry, money)
        entries.append(entry)
    measured = [e for e in entries if e["method"] in ("regression", "pue_normalised",
                                                      "subsystem", "it_side")]
    total = {"kwh_measured": sum(e["kwh"] for e in measured) if measured else None,
             "kwh_deemed_low": _sum_or_none(e["kwh_low"] for e in entries
                                            if e["method"] == "deemed"),
             "kwh_deemed_high": _sum_or_none(e["kwh_high"] for e in entries
                                             if e["method"] == "deemed"),
             "declared_kwh": sum(e["declared_kwh"] or 0 for e in entries) or None,
             "measures": len(entries), "uncatalogued": sum(not e["catalogued"] for e in entries)}
    add_money(total, money, key="kwh_measured")
    return {"measures": entries, "total": total}


def _acceptable(stats: dict[str, float], criteria: dict[str, float]) -> bool:
    """CV(RMSE) and NMBE within the criteria both in sample and predicted out of each block
    (the held-out figures, when there are enough blocks)."""
    figures = [(stats["cv_rmse"], stats["nmbe"])]
    held_out = (stats.get("cv_rmse_cross_validated"), stats.get("nmbe_cross_validated"))
    if held_out[0] is not None and held_out[0] == held_out[0]:
        figures.append(held_out)
    return all(cv <= criteria["cv_rmse"] and abs(nmbe) <= criteria["nmbe"]
               for cv, nmbe in figures)


def _note(entry: dict[str, Any], code: str, **params: Any) -> None:
    """Add a note on a measure: English text in ``notes``, the catalogue key and values in
    ``note_codes`` (``savings_note.*``) for other languages."""
    entry["notes"].append(message(f"savings_note.{code}", "en", **params))
    entry["note_codes"].append({"code": code, "params": params})


def _sum_or_none(values) -> float | None:
    values = list(values)
    return float(sum(values)) if values else None


def _choose_measured(entry: dict[str, Any]) -> None:
    methods = entry["methods"]
    regression = methods.get("regression")
    extrapolates = bool(regression) and regression["outside_baseline_share"] > setting(
        "savings", "max_outside_share")
    if regression and regression["ashrae14"]["acceptable"] and not extrapolates:
        entry.update(method="regression", kwh=regression["kwh"])
        if not regression["ashrae14"]["uncertainty_acceptable"]:
            _note(entry, "uncertain")
        if regression["outside_baseline_share"] > 0:
            _note(entry, "outside_range", share=regression["outside_baseline_share"])
    elif "subsystem" in methods:
        entry.update(method="subsystem", kwh=methods["subsystem"]["kwh"])
    elif "pue_normalised" in methods:
        entry.update(method="pue_normalised", kwh=methods["pue_normalised"]["kwh"])
    if regression and not regression["ashrae14"]["acceptable"]:
        _note(entry, "regression_rejected")
    elif extrapolates:
        _note(entry, "regression_extrapolates", share=regression["outside_baseline_share"])
    gaps = (regression or {}).get("periods_without_temperature") or {}
    if sum(gaps.values()):
        _note(entry, "temperature_gaps", days=sum(gaps.values()), **gaps)
    if regression and "pue_normalised" in methods and regression["kwh"]:
        methods["pue_normalised"]["difference_from_regression"] = (
            methods["pue_normalised"]["kwh"] / regression["kwh"] - 1)


