"""Every measured savings figure's uncertainty and acceptance, by one rule.

The regression's uncertainty comes from its fit; the simpler methods are ratio models (E_DC =
PUE_base x E_IT, E_cooling = CLF_base x E_IT) whose baseline residuals give a CV(RMSE) in the
same way, so ASHRAE Guideline 14's annex B formula applies to them too, with one parameter.

References
----------
ASHRAE Guideline 14-2014, section 4.1.3 and annex B.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from greendc.reference.settings import setting
from greendc.savings.statistics import effective_n, lag1_autocorrelation, savings_uncertainty


def uncertainty(cv_rmse: float, n: int, m: int, saved: float, predicted: float,
                autocorrelation: float, parameters: int, scale: float) -> dict[str, Any]:
    """Savings uncertainty at each of ``[savings] confidence_levels``, in kWh and as a share.

    The absolute uncertainty t x 1.26 x CV x sqrt((n/n')(1 + 2/n')/m) x E_predicted holds for
    any saving; the share of the saving exists only for a positive saving.

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

    Returns
    -------
    dict
        ``levels`` (e.g. [0.68, 0.9]); ``kwh_68``, ``kwh_90`` [kWh/yr] and ``fraction_68``,
        ``fraction_90`` [-] (None when the saving is not positive); ``n``, ``m``,
        ``effective_n``, ``autocorrelation``, ``cv_rmse``, ``parameters``.
    """
    out: dict[str, Any] = {"levels": list(setting("savings", "confidence_levels")), "n": n,
                           "m": m, "effective_n": effective_n(n, autocorrelation),
                           "autocorrelation": autocorrelation, "cv_rmse": cv_rmse,
                           "parameters": parameters}
    for level in out["levels"]:
        key = round(level * 100)
        absolute = savings_uncertainty(cv_rmse, n, m, 1.0, autocorrelation, parameters,
                                       level) * predicted * scale
        out[f"kwh_{key}"] = absolute if math.isfinite(absolute) else None
        out[f"fraction_{key}"] = (absolute / (saved * scale)
                                  if saved > 0 and math.isfinite(absolute) else None)
    return out


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
