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
from greendc.savings.catalogue import SUBSYSTEM_COLUMNS, Technology, identify
from greendc.savings.money import add_money
from greendc.savings.regression import annual_scale, regression_method
from greendc.savings.uncertainty import ratio_uncertainty


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
    scale = annual_scale(rep_days)
    pue_base = base[DC].sum() / base[IT].sum()
    pue_rep = rep[DC].sum() / rep[IT].sum()
    avoided = pue_base * rep[IT].sum() - rep[DC].sum()
    out["pue_normalised"] = {
        "kwh": avoided * scale, "pue_baseline": pue_base, "pue_reporting": pue_rep,
        "formula": "PUE_base x E_IT,rep - E_DC,rep, annualised",
        "uncertainty": ratio_uncertainty(*_arrays(base, DC), *_arrays(rep, DC)[::-1], scale)}
    if scope in ("cooling", "fans") and COOLING in table:
        clf_base = base[COOLING].sum() / base[IT].sum()
        clf_rep = rep[COOLING].sum() / rep[IT].sum()
        out["subsystem"] = {
            "kwh": (clf_base - clf_rep) * rep[IT].sum() * scale,
            "clf_baseline": clf_base, "clf_reporting": clf_rep,
            "formula": "(CLF_base - CLF_rep) x E_IT,rep, annualised",
            "uncertainty": ratio_uncertainty(*_arrays(base, COOLING),
                                             *_arrays(rep, COOLING)[::-1], scale)}
    low, high = base[IT].min(), base[IT].max()
    out["load_outside_share"] = float(((rep[IT] < low) | (rep[IT] > high)).mean())
    if TEMPERATURE in table and base[TEMPERATURE].notna().any():
        low, high = base[TEMPERATURE].min(), base[TEMPERATURE].max()
        temps = rep[TEMPERATURE].dropna()
        out["weather_outside_share"] = (float(((temps < low) | (temps > high)).mean())
                                        if len(temps) else 0.0)
    minimum = setting("savings", "min_baseline_days" if resolution == "daily"
                      else "min_baseline_months")
    if len(base) >= minimum:
        out["regression"] = regression_method(energy, (start, adopted), (rep_from, reporting[1]),
                                              resolution, granularity)
    else:
        out["regression_not_fitted"] = {"periods": len(base), "needed": minimum}
    return out


def _arrays(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(column, IT energy) of a window as float arrays, in time order."""
    return frame[column].to_numpy(dtype=float), frame[IT].to_numpy(dtype=float)


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
            "uncertainty": None, "choice": None, "notes": [], "note_codes": []}
        adopted = pd.Timestamp(m["adoption_date"]) if m.get("adoption_date") else None
        if adopted is not None and dates.count(m["adoption_date"]) > 1:
            _note(entry, "same_date")
        if tech and tech.subsystem in ("reuse", "renewable"):
            entry["method"] = "not_a_saving"
            _note(entry, "not_a_saving", source=tech.source, source_zh=tech.source_zh)
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
        if entry["choice"] is None:  # not measured: why no statistical uncertainty exists
            entry["choice"] = {"code": entry["method"]}
            entry["uncertainty"] = {"reason": entry["method"]}
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
    total.update(_combined_uncertainty(measured))
    add_money(total, money, key="kwh_measured")
    return {"measures": entries, "total": total}


def _combined_uncertainty(measured: list[dict[str, Any]]) -> dict[str, Any]:
    """The measured total's uncertainty: the measures' in quadrature (errors taken as
    independent), with the count of measured figures that have none (declared IT savings)."""
    out: dict[str, Any] = {"uncertainty_missing": sum(
        "kwh_68" not in (e["uncertainty"] or {}) for e in measured)}
    for level in setting("savings", "confidence_levels"):
        key = f"kwh_{round(level * 100)}"
        values = [e["uncertainty"][key] for e in measured if (e["uncertainty"] or {}).get(key)]
        out[f"uncertainty_{key}"] = float(np.sqrt(np.sum(np.square(values)))) if values else None
    return out


def _note(entry: dict[str, Any], code: str, **params: Any) -> None:
    """Add a note on a measure: English text in ``notes``, the catalogue key and values in
    ``note_codes`` (``savings_note.*``) for other languages."""
    entry["notes"].append(message(f"savings_note.{code}", "en", **params))
    entry["note_codes"].append({"code": code, "params": params})


def _sum_or_none(values) -> float | None:
    values = list(values)
    return float(sum(values)) if values else None


def _within(method: dict[str, Any]) -> bool:
    fraction = method["uncertainty"].get("fraction_68")
    return fraction is not None and fraction <= setting("savings", "max_fractional_uncertainty")


def _choose_measured(entry: dict[str, Any]) -> None:
    """The measured method whose figure is used, and why (``choice``).

    The regression when it meets every acceptance check and does not extrapolate; else the
    first simpler method (subsystem, then IT-load-normalised) whose uncertainty is within the
    limit; when none is, the regression if only its uncertainty failed, else the first simpler
    one, each with the note that the figure is uncertain.
    """
    methods = entry["methods"]
    regression = methods.get("regression")
    simpler = [name for name in ("subsystem", "pue_normalised") if name in methods]
    limit = setting("savings", "max_outside_share")
    load_share = methods.get("load_outside_share", 0.0)
    weather_share = methods.get("weather_outside_share", 0.0)
    if simpler and (load_share > limit or weather_share > limit):
        # every method was fitted on another load, or on other weather (the weather-blind
        # ratios would count a hotter year's cooling as a loss): none can be verified
        code, share = (("all_extrapolate", load_share) if load_share > limit
                       else ("weather_extrapolates", weather_share))
        entry.update(method="unverified", uncertainty={"reason": "unverified"},
                     choice={"code": code, "share": share})
        if entry.get("declared_kwh"):
            _note(entry, "declared_unverifiable")
        return
    share = regression["outside_baseline_share"] if regression else 0.0
    extrapolates = share > limit
    failed = regression["acceptance"]["failed"] if regression else []
    fits = bool(regression) and not extrapolates and failed in ([], ["fraction_68"])
    if regression is None:
        why: dict[str, Any] = {"code": "regression_not_fitted",
                               **methods.get("regression_not_fitted", {})}
    elif extrapolates:
        why = {"code": "regression_extrapolates", "share": share}
    else:
        why = {"code": "regression_failed", "checks": failed}
    if fits and not failed:
        chosen, why = "regression", {"code": "regression_accepted"}
    elif usable := [name for name in simpler if _within(methods[name])]:
        chosen = usable[0]
    elif fits or simpler:
        chosen = "regression" if fits else simpler[0]
        why = {"code": "all_uncertain", "reason": why}
    else:
        return
    entry.update(method=chosen, kwh=methods[chosen]["kwh"],
                 uncertainty=methods[chosen]["uncertainty"], choice=why)
    if not _within(methods[chosen]):
        _note(entry, "uncertain")
    if chosen == "regression" and share > 0:  # a share that rounds to 0.0 % still says so
        _note(entry, "outside_range" if share >= setting("savings", "share_shown_min")
              else "outside_range_few", share=share)
    if regression and not (fits or extrapolates):
        _note(entry, "regression_rejected")
    elif extrapolates:
        _note(entry, "regression_extrapolates", share=share)
    gaps = (regression or {}).get("periods_without_temperature") or {}
    if sum(gaps.values()):
        _note(entry, "temperature_gaps", days=sum(gaps.values()), **gaps)
    if regression and "pue_normalised" in methods and regression["kwh"]:
        methods["pue_normalised"]["difference_from_regression"] = (
            methods["pue_normalised"]["kwh"] / regression["kwh"] - 1)
