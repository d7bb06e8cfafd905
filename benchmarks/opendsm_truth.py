"""greendc and OpenDSM on data whose saving is known (issue 15, the cooling-only target).

OpenDSM's bundled samples do not carry their true saving, so a 10 % agreement on one of them
says how alike the two tools are, not which is right.  This script keeps the cooling-only
sample's days and temperatures (``opendsm_compare.load``) and replaces its meter values by a
known model: daily energy = base + slope x max(0, T - T_b) + AR(1) noise, the reporting year at
(1 - saving) of it, a day below zero read as the meter's floor (0.01: a zero counts as
missing).  Base, slope and T_b are the sample's own metadata and least-squares fit at its
simulated balance point (65 degF); the noise's standard deviation and lag-1 correlation are
those of that fit's residuals.  The true avoided energy of each draw is sum(expected baseline
use - observed) over the reporting days, the expected use being the baseline process's mean on
that day's temperature, floor included (what a perfect baseline model would predict); each
tool's error is its avoided energy minus that.

For each of ``--draws`` seeds, OpenDSM's ``DailyModel`` (default and legacy) and greendc's
regression fit the same days.  Prints each tool's mean error, its spread, its mean absolute
error against the truth, and how often greendc lands within 10 % of OpenDSM's default model.
Asserts nothing; needs OpenDSM (run it in the venv of ``opendsm_compare.py``):

    python benchmarks/opendsm_truth.py                 # 20 draws, about 4 minutes
    python benchmarks/opendsm_truth.py --draws 5
"""

from __future__ import annotations

import argparse
import datetime
import logging
import math
import statistics
import warnings

import numpy as np
import pandas as pd
from opendsm_compare import TARGET_SAMPLE, TARGET_TOLERANCE, degc, load, run_greendc, run_opendsm

SAVING = 0.10          # the sample's own design: reporting load 9,000 against 10,000 (metadata)
FLOOR = 0.01           # a simulated day below this reads as this (electricity: 0 is missing)
TOOLS = ("OpenDSM", "OpenDSM legacy", "greendc")


def fitted_truth(sample) -> tuple[float, float, float, float, float]:
    """(base, slope, T_b degC, noise sd, lag-1 rho) of the sample's baseline at its design
    balance point, by least squares."""
    t_b = degc(sample.metadata["baseline_cooling_balance_point"])
    days = sample.days
    base = (days.index >= sample.baseline[0]) & (days.index < sample.baseline[1])
    x = np.c_[np.ones(base.sum()), np.clip(days["degc"][base] - t_b, 0, None)]
    y = days["observed"][base].to_numpy()
    (a, b), *_ = np.linalg.lstsq(x, y, rcond=None)
    residual = y - x @ np.array([a, b])
    rho = float(np.corrcoef(residual[:-1], residual[1:])[0, 1])
    return float(a), float(b), t_b, float(residual.std(ddof=2)), rho


def floored_mean(mean: np.ndarray, sd: float) -> np.ndarray:
    """E[max(X, FLOOR)] for X ~ N(mean, sd): the baseline process's expected daily use."""
    z = (FLOOR - mean) / sd
    cdf = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z])
    pdf = np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)
    return FLOOR * cdf + mean * (1 - cdf) + sd * pdf


def draw(sample, seed: int, truth: tuple[float, float, float, float, float]):
    """The sample with synthetic meter values, and the draw's true avoided energy."""
    a, b, t_b, sd, rho = truth
    rng = np.random.default_rng(seed)
    meter = sample.meter.copy()
    used = meter.notna()
    index = meter.index[used]
    degf = sample.hourly_degf.resample("D").mean().reindex(meter.index)[used]
    model = a + b * np.clip(degc(degf.to_numpy()) - t_b, 0, None)
    shocks = rng.normal(0.0, sd * np.sqrt(1 - rho ** 2), len(index))
    noise = np.empty(len(index))
    noise[0] = rng.normal(0.0, sd)
    for i in range(1, len(index)):
        noise[i] = rho * noise[i - 1] + shocks[i]
    day = index.tz_localize(None)
    reporting = (day >= sample.reporting[0]) & (day < sample.reporting[1])
    observed = np.where(reporting, (1 - SAVING) * model, model) + noise
    observed = np.maximum(observed, FLOOR)
    meter[used] = observed
    days = sample.days.copy()
    days["observed"] = pd.Series(observed, index=day).reindex(days.index).to_numpy()
    true = float(np.sum(floored_mean(model[reporting], sd) - observed[reporting]))
    return type(sample)(**{**sample.__dict__, "meter": meter, "days": days}), true


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")
    sample = load(TARGET_SAMPLE)
    truth = fitted_truth(sample)
    a, b, t_b, sd, rho = truth
    print(f"# greendc and OpenDSM against a known saving ({datetime.date.today()})")
    print(f"Days and temperatures of {TARGET_SAMPLE}; daily energy = {a:.2f} + {b:.3f} x "
          f"max(0, T - {t_b:.2f} degC) + AR(1) noise (sd {sd:.2f}, rho {rho:.2f}); reporting "
          f"year at {1 - SAVING:.0%}; {args.draws} draws.\n")
    errors = {tool: [] for tool in TOOLS}
    relative = {tool: [] for tool in TOOLS}
    within = 0
    lines = ["| draw | true avoided | OpenDSM | OpenDSM legacy | greendc | greendc / OpenDSM |",
             "|---|---|---|---|---|---|"]
    for seed in range(args.draws):
        synthetic, true = draw(sample, seed, truth)
        got = {"OpenDSM": run_opendsm(synthetic, "current")().avoided,
               "OpenDSM legacy": run_opendsm(synthetic, "legacy")().avoided,
               "greendc": run_greendc(synthetic)().avoided}
        for tool in TOOLS:
            errors[tool].append(got[tool] - true)
            relative[tool].append(got[tool] / true - 1)
        ratio = got["greendc"] / got["OpenDSM"]
        within += abs(ratio - 1) <= TARGET_TOLERANCE
        lines.append(f"| {seed} | {true:.1f} | {got['OpenDSM']:.1f} | "
                     f"{got['OpenDSM legacy']:.1f} | {got['greendc']:.1f} | {ratio:.3f} |")
    print("\n".join(lines))
    print("\n| tool | mean error kWh | sd of error kWh | mean absolute error kWh "
          "| mean absolute error / true |")
    print("|---|---|---|---|---|")
    for tool in TOOLS:
        e = errors[tool]
        print(f"| {tool} | {statistics.mean(e):+.1f} | {statistics.stdev(e):.1f} | "
              f"{statistics.mean(abs(x) for x in e):.1f} | "
              f"{statistics.mean(abs(x) for x in relative[tool]):.1%} |")
    print(f"\ngreendc within {TARGET_TOLERANCE:.0%} of OpenDSM's default model in {within} of "
          f"{args.draws} draws.")


if __name__ == "__main__":
    main()
