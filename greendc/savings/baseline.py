"""The regression baseline: a change-point model of non-IT energy and its fit statistics.

References
----------
ASHRAE Guideline 14-2014, Measurement of energy, demand and water savings (CV(RMSE), NMBE,
fractional savings uncertainty, annex B).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from greendc.metrics import aggregate
from greendc.reference.names import DC, IT, TEMPERATURE
from greendc.reference.settings import setting


def fit_statistics(y: np.ndarray, predicted: np.ndarray, parameters: int) -> dict[str, float]:
    """ASHRAE Guideline 14 goodness of fit: CV(RMSE), NMBE and R2 of a baseline model.

    CV(RMSE) = sqrt(sum(e^2) / (n - p)) / mean(y);  NMBE = sum(e) / ((n - p) x mean(y)),
    with e = y - predicted, n observations and p parameters.

    Parameters
    ----------
    y : ndarray of float
        Observed values (non-zero mean), e.g. non-IT energy per day [kWh].
    predicted : ndarray of float
        The model's values for the same observations [kWh].
    parameters : int
        Number of fitted parameters p; n - p is taken as at least 1.

    Returns
    -------
    dict of str to float
        ``n``, ``parameters``, ``cv_rmse`` [-], ``nmbe`` [-] and ``r2`` [-] (NaN when ``y`` is
        constant).
    """
    residual = y - predicted
    n, mean = len(y), float(np.mean(y))
    dof = max(n - parameters, 1)
    total = float(np.sum((y - mean) ** 2))
    return {"n": n, "parameters": parameters,
            "cv_rmse": math.sqrt(float(np.sum(residual ** 2)) / dof) / mean,
            "nmbe": float(np.sum(residual)) / (dof * mean),
            "r2": 1 - float(np.sum(residual ** 2)) / total if total > 0 else float("nan"),
            "autocorrelation": lag1_autocorrelation(residual)}


def lag1_autocorrelation(residual: np.ndarray) -> float:
    """Lag-1 autocorrelation of a model's residuals, in time order.

    Parameters
    ----------
    residual : ndarray of float
        Residuals y - predicted, in time order.

    Returns
    -------
    float
        rho_1 = sum(e_t e_(t-1)) / sum(e_t^2) of the centred residuals [-]; 0 when fewer than
        three residuals or when they are all equal.
    """
    e = np.asarray(residual, dtype=float) - float(np.mean(residual))
    denominator = float(np.sum(e ** 2))
    if len(e) < 3 or denominator == 0:
        return 0.0
    return float(np.sum(e[1:] * e[:-1]) / denominator)


def effective_n(n: int, autocorrelation: float) -> float:
    """Effective number of independent points, n' = n (1 - rho) / (1 + rho).

    Parameters
    ----------
    n : int
        Number of points.
    autocorrelation : float
        Lag-1 autocorrelation rho of the residuals; negative values count as 0 (no correction)
        and values above 0.99 as 0.99.

    Returns
    -------
    float
        n' (at least 1).
    """
    rho = min(max(autocorrelation, 0.0), 0.99)
    return max(n * (1 - rho) / (1 + rho), 1.0)


def t_quantile(probability: float, dof: float) -> float:
    """Student's t quantile, by the Cornish-Fisher expansion about the normal quantile
    (Abramowitz and Stegun 26.7.5); within 0.1 % of the exact value from 5 degrees of freedom.

    Parameters
    ----------
    probability : float
        One-sided probability, e.g. 0.84 for a 68 % two-sided interval.
    dof : float
        Degrees of freedom (taken as at least 1).

    Returns
    -------
    float
        t such that P(T <= t) = ``probability``.
    """
    z = NormalDist().inv_cdf(probability)
    v = max(float(dof), 1.0)
    g1 = (z ** 3 + z) / 4
    g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
    g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
    g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
    return z + g1 / v + g2 / v ** 2 + g3 / v ** 3 + g4 / v ** 4


def savings_uncertainty(cv_rmse: float, n: int, m: int, fraction: float,
                        autocorrelation: float = 0.0, parameters: int = 0,
                        confidence: float = 0.68) -> float:
    """Fractional savings uncertainty (ASHRAE Guideline 14-2014, annex B).

    dE/E = t x 1.26 x CV x sqrt((n / n') (1 + 2/n') / m) / F, with n' = n (1 - rho) /
    (1 + rho) for residuals with lag-1 autocorrelation rho > 0 (n' = n otherwise), t the
    Student quantile of the two-sided ``confidence`` at n' - p degrees of freedom, n baseline and
    m reporting points, F the savings fraction.

    Parameters
    ----------
    cv_rmse : float
        CV(RMSE) of the baseline model [-].
    n : int
        Number of baseline points.
    m : int
        Number of reporting points.
    fraction : float
        Savings as a share of the predicted energy [-].
    autocorrelation : float
        Lag-1 autocorrelation of the baseline residuals [-].
    parameters : int
        Fitted parameters p, change points included.
    confidence : float
        Two-sided confidence level, e.g. 0.68 or 0.90.

    Returns
    -------
    float
        Fractional savings uncertainty [-]; infinity when ``fraction`` or ``m`` is not positive.
    """
    if fraction <= 0 or m <= 0:
        return float("inf")
    effective = effective_n(n, autocorrelation)
    t = t_quantile(1 - (1 - confidence) / 2, effective - parameters)
    return t * 1.26 * cv_rmse * math.sqrt(n / effective * (1 + 2 / effective) / m) / fraction


FEATURES = {"intercept": "1", "offday": "Saturday or Sunday", "it": "E_IT",
            "warm": "mean max(0, T - T_cp)", "it_warm": "sum of E_IT x max(0, T - T_cp)"}


def model_features(energy: pd.DataFrame, resolution: str,
                   changepoint: float | None) -> pd.DataFrame:
    """Per day (or month): non-IT energy and the regressors, built from the finest data given.

    ``it_warm`` sums E_IT x max(0, T - T_cp) over the intervals, so that cooling that follows
    both the IT heat and the weather is described even when both change within a day.

    Parameters
    ----------
    energy : DataFrame
        Energy table indexed by period start, with ``dc_energy_kwh``, ``it_energy_kwh`` and,
        when ``changepoint`` is given, ``outdoor_temp_degc``.
    resolution : str
        ``daily`` or ``monthly``.
    changepoint : float or None
        Change-point temperature T_cp [degC]; None fits no temperature terms.

    Returns
    -------
    DataFrame
        Indexed by day or month start, only those with complete rows: ``intercept``,
        ``offday`` (daily only, 1 on weekends), ``nonit`` and ``it`` [kWh], and with a change
        point ``warm`` [degC] and ``it_warm`` [kWh x degC], NaN on a day (month) with any
        period missing its temperature (the fit leaves it out and counts it).
    """
    base = aggregate.complete(energy)
    frame = pd.DataFrame({"nonit": base[DC] - base[IT], "it": base[IT]}, index=base.index)
    if changepoint is not None:
        warm = np.clip(base[TEMPERATURE] - changepoint, 0, None)
        frame["warm"] = warm
        frame["it_warm"] = base[IT] * warm
        frame["no_temperature"] = base[TEMPERATURE].isna().astype(float)
    rule = "MS" if resolution == "monthly" else "D"
    agg = {"nonit": "sum", "it": "sum",
           **({"warm": "mean", "it_warm": "sum", "no_temperature": "max"}
              if changepoint is not None else {})}
    out = frame.resample(rule).agg(agg)
    out["periods"] = frame["it"].resample(rule).count()
    out = out[out["periods"] > 0].drop(columns="periods")
    if changepoint is not None:  # a day missing any temperature has no weather terms: NaN
        gap = out.pop("no_temperature") > 0
        out.loc[gap, ["warm", "it_warm"]] = np.nan
    out.insert(0, "intercept", 1.0)
    if resolution == "daily":
        out.insert(1, "offday", (out.index.day_of_week >= 5).astype(float))
    return out


def cross_validated(x: np.ndarray, y: np.ndarray, blocks: np.ndarray) -> dict[str, float]:
    """CV(RMSE) and NMBE of a linear model predicting each block from the others.

    In-sample NMBE of a least-squares fit with an intercept is zero by construction, so its limit
    never binds; predicting each block (a month of days, or one month) from a fit on the rest
    measures how the model does on data it has not seen.

    Parameters
    ----------
    x : ndarray of float
        Regressors, one row per observation.
    y : ndarray of float
        Observations (non-zero mean) [kWh].
    blocks : ndarray
        Block label of each observation; every block is left out once.

    Returns
    -------
    dict of str to float
        ``cv_rmse`` = sqrt(mean(e^2)) / mean(y) and ``nmbe`` = mean(e) / mean(y) of the
        out-of-block errors e [-], and ``blocks``, the number of blocks; NaN with fewer than
        three blocks.
    """
    labels = np.unique(blocks)
    if len(labels) < 3:
        return {"cv_rmse": float("nan"), "nmbe": float("nan"), "blocks": len(labels)}
    predicted = np.empty_like(y, dtype=float)
    for label in labels:
        held = blocks == label
        coefficients, *_ = np.linalg.lstsq(x[~held], y[~held], rcond=None)
        predicted[held] = x[held] @ coefficients
    error, mean = y - predicted, float(np.mean(y))
    return {"cv_rmse": math.sqrt(float(np.mean(error ** 2))) / mean,
            "nmbe": float(np.mean(error)) / mean, "blocks": len(labels)}


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
    point so that the chosen model can be evaluated on any window.

    Parameters
    ----------
    energy : DataFrame
        Energy table over the whole data span, with ``dc_energy_kwh`` and ``it_energy_kwh``
        [kWh]; change points are tried when ``outdoor_temp_degc`` has values, on the days
        (months) that have a temperature in every period.
    start, end : Timestamp
        The baseline window, end excluded.
    resolution : str
        ``daily`` or ``monthly``.

    Returns
    -------
    baseline : Baseline
        The candidate with the lowest cross-validated CV(RMSE) (in-sample when too few blocks),
        with the IT energy [kWh] and temperature [degC] ranges of its window.
    tables : dict of (float or None) to DataFrame
        :func:`model_features` of the whole span for each change point tried [degC].
    """
    candidates: list[float | None] = [None]
    if TEMPERATURE in energy and energy[TEMPERATURE].notna().any():
        candidates = list(setting("savings", "changepoints_degc"))  # gaps: days left out
    best: Baseline | None = None
    tables = {}
    for changepoint in candidates:
        table = model_features(energy, resolution, changepoint)
        tables[changepoint] = table
        base = table[(table.index >= start) & (table.index < end)]
        columns = [c for c in base.columns if c != "nonit"]
        usable = base[columns].notna().all(axis=1).to_numpy()
        base = base[usable]
        x, y = base[columns].to_numpy(), base["nonit"].to_numpy()
        if len(y) <= x.shape[1]:
            continue  # too few periods with a temperature for this model
        coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
        stats = fit_statistics(y, x @ coefficients, x.shape[1])
        stats["periods_without_temperature"] = int((~usable).sum())
        blocks = (base.index.to_period("M").astype(str).to_numpy() if resolution == "daily"
                  else np.arange(len(base)))
        held_out = cross_validated(x, y, blocks)
        stats.update(cv_rmse_cross_validated=held_out["cv_rmse"],
                     nmbe_cross_validated=held_out["nmbe"], cross_validation_blocks=held_out[
                         "blocks"])
        if best is None or _choice_error(stats) < _choice_error(best.stats):
            ranges = {"it": (float(base["it"].min()), float(base["it"].max()))}
            if TEMPERATURE in energy:
                window = energy[(energy.index >= start) & (energy.index < end)][TEMPERATURE]
                ranges["outdoor_temp_degc"] = (float(window.min()), float(window.max()))
            best = Baseline(columns, coefficients, changepoint, stats, ranges, resolution)
    assert best is not None
    return best, tables


def _choice_error(stats: dict[str, float]) -> float:
    """The error a candidate model is chosen by: cross-validated CV(RMSE) when it exists."""
    held_out = stats.get("cv_rmse_cross_validated", float("nan"))
    return held_out if held_out == held_out else stats["cv_rmse"]
