"""Statistics of a baseline model: goodness of fit, held-out error, savings uncertainty.

References
----------
ASHRAE Guideline 14-2014, Measurement of energy, demand and water savings (CV(RMSE), NMBE,
fractional savings uncertainty, annex B).
Abramowitz, M. and Stegun, I. A. (1964), Handbook of mathematical functions, 26.7.5.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np


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
