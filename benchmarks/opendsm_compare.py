"""greendc's daily regression savings beside OpenDSM's (the CalTRACK reference), issue 15.

For each of OpenDSM's bundled daily samples (``opendsm.eemeter.samples()`` ending in
``-daily``): the baseline is the 365 days before the sample's ``blackout_start_date`` and the
reporting period the 365 days from its ``blackout_end_date``, cut the way OpenDSM's own tests
cut them (``get_baseline_data`` / ``get_reporting_data`` with ``max_days=365``).  Both tools see
the same days: a day is used when it has a meter value (a zero counts as missing for electricity,
as in OpenDSM) and its hourly temperatures cover more than half of it (OpenDSM's rule).  Days are
UTC days, as the samples and OpenDSM's tests have them.

* OpenDSM: ``DailyModel`` (default settings, and ``model="legacy"``: one CalTRACK-style model
  without seasonal splits or smoothing) fitted on ``DailyBaselineData`` and predicting
  ``DailyReportingData``; fit statistics from the model's ``baseline_metrics``; savings
  uncertainty from OpenDSM's ``ReportingMetrics`` (ASHRAE Guideline 14 with its daily
  correction) at greendc's confidence levels.
* greendc: ``regression_method`` on a daily table whose non-IT energy (facility - IT, IT held at
  1) is the meter value, with the day's mean temperature in degC.

Prints one row per sample and tool (CV(RMSE), NMBE, R2; the baseline bias = sum(predicted -
observed) over the baseline days by the model that predicts, since OpenDSM's statistics are
those of its fits before the final one; avoided energy = sum(predicted - observed) over the
reporting days and its uncertainty; the model and its balance points; the median runtime of
fit + predict), the ratio of the avoided energies, issue 15's target (cooling
only sample within 10 % of OpenDSM) and, for that sample, how greendc's avoided energy moves with
its cooling change point.  Asserts nothing.  Not run in CI: it needs OpenDSM, which greendc does
not depend on.  From the repository root, in an environment with ``opendsm`` and greendc:

    python benchmarks/opendsm_compare.py              # medians of 3 timed runs
    python benchmarks/opendsm_compare.py --repeat 1 --sample il-electricity-cdd-only-daily
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import platform
import statistics
import subprocess
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import opendsm
import opendsm.eemeter as eemeter
import pandas as pd
from opendsm.common.metrics import ReportingMetrics
from opendsm.eemeter.common.transform import get_baseline_data, get_reporting_data

import greendc
from greendc.reference.settings import setting
from greendc.savings.regression import regression_method

PERIOD_DAYS = 365              # baseline and reporting length (CalTRACK 2.2.1.1, OpenDSM's tests)
HOURS_PER_DAY = 24
MIN_TEMPERATURE_COVERAGE = 0.5  # OpenDSM drops a day's temperature at <= 50 % of its hours
TARGET_SAMPLE = "il-electricity-cdd-only-daily"
TARGET_TOLERANCE = 0.10        # issue 15: greendc's avoided energy within 10 % of OpenDSM's
SENSITIVITY_STEPS = 2          # grid steps either side of greendc's change point to show
FINE_STEP_DEGC = 0.01          # step of the search for the unconstrained least-squares optimum
FREEZING_DEGF = 32.0
DEGF_PER_DEGC = 1.8
SATURDAY = 5                   # pandas day_of_week; greendc's offday is Saturday or Sunday
GREENDC_YEAR_DAYS = (365, 366)  # greendc.savings.regression: a daily window this long is a year
DASH = "—"
OPENDSM_TOOLS = ("OpenDSM", "OpenDSM legacy")
TOOLS = (*OPENDSM_TOOLS, "greendc")


def degc(fahrenheit: float) -> float:
    return (fahrenheit - FREEZING_DEGF) / DEGF_PER_DEGC


def degf(celsius: float) -> float:
    return celsius * DEGF_PER_DEGC + FREEZING_DEGF


@dataclass
class Sample:
    """One OpenDSM sample, reduced to the days both tools use."""

    name: str
    unit: str
    electricity: bool
    meter: pd.Series              # daily value, UTC day start; NaN on days left out
    hourly_degf: pd.Series        # OpenDSM's temperature input
    days: pd.DataFrame            # usable days: observed, degc (naive UTC day start)
    baseline: tuple[pd.Timestamp, pd.Timestamp]   # naive, end excluded
    reporting: tuple[pd.Timestamp, pd.Timestamp]
    metadata: dict[str, Any]


@dataclass
class Result:
    """One tool's figures on one sample."""

    tool: str
    n: int                        # baseline days fitted
    m: int                        # reporting days predicted
    cv_rmse: float
    nmbe: float
    r2: float
    cv_rmse_held_out: float | None
    avoided: float                # sum(predicted - observed) over the reporting days
    baseline_bias: float          # sum(predicted - observed) over the baseline days
    uncertainty: dict[int, float | None]   # by confidence level in %
    model: str
    seconds: float                # fit + predict
    details: Any = None           # the tool's own output, for the sensitivity section


def load(name: str) -> Sample:
    meter_frame, hourly_degf, metadata = eemeter.load_sample(name)
    meter = meter_frame["value"]
    electricity = metadata["interpretation"] == "electricity"
    day_degf = hourly_degf.resample("D").mean()
    coverage = hourly_degf.resample("D").count() / HOURS_PER_DAY
    day_degf = day_degf.where(coverage > MIN_TEMPERATURE_COVERAGE).reindex(meter.index)
    usable = meter.notna() & day_degf.notna()
    if electricity:
        usable &= meter != 0
    meter = meter.where(usable)
    index = meter.index[usable].tz_localize(None)
    index.name = "period_start"
    days = pd.DataFrame({"observed": meter[usable].to_numpy(),
                         "degc": degc(day_degf[usable].to_numpy())}, index=index)
    # get_baseline_data(end=blackout start, max_days) keeps [end - max_days, end] and blanks the
    # last row, i.e. [end - max_days, end); get_reporting_data likewise [start, start + max_days)
    start = pd.Timestamp(metadata["blackout_start_date"]).tz_localize(None)
    end = pd.Timestamp(metadata["blackout_end_date"]).tz_localize(None)
    period = pd.Timedelta(days=PERIOD_DAYS)
    return Sample(name, metadata["unit"], electricity, meter, hourly_degf, days,
                  (start - period, start), (end, end + period), metadata)


def run_opendsm(sample: Sample, kind: str) -> Callable[[], Result]:
    """Fit + predict of OpenDSM's daily model (``kind`` = ``current`` or ``legacy``), timed; the
    data classes are built before and the baseline is predicted after."""
    metadata = sample.metadata
    base, _ = get_baseline_data(sample.meter, end=metadata["blackout_start_date"],
                                max_days=PERIOD_DAYS)
    rep, _ = get_reporting_data(sample.meter, start=metadata["blackout_end_date"],
                                max_days=PERIOD_DAYS)
    base_data = eemeter.DailyBaselineData.from_series(base, sample.hourly_degf,
                                                      is_electricity_data=sample.electricity)
    rep_data = eemeter.DailyReportingData.from_series(rep, sample.hourly_degf,
                                                      is_electricity_data=sample.electricity)

    def run() -> Result:
        start = time.perf_counter()
        model = eemeter.DailyModel(model=kind).fit(base_data, ignore_disqualification=True)
        predicted = model.predict(rep_data, ignore_disqualification=True)
        seconds = time.perf_counter() - start
        fitted = model.predict(base_data, ignore_disqualification=True)
        bias = float((fitted["predicted"] - fitted["observed"]).sum())
        return _opendsm_result(model, predicted, kind, bias, seconds)

    return run


def _opendsm_result(model: Any, predicted: pd.DataFrame, kind: str, bias: float,
                    seconds: float) -> Result:
    fit = model.baseline_metrics   # OpenDSM's own, of its component fits before the final one
    by_level = {round(level * 100): ReportingMetrics(
        baseline_metrics=fit, reporting_df=predicted, data_frequency="daily",
        confidence_level=level, t_tail=2) for level in setting("savings", "confidence_levels")}
    spread = {key: metrics.total_savings_uncertainty for key, metrics in by_level.items()}
    reporting = next(iter(by_level.values()))
    parts = []
    for split, sub in model.params.submodels.items():
        points = [f"T_{side} {degc(value):.1f} ({value:.1f} F)" for side, value in
                  (("h", sub.coefficients.hdd_bp), ("c", sub.coefficients.cdd_bp))
                  if value is not None]
        parts.append(" ".join([split, sub.model_type.value, *points]))
    return Result("OpenDSM" if kind == "current" else "OpenDSM legacy", int(fit.n),
                  int(reporting.n), float(fit.cvrmse_adj), float(fit.nmbe),
                  float(fit.r_squared), None, float(reporting.savings), bias, spread,
                  "; ".join(parts), seconds, details=model)


def run_greendc(sample: Sample) -> Callable[[], Result]:
    """greendc's regression method on the sample's days, non-IT energy = the meter value."""
    frame = pd.DataFrame({
        "facility_energy_kwh": sample.days["observed"] + 1.0,   # non-IT = facility - IT
        "it_energy_kwh": 1.0,                                    # = the meter value
        "dc_energy_kwh": sample.days["observed"] + 1.0,
        "outdoor_temp_degc": sample.days["degc"],
    }, index=sample.days.index)

    in_baseline = (frame.index >= sample.baseline[0]) & (frame.index < sample.baseline[1])
    baseline_mean = float(sample.days["observed"][in_baseline].mean())

    def run() -> Result:
        start = time.perf_counter()
        r = regression_method(frame, sample.baseline, sample.reporting, "daily", "daily")
        seconds = time.perf_counter() - start
        stats, spread = r["stats"], r["uncertainty"]
        # NMBE = sum(observed - predicted) / ((n - p) x mean observed), greendc.savings.statistics
        bias = -stats["nmbe"] * (stats["n"] - stats["parameters"]) * baseline_mean
        scale = _greendc_year_scale(spread["m"])
        uncertainty = {}
        for level in spread["levels"]:
            kwh = spread[f"kwh_{round(level * 100)}"]
            uncertainty[round(level * 100)] = None if kwh is None else kwh / scale
        points = " ".join(f"T_{side[0]} {t:.1f} ({degf(t):.1f} F)"
                          for side, t in r["changepoints_degc"].items())
        return Result("greendc", int(stats["n"]), int(spread["m"]), stats["cv_rmse"],
                      stats["nmbe"], stats["r2"], stats["cv_rmse_cross_validated"],
                      r["kwh"] / scale, bias, uncertainty, f"{r['form']} {points}".strip(),
                      seconds, details=r)

    return run


def _greendc_year_scale(days: int) -> float:
    """The factor greendc.savings.regression applies to a daily window's savings and their
    uncertainty to make them a year's: 1 for a year of days, else 365 / days."""
    shortest, longest = GREENDC_YEAR_DAYS
    return 1.0 if shortest <= days <= longest else shortest / days


def timed(run: Callable[[], Result], repeat: int) -> Result:
    """The last of ``repeat`` runs, with the median of their fit + predict times."""
    results = [run() for _ in range(repeat)]
    results[-1].seconds = statistics.median(r.seconds for r in results)
    return results[-1]


def _pct(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:
        return DASH
    shown = round(value * 100, digits) or 0.0   # -0.0 shown as 0.0
    return f"{shown:.{digits}f} %"


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:
        return DASH
    return f"{round(value, digits) or 0.0:,.{digits}f}"   # -0.0 shown as 0.0


def results_table(rows: list[tuple[Sample, Result]]) -> list[str]:
    lines = ["| sample (unit) | tool | days base / rep | CV(RMSE) | held-out CV(RMSE) | NMBE | R2 "
             "| baseline bias | avoided | ± 68 % | ± 90 % | model, balance points degC (degF) "
             "| fit + predict s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for sample, r in rows:
        lines.append(
            f"| {sample.name} ({sample.unit}) | {r.tool} | {r.n} / {r.m} | {_pct(r.cv_rmse)} "
            f"| {_pct(r.cv_rmse_held_out)} | {_pct(r.nmbe, 3)} | {_num(r.r2, 3)} "
            f"| {_num(r.baseline_bias)} | {_num(r.avoided)} | {_num(r.uncertainty.get(68))} "
            f"| {_num(r.uncertainty.get(90))} | {r.model} | {r.seconds:.2f} |")
    return lines


def ratio_table(results: dict[str, dict[str, Result]]) -> list[str]:
    lines = ["| sample | greendc / OpenDSM | greendc / OpenDSM legacy |", "|---|---|---|"]
    for name, by_tool in results.items():
        ours = by_tool["greendc"].avoided
        ratios = [f"{ours / by_tool[tool].avoided:.3f}" for tool in OPENDSM_TOOLS]
        lines.append(f"| {name} | {' | '.join(ratios)} |")
    return lines


def target_line(by_tool: dict[str, Result]) -> str:
    ratio = by_tool["greendc"].avoided / by_tool["OpenDSM"].avoided
    met = abs(ratio - 1) <= TARGET_TOLERANCE
    return (f"Issue 15 target: {TARGET_SAMPLE}, greendc avoided energy within "
            f"{TARGET_TOLERANCE:.0%} of OpenDSM's: {by_tool['greendc'].avoided:.1f} / "
            f"{by_tool['OpenDSM'].avoided:.1f} = {ratio:.3f} -> {'MET' if met else 'NOT MET'}")


def cooling_sensitivity(sample: Sample, by_tool: dict[str, Result]) -> list[str]:
    """greendc's cooling form refitted by plain least squares at other change points.

    With IT constant, greendc's daily cooling model is non-IT = a + b x weekend + c x
    max(0, T - T_c) (its IT terms are collinear with these); the first line checks that this
    reproduces greendc's own avoided energy at its change point.
    """
    r = by_tool["greendc"].details
    if r["form"] != "cooling":
        return [f"(greendc chose the {r['form']} form here; sensitivity shown for cooling only)"]
    chosen = r["changepoints_degc"]["cooling"]
    step = setting("savings", "changepoint_step_degc")
    days = sample.days
    weekend = (days.index.day_of_week >= SATURDAY).astype(float)
    base = (days.index >= sample.baseline[0]) & (days.index < sample.baseline[1])
    rep = (days.index >= sample.reporting[0]) & (days.index < sample.reporting[1])
    y, temps = days["observed"].to_numpy(), days["degc"].to_numpy()

    def fit(point: float) -> tuple[float, float]:
        x = np.column_stack([np.ones(len(days)), weekend, np.clip(temps - point, 0, None)])
        coefficients, *_ = np.linalg.lstsq(x[base], y[base], rcond=None)
        residual = y[base] - x[base] @ coefficients
        return float(residual @ residual), float(np.sum(x[rep] @ coefficients - y[rep]))

    fine = np.arange(chosen - step, chosen + step + FINE_STEP_DEGC / 2, FINE_STEP_DEGC)
    optimum = float(fine[np.argmin([fit(p)[0] for p in fine])])
    points = {chosen + k * step: "greendc grid" + (" (chosen)" if k == 0 else "")
              for k in range(-SENSITIVITY_STEPS, SENSITIVITY_STEPS + 1)}
    points[optimum] = f"least-squares optimum off the grid ({FINE_STEP_DEGC} degC search)"
    design = sample.metadata.get("baseline_cooling_balance_point")
    if design is not None:
        points[degc(design)] = "the sample's simulated balance point (metadata)"
    for tool in OPENDSM_TOOLS:
        for split, sub in by_tool[tool].details.params.submodels.items():
            if "su" in split and sub.coefficients.cdd_bp is not None:   # a model of summer days
                points[degc(sub.coefficients.cdd_bp)] = f"{tool} {split} T_c"
    sse_chosen, avoided_chosen = fit(chosen)
    reference = by_tool["OpenDSM"].avoided
    lines = [f"Same form by numpy least squares at greendc's T_c = {chosen:g} degC: avoided "
             f"{avoided_chosen:.1f} (greendc reports {by_tool['greendc'].avoided:.1f}).", "",
             "| T_c degC (degF) | where from | baseline SSE / greendc's | avoided | / OpenDSM |",
             "|---|---|---|---|---|"]
    for point in sorted(points):
        sse, avoided = fit(point)
        lines.append(f"| {point:.2f} ({degf(point):.1f}) | {points[point]} "
                     f"| {sse / sse_chosen:.4f} | {avoided:.1f} | {avoided / reference:.3f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool (median)")
    parser.add_argument("--sample", action="append", help="a daily sample id (default: all)")
    args = parser.parse_args()
    logging.getLogger("eemeter").setLevel(logging.ERROR)   # "index is in UTC", per data object
    warnings.filterwarnings("ignore", module="opendsm")
    names = args.sample or [n for n in eemeter.samples() if n.endswith("-daily")]
    samples = [load(name) for name in names]

    print(f"# greendc against OpenDSM, daily samples ({datetime.date.today().isoformat()})")
    print(f"Python {platform.python_version()}, opendsm {opendsm.__version__}, greendc "
          f"{greendc.__version__} ({_tree()}), numpy {np.__version__}, pandas {pd.__version__}; "
          f"{platform.machine()}, {os.cpu_count()} cores")
    first = samples[0]
    cold = {tool: timed(run, 1).seconds for tool, run in
            (("OpenDSM", run_opendsm(first, "current")), ("greendc", run_greendc(first)))}
    print(f"First call on {first.name}, not in the table: OpenDSM {cold['OpenDSM']:.1f} s "
          f"(numba compiling or loading its cache), greendc {cold['greendc']:.2f} s. Table: "
          f"median of {args.repeat} timed fit + predict runs each (data preparation excluded).")
    print()

    rows, results = [], {}
    for sample in samples:
        by_tool = {"OpenDSM": timed(run_opendsm(sample, "current"), args.repeat),
                   "OpenDSM legacy": timed(run_opendsm(sample, "legacy"), args.repeat),
                   "greendc": timed(run_greendc(sample), args.repeat)}
        results[sample.name] = by_tool
        rows += [(sample, by_tool[tool]) for tool in TOOLS]
    print("\n".join(results_table(rows)))
    print()
    print("\n".join(ratio_table(results)))
    if TARGET_SAMPLE in results:
        print()
        print(target_line(results[TARGET_SAMPLE]))
        print()
        target = next(s for s in samples if s.name == TARGET_SAMPLE)
        print("\n".join(cooling_sensitivity(target, results[TARGET_SAMPLE])))


def _tree() -> str:
    """The commit of the greendc tree imported, and whether its package has uncommitted changes."""
    root = Path(greendc.__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "."],
                                 capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {commit}" + (" + uncommitted changes in greendc/" if changed else "")


if __name__ == "__main__":
    main()
