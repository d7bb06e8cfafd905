"""The hourly baseline for hourly and finer data: time of week, temperature and IT load.

non-IT(h) = a_tow(h) + c x E_IT(h) + b_0 x T(h) + sum_k b_k x max(0, T(h) - T_k)

with one level a_tow for each of the 168 hours of the week, and a temperature response that is
piecewise linear with knots T_k (``[savings.hourly] temperature_knots_degc``; a knot with fewer
than ``knot_min_hours`` baseline hours above it, or below it, is dropped).  This is CalTRACK's
hourly method (time-of-week and temperature) without its occupancy split, with the IT load added.
Held-out errors predict each month of hours from a fit on the others; for the choice against the
daily model they are also summed to days.

References
----------
CalTRACK Methods 2.0, section 4 (hourly methods): time-of-week and temperature model.
Mathieu, J. L., Price, P. N., Kiliccote, S. and Piette, M. A. (2011), Quantifying changes in
building electricity use, IEEE Transactions on Smart Grid 2(3), 507-518.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from greendc.metrics import aggregate
from greendc.reference.names import DC, IT, TEMPERATURE
from greendc.reference.settings import setting
from greendc.savings.baseline import Baseline
from greendc.savings.statistics import fit_statistics

FINER_THAN_DAILY = ("hourly", "30min", "15min", "5min", "1min")
HOURS_PER_WEEK = 168


def hourly_features(energy: pd.DataFrame, knots: list[float]) -> pd.DataFrame:
    """Per hour: non-IT and IT energy [kWh], the time-of-week dummies and the temperature
    terms [degC]; NaN temperature terms in an hour with an interval missing its temperature.

    Parameters
    ----------
    energy : DataFrame
        Energy table indexed by period start, hourly or finer, with ``dc_energy_kwh``,
        ``it_energy_kwh`` [kWh] and ``outdoor_temp_degc`` [degC].
    knots : list of float
        Knot temperatures [degC].

    Returns
    -------
    DataFrame
        Indexed by hour: ``nonit``, ``it``, ``tow_0`` ... ``tow_167`` (Monday 00:00 is 0),
        ``temp`` and ``temp_over_<k>`` for each knot.
    """
    base = aggregate.complete(energy)
    groups = base.resample("h")
    out = pd.DataFrame({"nonit": groups[DC].sum() - groups[IT].sum(), "it": groups[IT].sum()})
    out = out[groups[IT].count() > 0]
    temp = groups[TEMPERATURE].mean().reindex(out.index)
    gaps = base[TEMPERATURE].isna().resample("h").max().reindex(out.index).astype(bool)
    temp[gaps] = np.nan
    tow = out.index.day_of_week * 24 + out.index.hour
    dummies = np.zeros((len(out), HOURS_PER_WEEK))
    dummies[np.arange(len(out)), tow] = 1.0
    out = pd.concat([out, pd.DataFrame(dummies, index=out.index,
                                       columns=[f"tow_{i}" for i in range(HOURS_PER_WEEK)])],
                    axis=1)
    out["temp"] = temp
    for k in knots:
        out[f"temp_over_{k:g}"] = np.clip(temp - k, 0, None)
    return out


def _gram_cross_validated(x: np.ndarray, y: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """Held-out predictions of each block from a least-squares fit on the others, through the
    normal equations (X'X less the block's part): one pass over the data."""
    gram, moment = x.T @ x, x.T @ y
    predicted = np.empty_like(y)
    for label in np.unique(blocks):
        held = blocks == label
        xb = x[held]
        coefficients, *_ = np.linalg.lstsq(gram - xb.T @ xb, moment - xb.T @ y[held],
                                           rcond=None)
        predicted[held] = xb @ coefficients
    return predicted


def fit_hourly(energy: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> Baseline | None:
    """Fit the time-of-week and temperature model on the hours of [start, end).

    Parameters
    ----------
    energy : DataFrame
        Energy table over the whole span, hourly or finer [kWh, degC].
    start, end : Timestamp
        The baseline window, end excluded.

    Returns
    -------
    Baseline or None
        Form ``time_of_week``, resolution ``hourly``; its statistics in hours, with
        ``cv_rmse_cross_validated_daily`` (held-out hours summed to whole days) for the choice
        against the daily model. None without temperatures or with fewer than three months.
    """
    if TEMPERATURE not in energy or energy[TEMPERATURE].notna().sum() == 0:
        return None
    config = setting("savings", "hourly")
    table = hourly_features(energy, list(config["temperature_knots_degc"]))
    window = (table.index >= start) & (table.index < end)
    usable = window & table["temp"].notna().to_numpy()
    base = table[usable]
    temp = base["temp"].to_numpy()
    keep = [c for c in table.columns if c.startswith("temp_over_")
            and min(int((temp > float(c[10:])).sum()), int((temp <= float(c[10:])).sum()))
            >= config["knot_min_hours"]]
    columns = [c for c in table.columns if c.startswith("tow_")
               and base[c].to_numpy().any()] + ["it", "temp", *keep]
    blocks = base.index.to_period("M").astype(str).to_numpy()
    if len(np.unique(blocks)) < 3:
        return None
    x, y = base[columns].to_numpy(), base["nonit"].to_numpy()
    coefficients, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    stats = fit_statistics(y, x @ coefficients, int(rank))
    held = _gram_cross_validated(x, y, blocks)
    error, mean = y - held, float(np.mean(y))
    days = pd.Series(error, index=base.index).groupby(base.index.normalize())
    whole = days.count() == 24
    daily_error = days.sum()[whole].to_numpy()
    daily_y = pd.Series(y, index=base.index).groupby(base.index.normalize()).sum()[whole]
    stats.update(
        cv_rmse_cross_validated=math.sqrt(float(np.mean(error ** 2))) / mean,
        nmbe_cross_validated=float(np.mean(error)) / mean,
        cross_validation_blocks=len(np.unique(blocks)),
        cv_rmse_cross_validated_daily=(math.sqrt(float(np.mean(daily_error ** 2)))
                                       / float(daily_y.mean())) if whole.any() else float("nan"),
        periods_without_temperature=int((window & ~usable).sum()))
    energy_window = energy[(energy.index >= start) & (energy.index < end)][TEMPERATURE]
    ranges = {"it": (float(base["it"].min()), float(base["it"].max())),
              TEMPERATURE: (float(energy_window.min()), float(energy_window.max()))}
    return Baseline("time_of_week", columns, coefficients, {}, stats, ranges, "hourly", table,
                    x)
