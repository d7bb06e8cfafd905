"""How often greendc's 90 % savings interval holds the true saving, as the reporting year moves
away from the baseline's weather (issue 15: the uncertainty and distance from baseline
conditions).

Each draw is two years of days of a site whose non-IT energy follows a known model,
non-IT = 20,000 + 0.15 E_IT + 1,500 CDD(18 degC) + AR(1) noise (sd 600 kWh, rho 0.5), the
reporting year's cooling slope 20 % lower and its temperatures ``--shift`` degC warmer than the
baseline year's (whose mean is ``--mean``).  The true avoided energy is sum(expected baseline
use - observed) over the reporting days (what a perfect baseline model would give).  For each
shift the script prints the share of draws whose truth lies within the interval, for Guideline
14's formula alone (``kwh_90 / extrapolation_factor``) and as greendc now states it
(``kwh_90``), with the mean factor.  A well-calibrated 90 % interval holds the truth in about
90 % of draws.

Asserts nothing; needs only greendc:

    python benchmarks/savings_coverage.py                  # shifts 0, 4, 8, 12; 30 draws each
    python benchmarks/savings_coverage.py --mean 6 --draws 60 --shifts 0 8
"""

from __future__ import annotations

import argparse
import datetime
import math
import time

import numpy as np
import pandas as pd

from greendc import savings

ADOPTED = pd.Timestamp("2025-01-01")
REPORTING = (ADOPTED, pd.Timestamp("2026-01-01"))
BASE, IT_SHARE, SLOPE, POINT, SAVING = 20_000.0, 0.15, 1_500.0, 18.0, 0.20
SIGMA, RHO = 600.0, 0.5


def draw(seed: int, shift: float, mean: float) -> tuple[pd.DataFrame, float]:
    """One site's two years of days and the reporting year's true avoided energy [kWh]."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", "2026-01-01", freq="D", inclusive="left",
                          name="period_start")
    day = np.arange(len(index))
    after = index >= ADOPTED
    temp = (mean + 14 * np.sin(2 * np.pi * (day - 105) / 365.25)
            + rng.normal(0, 3, len(index)) + np.where(after, shift, 0.0))
    it = 96_000 * (1 + 0.03 * rng.standard_normal(len(index)))
    noise = np.empty(len(index))
    noise[0] = rng.normal(0, SIGMA / math.sqrt(1 - RHO ** 2))
    for i in range(1, len(index)):
        noise[i] = RHO * noise[i - 1] + rng.normal(0, SIGMA)
    cdd = np.clip(temp - POINT, 0, None)
    expected_base = BASE + IT_SHARE * it + SLOPE * cdd
    nonit = expected_base - np.where(after, SAVING * SLOPE * cdd, 0.0) + noise
    truth = float(np.sum(expected_base[after] - nonit[after]))
    frame = pd.DataFrame({"facility_energy_kwh": it + nonit, "it_energy_kwh": it,
                          "outdoor_temp_degc": temp}, index=index)
    return frame, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=30)
    parser.add_argument("--shifts", type=float, nargs="+", default=[0.0, 4.0, 8.0, 12.0])
    parser.add_argument("--mean", type=float, default=13.0,
                        help="the baseline year's mean temperature, degC (13: Beijing; a "
                             "cooler baseline has fewer days above the 18 degC change point)")
    args = parser.parse_args()
    print(f"# {datetime.date.today()}, {args.draws} draws per shift, baseline mean "
          f"{args.mean:g} degC; 90 % intervals")
    print(f"{'shift degC':>10} {'GL14 alone':>11} {'greendc':>9} {'mean factor':>12} "
          f"{'mean |error| / truth':>21} {'s':>6}")
    for shift in args.shifts:
        held_gl14 = held = 0
        factors, errors = [], []
        started = time.perf_counter()
        for seed in range(args.draws):
            frame, truth = draw(seed, shift, args.mean)
            method = savings.measured_methods(frame, ADOPTED, REPORTING, "daily",
                                              "cooling")["regression"]
            spread = method["uncertainty"]
            factor = spread["extrapolation_factor"]
            error = abs(method["kwh"] - truth)
            held += error <= spread["kwh_90"]
            held_gl14 += error <= spread["kwh_90"] / factor
            factors.append(factor)
            errors.append(error / abs(truth))
        print(f"{shift:>10.1f} {held_gl14 / args.draws:>11.0%} {held / args.draws:>9.0%} "
              f"{np.mean(factors):>12.2f} {np.mean(errors):>21.1%} "
              f"{time.perf_counter() - started:>6.1f}")


if __name__ == "__main__":
    main()
