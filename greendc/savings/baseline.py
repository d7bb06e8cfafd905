"""The regression baseline: change-point models of non-IT energy, searched and chosen.

Four forms, each with the IT load as a regressor (ASHRAE Guideline 14-2014 annex D's
change-point models; a data centre's non-IT energy follows its IT load first):

* ``it``: non-IT = a + b x offday + c x E_IT
* ``cooling``: ... + d x CDD(T_c) + e x sum(E_IT x max(0, T - T_c))  (3P/4P)
* ``heating``: ... + f x HDD(T_h)
* ``heating_cooling``: both, T_h <= T_c  (5P)

CDD(T_c) is the mean over the day's (month's) intervals of max(0, T - T_c), HDD(T_h) that of
max(0, T_h - T); ``offday`` (Saturday or Sunday) only in daily models.  Change points lie on a
grid of ``changepoint_step_degc`` inside the baseline's temperatures, each side holding at least
``changepoint_min_share`` of the baseline periods, then refined on ``changepoint_refine_step_degc``
within one step of the grid's choice.  Within a form the change points minimise
the squared error (the grid search of CalTRACK); the form is the one with the lowest held-out
CV(RMSE), among those whose weather slopes are positive (energy rising away from the change
point); a form with more change points must lower that error by ``form_min_gain`` of it.
Every form is fitted on the same periods: those with a temperature in every interval
(the rest are left out and counted).

References
----------
ASHRAE Guideline 14-2014, Measurement of energy, demand and water savings, annex D.
CalTRACK Methods 2.0 (daily methods, section 3.4): balance-point grid search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from greendc.metrics import aggregate
from greendc.reference.names import DC, IT, TEMPERATURE
from greendc.reference.settings import setting
from greendc.savings.statistics import cross_validated, fit_statistics

FEATURES = {"intercept": "1", "offday": "Saturday or Sunday", "it": "E_IT",
            "warm": "mean max(0, T - T_c)", "it_warm": "sum of E_IT x max(0, T - T_c)",
            "cold": "mean max(0, T_h - T)"}
FORMS = {"it": (), "cooling": ("cooling",), "heating": ("heating",),
         "heating_cooling": ("heating", "cooling")}
_CELLS = 4_000_000  # intervals x change points computed at once (memory)


@dataclass
class Baseline:
    """A fitted baseline model and its feature table over the whole data span."""

    form: str
    columns: list[str]
    coefficients: np.ndarray
    changepoints: dict[str, float]
    stats: dict[str, float]
    ranges: dict[str, tuple[float, float]]
    resolution: str
    features: pd.DataFrame = field(repr=False)
    design: np.ndarray | None = field(default=None, repr=False)  # the baseline's rows, fitted

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        return features[self.columns].to_numpy() @ self.coefficients

    def describe(self) -> str:
        terms = " ".join(f"{'-' if c < 0 else '+'} {abs(c):.4g} x {FEATURES.get(n, n)}" for n, c
                         in zip(self.columns, self.coefficients, strict=True)).lstrip("+ ")
        points = "".join(f", T_{side[0]} = {t:g} degC" for side, t in self.changepoints.items())
        return f"non-IT = {terms}{points}"


@dataclass
class _Periods:
    """Days (months) of complete data, and the intervals they gather."""

    frame: pd.DataFrame                # intercept, [offday], it, nonit by day (month)
    temps: np.ndarray | None           # per interval [degC]
    it: np.ndarray                     # per interval [kWh]
    starts: np.ndarray                 # first interval of each day (month)
    counts: np.ndarray                 # intervals in each day (month)

    def degrees(self, points: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
        """Mean degrees beyond each change point per day, and sum(E_IT x degrees); NaN on a
        day with an interval missing its temperature."""
        mean = np.empty((len(self.starts), len(points)))
        weighted = np.empty_like(mean)
        step = max(1, _CELLS // max(len(self.temps), 1))
        for at in range(0, len(points), step):
            chunk = points[at:at + step]
            d = self.temps[:, None] - chunk[None, :]
            d = np.clip(d if side == "cooling" else -d, 0, None)
            mean[:, at:at + step] = np.add.reduceat(d, self.starts, axis=0) / self.counts[:, None]
            weighted[:, at:at + step] = np.add.reduceat(d * self.it[:, None], self.starts, axis=0)
        return mean, weighted


def _periods(energy: pd.DataFrame, resolution: str) -> _Periods:
    base = aggregate.complete(energy)
    labels = (base.index.to_period("M").to_timestamp() if resolution == "monthly"
              else base.index.normalize())
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    counts = np.diff(np.r_[starts, len(base)])
    it = base[IT].to_numpy(dtype=float)
    nonit = base[DC].to_numpy(dtype=float) - it
    frame = pd.DataFrame({"intercept": 1.0}, index=labels[starts])
    if resolution == "daily":
        frame["offday"] = (frame.index.day_of_week >= 5).astype(float)
    frame["it"] = np.add.reduceat(it, starts)
    frame["nonit"] = np.add.reduceat(nonit, starts)
    temps = None
    if TEMPERATURE in base and base[TEMPERATURE].notna().any():
        temps = base[TEMPERATURE].to_numpy(dtype=float)
    return _Periods(frame, temps, it, starts, counts)


def _grid(temperature: np.ndarray) -> np.ndarray:
    """Change points to try: steps inside the baseline's day (month) temperatures."""
    step = setting("savings", "changepoint_step_degc")
    share = setting("savings", "changepoint_min_share")
    if len(temperature) == 0:
        return np.empty(0)
    low, high = np.quantile(temperature, [share, 1 - share])
    return np.arange(np.ceil(low / step) * step, high + step / 2, step)


def _local(grid: np.ndarray, where: dict[str, int]) -> np.ndarray:
    """Finer change points within one grid step of each chosen one."""
    step = setting("savings", "changepoint_step_degc")
    fine = setting("savings", "changepoint_refine_step_degc")
    offsets = np.arange(-step, step + fine / 2, fine)
    return np.unique(np.round(np.concatenate([grid[i] + offsets for i in where.values()]), 6))


def _sse(x: np.ndarray, y: np.ndarray) -> float:
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    residual = y - x @ coefficients
    return float(residual @ residual)


def _search(form: str, core: np.ndarray, y: np.ndarray, grid: np.ndarray,
            columns: dict[str, np.ndarray]) -> dict[str, int] | None:
    """Grid indices of the change points of ``form`` with the least squared error."""
    sides = FORMS[form]
    if not sides:
        return {}
    if len(grid) == 0:
        return None
    best, where = float("inf"), None
    for c in range(len(grid)) if "cooling" in sides else [None]:
        cool = [] if c is None else [columns["warm"][:, c], columns["it_warm"][:, c]]
        for h in range(len(grid)) if "heating" in sides else [None]:
            if h is not None and c is not None and grid[h] > grid[c]:
                break
            heat = [] if h is None else [columns["cold"][:, h]]
            error = _sse(np.column_stack([core, *heat, *cool]), y)
            if error < best:
                best, where = error, {k: v for k, v in (("heating", h), ("cooling", c))
                                      if v is not None}
    return where


def fit_baseline(energy: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                 resolution: str) -> Baseline:
    """Fit the baseline model on [start, end) of ``energy``, searching forms and change points.

    Parameters
    ----------
    energy : DataFrame
        Energy table over the whole data span, with ``dc_energy_kwh`` and ``it_energy_kwh``
        [kWh]; weather forms are tried when ``outdoor_temp_degc`` has values [degC].
    start, end : Timestamp
        The baseline window, end excluded.
    resolution : str
        ``daily`` or ``monthly``.

    Returns
    -------
    Baseline
        The chosen form with its change points [degC], coefficients, statistics (in-sample and
        held out, ``parameters`` = rank + change points, ``periods_without_temperature``, and
        ``forms_tried``: each form's held-out CV(RMSE)), the IT energy [kWh] and temperature
        [degC] ranges of its window, and its feature table over the whole span.
    """
    periods = _periods(energy, resolution)
    frame = periods.frame
    core = [c for c in frame.columns if c != "nonit"]
    window = ((frame.index >= start) & (frame.index < end))
    columns: dict[str, np.ndarray] = {}
    grid = np.empty(0)
    usable = window.copy()
    if periods.temps is not None:
        day_temp = np.add.reduceat(periods.temps, periods.starts) / periods.counts
        usable = window & ~np.isnan(day_temp)
        grid = _grid(day_temp[usable])
        if len(grid):
            columns["warm"], columns["it_warm"] = periods.degrees(grid, "cooling")
            columns["cold"], _ = periods.degrees(grid, "heating")
    y = frame["nonit"].to_numpy()[usable]
    x_core = frame[core].to_numpy()[usable]
    best: Baseline | None = None
    tried = {}
    for form in FORMS:
        where = _search(form, x_core, y, grid, {k: v[usable] for k, v in columns.items()})
        if where is None:
            continue
        points, columns_here = grid, columns
        if where:  # refine about the grid's choice, on a finer step
            points = _local(grid, where)
            columns_here = {}
            columns_here["warm"], columns_here["it_warm"] = periods.degrees(points, "cooling")
            columns_here["cold"], _ = periods.degrees(points, "heating")
            where = _search(form, x_core, y, points,
                            {k: v[usable] for k, v in columns_here.items()})
        table = frame.copy()
        names = list(core)
        if "heating" in where:
            table["cold"] = columns_here["cold"][:, where["heating"]]
            names.append("cold")
        if "cooling" in where:
            table["warm"] = columns_here["warm"][:, where["cooling"]]
            table["it_warm"] = columns_here["it_warm"][:, where["cooling"]]
            names += ["warm", "it_warm"]
        x = table[names].to_numpy()[usable]
        if len(y) <= x.shape[1] + len(where):
            continue  # too few periods for this form
        coefficients, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
        terms = dict(zip(names, coefficients, strict=True))
        if ("cold" in terms and terms["cold"] <= 0) or ("warm" in terms and terms["warm"] + terms[
                "it_warm"] * float(np.mean(x[:, names.index("it")])) <= 0):
            tried[form] = None  # energy falling away from the change point: not physical
            continue
        stats = fit_statistics(y, x @ coefficients, int(rank) + len(where))
        blocks = (frame.index[usable].to_period("M").astype(str).to_numpy()
                  if resolution == "daily" else np.arange(len(y)))
        held_out = cross_validated(x, y, blocks)
        stats.update(cv_rmse_cross_validated=held_out["cv_rmse"],
                     nmbe_cross_validated=held_out["nmbe"],
                     cross_validation_blocks=held_out["blocks"],
                     periods_without_temperature=int((window & ~usable).sum()))
        tried[form] = _choice_error(stats)
        if best is None or _better(stats, len(where), best):
            best = Baseline(form, names, coefficients,
                            {side: round(float(points[i]), 2) for side, i in where.items()},
                            stats,
                            _ranges(energy, table[usable], start, end), resolution, table,
                            x)
    assert best is not None
    best.stats["forms_tried"] = tried
    return best


def _ranges(energy: pd.DataFrame, base: pd.DataFrame, start: pd.Timestamp,
            end: pd.Timestamp) -> dict[str, tuple[float, float]]:
    ranges = {"it": (float(base["it"].min()), float(base["it"].max()))}
    if TEMPERATURE in energy:
        window = energy[(energy.index >= start) & (energy.index < end)][TEMPERATURE]
        ranges[TEMPERATURE] = (float(window.min()), float(window.max()))
    return ranges


def _better(stats: dict[str, float], points: int, best: Baseline) -> bool:
    """Whether a candidate with ``points`` change points beats ``best``: a lower held-out error,
    by at least ``form_min_gain`` of it when the candidate has more change points."""
    error, incumbent = _choice_error(stats), _choice_error(best.stats)
    if points > len(best.changepoints):
        return error < incumbent * (1 - setting("savings", "form_min_gain"))
    return error < incumbent


def _choice_error(stats: dict[str, float]) -> float:
    """The error a candidate model is chosen by: cross-validated CV(RMSE) when it exists."""
    held_out = stats.get("cv_rmse_cross_validated", float("nan"))
    return held_out if held_out == held_out else stats["cv_rmse"]
