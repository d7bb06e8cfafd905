"""The regression method of one measure: the model chosen, its savings, uncertainty, acceptance.

The daily (monthly) change-point model is fitted; for hourly and finer data the hourly
time-of-week model too, and the one whose held-out error summed to days is lower is used.  The
model predicts the reporting periods at their IT load and weather; savings = predicted - metered
non-IT energy, annualised.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from greendc.reference.names import TEMPERATURE
from greendc.savings.baseline import Baseline, fit_baseline
from greendc.savings.hourly import FINER_THAN_DAILY, fit_hourly
from greendc.savings.statistics import effective_n
from greendc.savings.uncertainty import extrapolation_factor, regression_acceptance, uncertainty

DAYS_PER_MONTH = 365.25 / 12
RULES = {"monthly": "MS", "daily": "D", "hourly": "h"}


def _choose(energy: pd.DataFrame, baseline: tuple[pd.Timestamp, pd.Timestamp],
            resolution: str, granularity: str) -> tuple[Baseline, dict[str, float]]:
    model = fit_baseline(energy, *baseline, resolution)
    compared = {resolution: model.stats["cv_rmse_cross_validated"]}
    if granularity in FINER_THAN_DAILY:
        hourly = fit_hourly(energy, *baseline)
        if hourly is not None:
            compared["hourly"] = hourly.stats["cv_rmse_cross_validated_daily"]
            if compared["hourly"] < compared[resolution] or compared[resolution] != compared[
                    resolution]:
                model = hourly
    return model, compared


def annual_scale(days: float) -> float:
    """Factor from a window of ``days`` to a year: a calendar year (365 or 366 days) as it is,
    else scaled to 365 days; NaN for an empty window.

    Parameters
    ----------
    days : float
        Days the window covers.

    Returns
    -------
    float
        The factor [-].
    """
    if days <= 0:
        return float("nan")
    return 1.0 if 365 <= days <= 366 else 365 / days


def _covered_days(index: pd.DatetimeIndex, resolution: str) -> float:
    if resolution == "monthly":
        return float(index.days_in_month.to_numpy().sum())
    return len(index) / 24 if resolution == "hourly" else float(len(index))


def _months(index: pd.DatetimeIndex, resolution: str) -> float:
    """Months of reporting data: calendar months for a monthly model, else days / 30.44 to one
    decimal (a year of days is 12.0)."""
    if resolution == "monthly":
        return float(len(index))
    return round(_covered_days(index, resolution) / DAYS_PER_MONTH, 1)


def regression_method(energy: pd.DataFrame, baseline: tuple[pd.Timestamp, pd.Timestamp],
                      reporting: tuple[pd.Timestamp, pd.Timestamp], resolution: str,
                      granularity: str) -> dict[str, Any]:
    """The ``regression`` entry of a measure's methods.

    Parameters
    ----------
    energy : DataFrame
        Energy table over the whole span with ``dc_energy_kwh`` and ``it_energy_kwh`` [kWh]
        and, when measured, ``outdoor_temp_degc`` [degC].
    baseline, reporting : tuple of (Timestamp, Timestamp)
        The two windows, end excluded.
    resolution : str
        ``daily`` or ``monthly``: that of the change-point model.
    granularity : str
        Of the data; hourly and finer also try the hourly model.

    Returns
    -------
    dict
        ``kwh`` (per year), ``model`` (its equation), ``form``, ``resolution``, ``terms``,
        ``changepoint_degc`` (cooling) and ``changepoints_degc``, ``models_compared`` (held-out
        CV(RMSE) of days by resolution), ``stats``, ``uncertainty``, ``acceptance``,
        ``outside_baseline_share``, ``periods_without_temperature`` {``baseline``,
        ``reporting``} and ``baseline_ranges``.
    """
    model, compared = _choose(energy, baseline, resolution, granularity)
    features = model.features
    rep = features[(features.index >= reporting[0]) & (features.index < reporting[1])]
    known = rep[model.columns].notna().all(axis=1).to_numpy()
    gaps = {"baseline": model.stats["periods_without_temperature"],
            "reporting": int((~known).sum())}
    months = _months(rep.index, model.resolution)  # the window's, gaps included
    rep = rep[known]  # periods without a temperature: left out, counted
    predicted = model.predict(rep)
    saved = float(np.sum(predicted - rep["nonit"].to_numpy()))
    days = _covered_days(rep.index, model.resolution)
    scale = annual_scale(days)
    stats = dict(model.stats)
    stats["effective_n"] = effective_n(stats["n"], stats["autocorrelation"])
    spread = uncertainty(stats["cv_rmse"], stats["n"], len(rep), saved, float(np.sum(predicted)),
                         stats["autocorrelation"], stats["parameters"], scale,
                         extrapolation_factor(model.design, rep[model.columns].to_numpy()))
    for level in spread["levels"]:
        key = round(level * 100)
        fraction = spread[f"fraction_{key}"]
        stats[f"fractional_uncertainty_{key}"] = float("inf") if fraction is None else fraction
    return {
        "kwh": saved * scale, "model": model.describe(), "form": model.form,
        "resolution": model.resolution,
        "terms": {n: float(c) for n, c in zip(model.columns, model.coefficients, strict=True)
                  if not n.startswith("tow_")},
        "time_of_week_levels": sum(n.startswith("tow_") for n in model.columns),
        "changepoint_degc": model.changepoints.get("cooling"),
        "changepoints_degc": model.changepoints,
        "models_compared": compared,
        "stats": stats, "uncertainty": spread,
        "acceptance": regression_acceptance(stats, spread, months),
        "outside_baseline_share": _outside_share(energy, model, rep, reporting),
        "periods_without_temperature": gaps,
        "baseline_ranges": {k: list(v) for k, v in model.ranges.items()},
    }


def _outside_share(energy: pd.DataFrame, model: Baseline, rep: pd.DataFrame,
                   reporting: tuple[pd.Timestamp, pd.Timestamp]) -> float:
    """Share of reporting periods whose IT load or any temperature lies outside the baseline's."""
    if not len(rep):
        return 0.0
    low, high = model.ranges["it"]
    it = rep["it"].to_numpy()
    outside = (it < low) | (it > high)
    if TEMPERATURE in model.ranges:
        low, high = model.ranges[TEMPERATURE]
        temps = energy[(energy.index >= reporting[0]) & (energy.index < reporting[1])][TEMPERATURE]
        beyond = ((temps < low) | (temps > high)).astype(float).resample(
            RULES[model.resolution]).max() > 0
        outside |= beyond.reindex(rep.index, fill_value=False).to_numpy()
    return float(outside.mean())

