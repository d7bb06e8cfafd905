"""Every measured savings figure's uncertainty and acceptance, by one rule.

The regression's uncertainty comes from its fit; the simpler methods are ratio models (E_DC =
PUE_base x E_IT, E_cooling = CLF_base x E_IT) whose baseline residuals give a CV(RMSE) in the
same way, so ASHRAE Guideline 14's annex B formula applies to them too, with one parameter.

A regression's uncertainty is widened by :func:`extrapolation_factor` when its reporting
periods lie away from the baseline's conditions, which Guideline 14's formula assumes they
do not.

References
----------
ASHRAE Guideline 14-2014, section 4.1.3 and annex B.
N. R. Draper and H. Smith, Applied Regression Analysis, 3rd ed. (1998), section 3.1
(variance of a predicted mean response).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from greendc.reference.settings import setting
from greendc.savings.statistics import effective_n, lag1_autocorrelation, savings_uncertainty


def uncertainty(cv_rmse: float, n: int, m: int, saved: float, predicted: float,
                autocorrelation: float, parameters: int, scale: float,
                extrapolation: float = 1.0) -> dict[str, Any]:
    """Savings uncertainty at each of ``[savings] confidence_levels``, in kWh and as a share.

    The absolute uncertainty t x 1.26 x CV x sqrt((n/n')(1 + 2/n')/m) x E_predicted x
    ``extrapolation`` holds for any saving; the share of the saving exists only for a positive
    saving.

    Parameters
    ----------
    cv_rmse : float
        CV(RMSE) of the baseline model [-].
    n, m : int
        Baseline and reporting points.
    saved, predicted : float
        Savings and predicted (baseline-adjusted) energy over the reporting points [kWh].
    autocorrelation : float
        Lag-1 autocorrelation of the baseline residuals [-].
    parameters : int
        Fitted parameters, change points included.
    scale : float
        Factor from the reporting window to a year (the figure's annualisation).
    extrapolation : float
        :func:`extrapolation_factor` of a regression (1 for a ratio method).

    Returns
    -------
    dict
        ``levels`` (e.g. [0.68, 0.9]); ``kwh_68``, ``kwh_90`` [kWh/yr] and ``fraction_68``,
        ``fraction_90`` [-] (None when the saving is not positive); ``n``, ``m``,
        ``effective_n``, ``autocorrelation``, ``cv_rmse``, ``parameters``,
        ``extrapolation_factor``.
    """
    out: dict[str, Any] = {"levels": list(setting("savings", "confidence_levels")), "n": n,
                           "m": m, "effective_n": effective_n(n, autocorrelation),
                           "autocorrelation": autocorrelation, "cv_rmse": cv_rmse,
                           "parameters": parameters, "extrapolation_factor": extrapolation}
    for level in out["levels"]:
        key = round(level * 100)
        absolute = savings_uncertainty(cv_rmse, n, m, 1.0, autocorrelation, parameters,
                                       level) * predicted * scale * extrapolation
        out[f"kwh_{key}"] = absolute if math.isfinite(absolute) else None
        out[f"fraction_{key}"] = (absolute / (saved * scale)
                                  if saved > 0 and math.isfinite(absolute) else None)
    return out


def extrapolation_factor(design: np.ndarray | None, reporting: np.ndarray) -> float:
    """How much farther from the baseline's conditions the reporting periods lie, as a factor
    on Guideline 14's uncertainty (1 when they lie where the baseline's mean does).

    Guideline 14's formula takes the reporting periods to resemble the baseline's: its
    parameter term (1 + 2/n') is that of predictions at the baseline's mean conditions.  A
    regression's own prediction variance for the mean of m reporting periods is
    s^2 (1/m + h), h = x_r' (X'X)^-1 x_r with x_r the reporting periods' mean feature row; at
    the baseline's mean row h is h_0 (1/n for a model with an intercept).  The factor is
    sqrt((1/m + h) / (1/m + h_0)): a hotter (or fuller) reporting year than any baseline day
    widens the interval as far as the fit's own leverage says, never narrows it below
    Guideline 14's.

    Parameters
    ----------
    design : ndarray or None
        The baseline's fitted feature rows X (periods x terms); None gives 1.
    reporting : ndarray
        The reporting periods' feature rows, same terms.

    Returns
    -------
    float
        The factor, at least 1.
    """
    if design is None or not len(reporting) or not len(design):
        return 1.0
    gram = np.linalg.pinv(design.T @ design)
    base_row, rep_row = design.mean(axis=0), reporting.mean(axis=0)
    h_0, h = float(base_row @ gram @ base_row), float(rep_row @ gram @ rep_row)
    m = len(reporting)
    return max(1.0, math.sqrt((1 / m + h) / (1 / m + h_0)))


def ratio_uncertainty(base_y: np.ndarray, base_x: np.ndarray, rep_x: np.ndarray,
                      rep_y: np.ndarray, scale: float) -> dict[str, Any]:
    """Uncertainty of a ratio method, y = k x with k = sum(y) / sum(x) over the baseline.

    Parameters
    ----------
    base_y, base_x : ndarray of float
        Baseline periods' energy (E_DC or cooling) and IT energy [kWh], in time order.
    rep_x, rep_y : ndarray of float
        The same over the reporting periods [kWh].
    scale : float
        Factor from the reporting window to a year.

    Returns
    -------
    dict
        As :func:`uncertainty`, with one parameter.
    """
    k = float(np.sum(base_y) / np.sum(base_x))
    residual = base_y - k * base_x
    n = len(base_y)
    cv = math.sqrt(float(np.sum(residual ** 2)) / max(n - 1, 1)) / float(np.mean(base_y))
    predicted = k * float(np.sum(rep_x))
    return uncertainty(cv, n, len(rep_x), predicted - float(np.sum(rep_y)), predicted,
                       lag1_autocorrelation(residual), 1, scale)


def cv_rmse_limit(reporting_months: float) -> float:
    """The CV(RMSE) limit for a regression baseline by the months of reporting data.

    Parameters
    ----------
    reporting_months : float
        Months of reporting data the savings cover.

    Returns
    -------
    float
        The limit from ``[savings.acceptance] cv_rmse`` [-].
    """
    for entry in setting("savings", "acceptance")["cv_rmse"]:
        if "months_below" in entry and reporting_months < entry["months_below"]:
            return entry["max"]
        if "months_at_most" in entry and reporting_months <= entry["months_at_most"]:
            return entry["max"]
        if "months_below" not in entry and "months_at_most" not in entry:
            return entry["max"]
    raise AssertionError("assessment.toml savings.acceptance.cv_rmse has no open-ended entry")


def regression_acceptance(stats: dict[str, float], spread: dict[str, Any],
                          reporting_months: float) -> dict[str, Any]:
    """Whether a regression baseline may carry the headline, check by check.

    Parameters
    ----------
    stats : dict
        The model's statistics (in-sample and held-out CV(RMSE) and NMBE).
    spread : dict
        Its :func:`uncertainty`.
    reporting_months : float
        Months of reporting data the savings cover.

    Returns
    -------
    dict
        ``limits`` {``cv_rmse``, ``nmbe``, ``nmbe_held_out``, ``fraction_68``}, ``checks``
        (name to bool: ``cv_rmse``, ``cv_rmse_cross_validated``, ``nmbe``,
        ``nmbe_cross_validated``, ``fraction_68``), ``failed`` (names) and ``acceptable``.
    """
    limits = {"cv_rmse": cv_rmse_limit(reporting_months),
              "nmbe": setting("savings", "acceptance")["nmbe"],
              "nmbe_held_out": setting("savings", "acceptance_held_out")["nmbe"],
              "fraction_68": setting("savings", "max_fractional_uncertainty")}
    checks = {"cv_rmse": stats["cv_rmse"] <= limits["cv_rmse"],
              "nmbe": abs(stats["nmbe"]) <= limits["nmbe"]}
    held_cv, held_nmbe = stats.get("cv_rmse_cross_validated"), stats.get("nmbe_cross_validated")
    if held_cv is not None and held_cv == held_cv:
        checks["cv_rmse_cross_validated"] = held_cv <= limits["cv_rmse"]
        checks["nmbe_cross_validated"] = abs(held_nmbe) <= limits["nmbe_held_out"]
    fraction = spread.get("fraction_68")
    checks["fraction_68"] = fraction is not None and fraction <= limits["fraction_68"]
    failed = [name for name, ok in checks.items() if not ok]
    return {"limits": limits, "reporting_months": reporting_months, "checks": checks,
            "failed": failed, "acceptable": not failed}
