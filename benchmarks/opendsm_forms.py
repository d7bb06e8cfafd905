"""Which model form closes the gap to OpenDSM on its cooling-only daily sample (issue 15).

Fits, by least squares on OpenDSM's il-electricity-cdd-only-daily sample (the days and
temperatures ``opendsm_compare.load`` prepares), three forms a reviewer might suggest, each with
its cooling change point searched every 0.1 degC, and prints the avoided energy of each beside
OpenDSM's default model (282.9 kWh on 2026-11-28):

* one intercept + cooling-degree term for the year (greendc's ``cooling`` form);
* the same fitted apart for summer (June to September, OpenDSM's default season) and the rest;
* one model with a smooth hinge ``k log(1 + exp((T - T_c) / k))`` for k = 0.5 to 3 degC.

Needs OpenDSM (run it in the venv of ``opendsm_compare.py``); asserts nothing.

    python benchmarks/opendsm_forms.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from opendsm_compare import load

SAMPLE = "il-electricity-cdd-only-daily"
SUMMER = (6, 7, 8, 9)
GRID = np.arange(5.0, 30.0, 0.1)
SIDE_SHARE = 0.1  # each side of a change point holds at least this share of the days


def hinge(frame: pd.DataFrame, t_c: float, k: float | None) -> np.ndarray:
    degrees = frame["degc"].to_numpy() - t_c
    term = np.maximum(degrees, 0) if k is None else k * np.logaddexp(0, degrees / k)
    return np.c_[np.ones(len(frame)), term]


def fit(frame: pd.DataFrame, k: float | None = None):
    """(sse, T_c, coefficients) of the best change point, or None."""
    best = None
    y = frame["observed"].to_numpy()
    for t_c in GRID:
        x = hinge(frame, t_c, k)
        above = (frame["degc"].to_numpy() > t_c).mean()
        if k is None and not SIDE_SHARE <= above <= 1 - SIDE_SHARE:
            continue
        coef, *_ = np.linalg.lstsq(x, y, rcond=None)
        sse = float(((y - x @ coef) ** 2).sum())
        if best is None or sse < best[0]:
            best = (sse, t_c, coef)
    return best


def avoided(frame: pd.DataFrame, t_c: float, coef: np.ndarray, k: float | None = None) -> float:
    return float((hinge(frame, t_c, k) @ coef - frame["observed"].to_numpy()).sum())


def main() -> None:
    sample = load(SAMPLE)
    days = sample.days
    base = days[(days.index >= sample.baseline[0]) & (days.index < sample.baseline[1])]
    rep = days[(days.index >= sample.reporting[0]) & (days.index < sample.reporting[1])]
    sse, t_c, coef = fit(base)
    print(f"one model: T_c {t_c:.1f} degC, avoided {avoided(rep, t_c, coef):.1f}, SSE {sse:.0f}")
    total, sse_total = 0.0, 0.0
    for name, in_base, in_rep in (("summer", base.index.month.isin(SUMMER),
                                   rep.index.month.isin(SUMMER)),
                                  ("rest", ~base.index.month.isin(SUMMER),
                                   ~rep.index.month.isin(SUMMER))):
        sse, t_c, coef = fit(base[in_base])
        part = avoided(rep[in_rep], t_c, coef)
        total, sse_total = total + part, sse_total + sse
        print(f"  {name}: T_c {t_c:.1f} degC, avoided {part:.1f}")
    print(f"summer apart: avoided {total:.1f}, SSE {sse_total:.0f}")
    for k in (0.5, 1.0, 2.0, 3.0):
        sse, t_c, coef = fit(base, k)
        print(f"smooth hinge k {k:g}: T_c {t_c:.1f} degC, avoided "
              f"{avoided(rep, t_c, coef, k):.1f}, SSE {sse:.0f}")


if __name__ == "__main__":
    main()
