"""Savings from adopted energy-saving technologies: measured, normalised, or deemed.

For each measure on the Measures sheet greendc picks the method the data allow and names it:

* ``regression``: a baseline model of non-IT energy fitted on the 12 months before adoption,
  daily (monthly for monthly data): ``non-IT = a + b x offday + c x E_IT + d x warm
  + e x sum(E_IT x max(0, T - T_cp))``, the change point T_cp chosen by the best fit, predicted
  over the reporting period at the reporting IT load and weather.  Savings = predicted - metered
  non-IT energy.  Fit statistics (CV(RMSE), NMBE, R2) are checked against ASHRAE Guideline 14 and
  the savings uncertainty is estimated; reporting conditions outside the baseline's range are
  flagged.
* ``pue_normalised``: the IT-load-normalised avoided energy, PUE_base x E_IT,rep - E_DC,rep.  It
  ignores weather, so it is always shown beside the regression as a cross-check.
* ``subsystem``: for a cooling measure with a cooling meter, (CLF_base - CLF_rep) x E_IT,rep.
* ``deemed``: the catalogue's indicative range applied to the subsystem's energy, when no
  before-and-after data exist; always a range and labelled an estimate, never measured.
* ``it_side``: IT-side measures (server consolidation): a saving at the IT input is worth about
  PUE kWh at the meter; from the declaration when nothing is metered.

References
----------
EVO, IPMVP Core Concepts (2022), option C (whole facility).
ASHRAE Guideline 14-2014, Measurement of energy, demand and water savings.
The Green Grid, PUE: a comprehensive examination of the metric (IT-load normalisation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from greendc import metrics, reference
from greendc.metrics import DC, IT
from greendc.reference import load_toml, setting

TEMP = "outdoor_temp_degc"
COOLING = "cooling_energy_kwh"
SUBSYSTEM_COLUMNS = {"cooling": COOLING, "power_losses": "power_loss_energy_kwh",
                     "lighting": "other_energy_kwh", "fans": COOLING, "site": DC, "it": IT}
DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class Technology:
    id: str
    zh: str
    en: str
    subsystem: str
    effect: tuple[float, float] | None
    source: str
    confidence: str


@cache
def catalogue() -> dict[str, Technology]:
    out = {}
    for key, spec in load_toml("technologies.toml").items():
        effect = tuple(spec["effect"]) if "effect" in spec else None
        out[key] = Technology(key, spec["zh"], spec["en"], spec["subsystem"], effect,
                              spec["source"], spec["confidence"])
    return out


@cache
def _technology_index() -> dict[str, str]:
    specs = load_toml("technologies.toml")
    return reference.alias_index({k: (v["zh"], v["en"], *v.get("aliases", ()))
                                  for k, v in specs.items()})


def identify(text: str | None) -> Technology | None:
    """The catalogued technology a free-text name means, or None (kept as uncatalogued)."""
    if not text:
        return None
    index = _technology_index()
    for variant in reference.name_variants(text):
        if variant in index:
            return catalogue()[index[variant]]
    for variant in reference.name_variants(text):  # a known name inside a longer text
        for alias, key in sorted(index.items(), key=lambda kv: -len(kv[0])):
            if len(alias) >= 3 and alias in variant:
                return catalogue()[key]
    return None


# ---------------------------------------------------------------------------- statistics


def fit_statistics(y: np.ndarray, predicted: np.ndarray, parameters: int) -> dict[str, float]:
    """ASHRAE Guideline 14 goodness of fit: CV(RMSE), NMBE and R2 of a baseline model.

    CV(RMSE) = sqrt(sum(e^2) / (n - p)) / mean(y);  NMBE = sum(e) / ((n - p) x mean(y)),
    with e = y - predicted, n observations and p parameters.
    """
    residual = y - predicted
    n, mean = len(y), float(np.mean(y))
    dof = max(n - parameters, 1)
    total = float(np.sum((y - mean) ** 2))
    return {"n": n, "parameters": parameters,
            "cv_rmse": math.sqrt(float(np.sum(residual ** 2)) / dof) / mean,
            "nmbe": float(np.sum(residual)) / (dof * mean),
            "r2": 1 - float(np.sum(residual ** 2)) / total if total > 0 else float("nan")}


def savings_uncertainty(cv_rmse: float, n: int, m: int, fraction: float) -> float:
    """Fractional savings uncertainty at 68 % confidence (ASHRAE Guideline 14, annex B).

    dE/E = t x 1.26 x CV x sqrt((n / n') (1 + 2/n) / m) / F with t = 1 (68 %), n' = n (no
    autocorrelation correction), n baseline and m reporting points, F the savings fraction.
    """
    if fraction <= 0 or m <= 0:
        return float("inf")
    return 1.26 * cv_rmse * math.sqrt((1 + 2 / n) / m) / fraction


FEATURES = {"intercept": "1", "offday": "Saturday or Sunday", "it": "E_IT",
            "warm": "mean max(0, T - T_cp)", "it_warm": "sum of E_IT x max(0, T - T_cp)"}


def model_features(energy: pd.DataFrame, resolution: str,
                   changepoint: float | None) -> pd.DataFrame:
    """Per day (or month): non-IT energy and the regressors, built from the finest data given.

    ``it_warm`` sums E_IT x max(0, T - T_cp) over the intervals, so that cooling that follows
    both the IT heat and the weather is described even when both change within a day.
    """
    base = metrics.complete(energy)
    frame = pd.DataFrame({"nonit": base[DC] - base[IT], "it": base[IT]}, index=base.index)
    if changepoint is not None:
        warm = np.clip(base[TEMP] - changepoint, 0, None)
        frame["warm"] = warm
        frame["it_warm"] = base[IT] * warm
    rule = "MS" if resolution == "monthly" else "D"
    agg = {"nonit": "sum", "it": "sum", **({"warm": "mean", "it_warm": "sum"}
                                           if changepoint is not None else {})}
    out = frame.resample(rule).agg(agg)
    out["periods"] = frame["it"].resample(rule).count()
    out = out[out["periods"] > 0].drop(columns="periods")
    out.insert(0, "intercept", 1.0)
    if resolution == "daily":
        out.insert(1, "offday", (out.index.day_of_week >= 5).astype(float))
    return out


@dataclass
class Baseline:
    """A fitted change-point regression of non-IT energy on IT energy and temperature."""

    columns: list[str]
    coefficients: np.ndarray
    changepoint: float | None
    stats: dict[str, float]
    ranges: dict[str, tuple[float, float]]
    resolution: str

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        return features[self.columns].to_numpy() @ self.coefficients

    def describe(self) -> str:
        terms = " ".join(f"{'-' if c < 0 else '+'} {abs(c):.4g} x {FEATURES[n]}" for n, c in
                         zip(self.columns, self.coefficients, strict=True)).lstrip("+ ")
        cp = f", T_cp = {self.changepoint:g} degC" if self.changepoint is not None else ""
        return f"non-IT = {terms}{cp}"


def fit_baseline(energy: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                 resolution: str) -> tuple[Baseline, dict[float | None, pd.DataFrame]]:
    """Fit the baseline on [start, end) of ``energy``; also return the feature tables by change
    point so that the chosen model can be evaluated on any window."""
    candidates: list[float | None] = [None]
    if TEMP in energy and energy[TEMP].notna().all():
        candidates = list(setting("savings", "changepoints_degc"))
    best: Baseline | None = None
    tables = {}
    for changepoint in candidates:
        table = model_features(energy, resolution, changepoint)
        tables[changepoint] = table
        base = table[(table.index >= start) & (table.index < end)]
        columns = [c for c in base.columns if c != "nonit"]
        x, y = base[columns].to_numpy(), base["nonit"].to_numpy()
        coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
        stats = fit_statistics(y, x @ coefficients, x.shape[1])
        if best is None or stats["cv_rmse"] < best.stats["cv_rmse"]:
            ranges = {"it": (float(base["it"].min()), float(base["it"].max()))}
            if TEMP in energy:
                window = energy[(energy.index >= start) & (energy.index < end)][TEMP]
                ranges["outdoor_temp_degc"] = (float(window.min()), float(window.max()))
            best = Baseline(columns, coefficients, changepoint, stats, ranges, resolution)
    assert best is not None
    return best, tables


# ---------------------------------------------------------------------------- per measure


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
    """
    if DC not in energy:
        energy = metrics.boundary_energy(energy, {})
    resolution = "monthly" if granularity in ("monthly", "irregular") else "daily"
    table = metrics.monthly(energy) if resolution == "monthly" else metrics.daily(energy)
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
        predicted = model.predict(rep_features)
        actual = rep_features["nonit"].to_numpy()
        saved = float(np.sum(predicted - actual))
        criteria = setting("savings", "ashrae14")[resolution]
        stats = dict(model.stats)
        fraction = saved / float(np.sum(predicted)) if np.sum(predicted) > 0 else 0.0
        stats["fractional_uncertainty_68"] = savings_uncertainty(
            stats["cv_rmse"], stats["n"], len(rep_features), fraction)
        outside = np.zeros(len(rep_features), dtype=bool)
        low, high = model.ranges["it"]
        outside |= (rep_features["it"].to_numpy() < low) | (rep_features["it"].to_numpy() > high)
        if "outdoor_temp_degc" in model.ranges:
            low, high = model.ranges["outdoor_temp_degc"]
            temps = energy[(energy.index >= rep_from) & (energy.index < reporting[1])][TEMP]
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
                         "acceptable": abs(stats["nmbe"]) <= criteria["nmbe"]
                         and stats["cv_rmse"] <= criteria["cv_rmse"],
                         "uncertainty_acceptable": stats["fractional_uncertainty_68"]
                         <= setting("savings", "max_fractional_uncertainty")},
            "outside_baseline_share": float(outside.mean()) if len(outside) else 0.0,
            "baseline_ranges": {k: list(v) for k, v in model.ranges.items()},
        }
    return out


def deemed(tech: Technology, totals: dict[str, float], pue: float) -> dict[str, Any] | None:
    """The catalogue's range applied to the subsystem's energy over the assessed period.

    The measure is already in the data, so the saving relative to the metered (after) energy
    is effect / (1 - effect) of it.
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
    """The ``savings`` section of the result: one entry per measure, totals, path to target."""
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
            "notes": []}
        adopted = pd.Timestamp(m["adoption_date"]) if m.get("adoption_date") else None
        if adopted is not None and dates.count(m["adoption_date"]) > 1:
            entry["notes"].append("adopted on the same date as another measure: whole-facility "
                                  "methods cannot separate them")
        if tech and tech.subsystem in ("reuse", "renewable"):
            entry["method"] = "not_a_saving"
            entry["notes"].append(tech.source)
        elif adopted is not None and adopted > data_start:
            entry["methods"] = measured_methods(full_energy, adopted, reporting, granularity,
                                                entry["scope"])
            _choose_measured(entry)
        if entry["method"] is None and entry["scope"] == "it":
            declared = entry["declared_kwh"]
            if declared:
                entry.update(method="it_side", kwh=declared * pue)
                entry["notes"].append("declared IT-input saving x PUE (each IT kWh saved is "
                                      "worth about PUE kWh at the meter)")
        if entry["method"] is None and tech is not None:
            estimate = deemed(tech, totals, pue)
            if estimate:
                entry["methods"]["deemed"] = estimate
                entry.update(method="deemed", kwh_low=estimate["kwh_low"],
                             kwh_high=estimate["kwh_high"])
                entry["notes"].append("an estimate from the catalogue's indicative range, not "
                                      "measured")
        if entry["method"] is None:
            entry["method"] = "none"
            entry["notes"].append("neither before-and-after meter data nor a catalogued effect "
                                  "range: no saving can be stated" if tech else
                                  "uncatalogued technology: kept as declared, not quantified")
        regression = entry["methods"].get("regression")
        entry["stats"] = regression["stats"] if regression else None
        _money(entry, money)
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
    _money(total, money, key="kwh_measured")
    return {"measures": entries, "total": total}


def _sum_or_none(values) -> float | None:
    values = list(values)
    return float(sum(values)) if values else None


def _choose_measured(entry: dict[str, Any]) -> None:
    methods = entry["methods"]
    regression = methods.get("regression")
    if regression and regression["ashrae14"]["acceptable"]:
        entry.update(method="regression", kwh=regression["kwh"])
        if not regression["ashrae14"]["uncertainty_acceptable"]:
            entry["notes"].append("savings uncertainty above 50 % at 68 % confidence")
        if regression["outside_baseline_share"] > 0:
            entry["notes"].append(f"{regression['outside_baseline_share']:.0%} of reporting "
                                  "periods lie outside the baseline's range of IT load or "
                                  "temperature: the model extrapolates there")
    elif "subsystem" in methods:
        entry.update(method="subsystem", kwh=methods["subsystem"]["kwh"])
    elif "pue_normalised" in methods:
        entry.update(method="pue_normalised", kwh=methods["pue_normalised"]["kwh"])
    if regression and not regression["ashrae14"]["acceptable"]:
        entry["notes"].append("the regression baseline fails ASHRAE Guideline 14 calibration "
                              "criteria and was not used")
    if regression and "pue_normalised" in methods and regression["kwh"]:
        methods["pue_normalised"]["difference_from_regression"] = (
            methods["pue_normalised"]["kwh"] / regression["kwh"] - 1)


def _money(entry: dict[str, Any], money: dict[str, Any], key: str = "kwh") -> None:
    """tce, tCO2, CNY and payback for the saving in ``entry[key]`` (or the deemed range)."""
    kwh = entry.get(key)
    if kwh is None and entry.get("kwh_low") is not None:
        kwh = (entry["kwh_low"] + entry["kwh_high"]) / 2  # the range's middle, labelled
        entry["money_basis"] = "middle of the deemed range"
    coal, grid, price = money["coal_kgce_per_kwh"], money["grid_kgco2_per_kwh"], money["price"]
    entry["tce"] = kwh * coal / 1000 if kwh is not None else None
    entry["tco2"] = kwh * grid / 1000 if kwh is not None and grid is not None else None
    entry["cny"] = kwh * price if kwh is not None and price else None
    investment = entry.get("investment_cny")
    entry["payback_years"] = (investment / entry["cny"]
                              if investment and entry.get("cny") and entry["cny"] > 0 else None)
    declared, measured = entry.get("declared_kwh"), entry.get("kwh")
    limit = setting("savings", "declared_excess_flag")
    if declared and measured is not None and key == "kwh" and entry.get("method") != "it_side":
        entry["declared_excess"] = declared / measured - 1 if measured > 0 else float("inf")
        entry["declared_flag"] = declared > measured * (1 + limit)


def path_to_target(totals: dict[str, float], pue: float, targets: list[dict[str, Any]],
                   money: dict[str, Any]) -> list[dict[str, Any]]:
    """Which catalogued measures, at their indicative ranges, could bring PUE to each target.

    Each measure cuts its subsystem's energy by its range; measures on one subsystem combine
    multiplicatively.  The result lists, per target, the non-IT energy to cut and the measures
    in order of their largest effect, with the PUE reached at the low and high ends.
    """
    it = totals[IT]
    out = []
    techs = [t for t in catalogue().values() if t.effect and t.effect[1] > 0
             and SUBSYSTEM_COLUMNS.get(t.subsystem) in totals and t.subsystem != "it"]
    for target in targets:
        value = target["pue"]
        need = totals[DC] - value * it
        if need <= 0:
            continue
        ranked = sorted(techs, key=lambda t: -t.effect[1] * totals[SUBSYSTEM_COLUMNS[t.subsystem]])
        steps = []
        remaining = {k: totals[v] for k, v in SUBSYSTEM_COLUMNS.items() if v in totals}
        cut_low = cut_high = 0.0
        for tech in ranked:
            energy = remaining[tech.subsystem]
            low, high = (e * energy for e in tech.effect)
            remaining[tech.subsystem] = energy - high
            cut_low, cut_high = cut_low + low, cut_high + high
            steps.append({"technology": tech.id, "zh": tech.zh, "en": tech.en,
                          "subsystem": tech.subsystem, "effect": list(tech.effect),
                          "kwh_high": high, "pue_after_high": (totals[DC] - cut_high) / it,
                          "pue_after_low": (totals[DC] - cut_low) / it,
                          "source": tech.source, "confidence": tech.confidence})
            if cut_high >= need:
                break
        entry = {"target": target["label"], "pue_target": value, "pue_now": pue,
                 "kwh_to_cut": need, "share_of_dc": need / totals[DC],
                 "reachable_at_high_end": cut_high >= need, "measures": steps}
        _money(entry, money, key="kwh_to_cut")
        entry.pop("payback_years", None)
        out.append(entry)
    return out
