"""Would a season split bring greendc to OpenDSM on the cooling-only sample?  (issue 15)

Two measurements on OpenDSM's four bundled daily samples (the days ``opendsm_compare.load``
prepares), printed as Markdown tables; asserts nothing:

* greendc's own selection with summer apart: summer (the months OpenDSM's default
  ``Season_Definition`` calls summer) and the rest are each fitted by
  ``greendc.savings.baseline.fit_baseline`` (its forms, change points and held-out CV(RMSE) by
  month), their held-out errors pooled, and the split chosen over the one-year model only when
  it lowers the held-out CV(RMSE) by ``form_min_gain`` (the rule greendc applies to a form with
  more change points).
* OpenDSM's default ``DailyModel`` with one of its choices turned off at a time (developer mode):
  the season split, the smoothed change point, the adaptive robust loss of its final fit
  (``alpha_final = 2`` is least squares), the lasso penalty, to see which of them makes its
  avoided energy.  ``--held-out`` adds, for the default model and the same with least squares,
  the held-out CV(RMSE) by month (24 more fits, about 3 minutes).

Needs OpenDSM (the venv of ``opendsm_compare.py``):

    python benchmarks/opendsm_split.py [--held-out]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import math
import warnings

import numpy as np
import opendsm.eemeter as eemeter
import pandas as pd
from opendsm.eemeter.common.transform import get_baseline_data, get_reporting_data
from opendsm.eemeter.models.daily.utilities.settings import DailySettings
from opendsm_compare import PERIOD_DAYS, TARGET_SAMPLE, Sample, degc, load

from greendc.reference.settings import setting
from greendc.savings.baseline import Baseline, fit_baseline

NO_SPLITS = {"allow_separate_summer": False, "allow_separate_shoulder": False,
             "allow_separate_winter": False, "allow_separate_weekday_weekend": False}
VARIANTS = {   # OpenDSM developer settings changed from its default model
    "default": {},
    "no season split": {"split_selection": NO_SPLITS},
    "no smoothing": {"allow_smooth_model": False},
    "least squares (alpha_final 2)": {"alpha_final": 2.0},
    "no smoothing, least squares": {"allow_smooth_model": False, "alpha_final": 2.0},
    "no smoothing, least squares, no lasso": {"allow_smooth_model": False, "alpha_final": 2.0,
                                              "regularization_alpha": 0.0},
    "no split, no smoothing, least squares": {"split_selection": NO_SPLITS,
                                              "allow_smooth_model": False, "alpha_final": 2.0},
}


def summer_months() -> list[int]:
    """Months (1-12) OpenDSM's default season definition calls summer."""
    return [month for month, season in DailySettings().season._num_dict.items()
            if season == "summer"]


def _frame(sample: Sample) -> pd.DataFrame:
    """opendsm_compare's greendc table: non-IT energy (facility - IT, IT at 1) = the meter."""
    return pd.DataFrame({"facility_energy_kwh": sample.days["observed"] + 1.0,
                         "it_energy_kwh": 1.0, "dc_energy_kwh": sample.days["observed"] + 1.0,
                         "outdoor_temp_degc": sample.days["degc"]}, index=sample.days.index)


def _avoided(model: Baseline, reporting: tuple[pd.Timestamp, pd.Timestamp]) -> float:
    table = model.features
    rep = table[(table.index >= reporting[0]) & (table.index < reporting[1])]
    rep = rep[rep[model.columns].notna().all(axis=1)]
    return float(np.sum(model.predict(rep) - rep["nonit"].to_numpy()))


def _pooled(models: list[Baseline], baseline: tuple[pd.Timestamp, pd.Timestamp]) -> float:
    """Held-out CV(RMSE) of the parts taken together: sqrt(sum n_i MSE_i / n) / mean(y)."""
    squares, n, total = 0.0, 0, 0.0
    for model in models:
        table = model.features
        y = table[(table.index >= baseline[0]) & (table.index < baseline[1])]
        y = y[y[model.columns].notna().all(axis=1)]["nonit"].to_numpy()
        mean = float(np.mean(y))
        squares += len(y) * (model.stats["cv_rmse_cross_validated"] * mean) ** 2
        n, total = n + len(y), total + float(np.sum(y))
    return math.sqrt(squares / n) / (total / n)


def _form(model: Baseline) -> str:
    return " ".join([model.form, *(f"T_{side[0]} {point:g}"
                                   for side, point in model.changepoints.items())])


def greendc_split(samples: list[Sample], opendsm: dict[str, float]) -> list[str]:
    summer = summer_months()
    gain = setting("savings", "form_min_gain")
    lines = ["| sample | one model | held-out | avoided | summer apart (summer; rest) | held-out "
             "| avoided | gain | chosen | chosen / OpenDSM |", "|---" * 10 + "|"]
    for sample in samples:
        frame = _frame(sample)
        one = fit_baseline(frame, *sample.baseline, "daily")
        in_summer = frame.index.month.isin(summer)
        parts = [fit_baseline(frame[mask], *sample.baseline, "daily")
                 for mask in (in_summer, ~in_summer)]
        error_one = one.stats["cv_rmse_cross_validated"]
        error_split = _pooled(parts, sample.baseline)
        avoided_one = _avoided(one, sample.reporting)
        avoided_split = sum(_avoided(part, sample.reporting) for part in parts)
        split = error_split < error_one * (1 - gain)
        chosen = avoided_split if split else avoided_one
        forms = "; ".join(_form(part) for part in parts)
        lines.append(f"| {sample.name} | {_form(one)} | {error_one:.2%} | "
                     f"{avoided_one:.1f} | {forms} | {error_split:.2%} | {avoided_split:.1f} "
                     f"| {1 - error_split / error_one:+.2%} | {'split' if split else 'one'} "
                     f"| {chosen / opendsm[sample.name]:.3f} |")
    return lines


def _data(sample: Sample, base: pd.Series | None = None):
    metadata = sample.metadata
    if base is None:
        base, _ = get_baseline_data(sample.meter, end=metadata["blackout_start_date"],
                                    max_days=PERIOD_DAYS)
    rep, _ = get_reporting_data(sample.meter, start=metadata["blackout_end_date"],
                                max_days=PERIOD_DAYS)
    return (eemeter.DailyBaselineData.from_series(base, sample.hourly_degf,
                                                  is_electricity_data=sample.electricity),
            eemeter.DailyReportingData.from_series(rep, sample.hourly_degf,
                                                   is_electricity_data=sample.electricity))


def _fit(change: dict, base):
    """OpenDSM's DailyModel with ``change`` to its default settings, fitted on ``base``; its
    print of "Daily model is nonstandard" on every developer-mode model is swallowed."""
    settings = {"developer_mode": True, **change} if change else {}
    with contextlib.redirect_stdout(io.StringIO()):
        return eemeter.DailyModel(settings=settings).fit(base, ignore_disqualification=True)


def _num(value: float) -> str:
    return "—" if value != value else f"{value:.1f}"


def opendsm_variants(sample: Sample) -> tuple[list[str], float]:
    base, rep = _data(sample)
    lines = ["| OpenDSM DailyModel | avoided | summer part | rest part | baseline bias "
             "| submodels, T_c degC |", "|---|---|---|---|---|---|"]
    default = float("nan")
    for label, change in VARIANTS.items():
        model = _fit(change, base)
        predicted = model.predict(rep, ignore_disqualification=True)
        fitted = model.predict(base, ignore_disqualification=True)
        saved = predicted["predicted"] - predicted["observed"]
        split = predicted["model_split"]
        parts = {"su": float(saved[split.str.contains("su")].sum()),
                 "rest": float(saved[~split.str.contains("su")].sum())}
        if "fw-su_sh_wi" in set(split):   # one model: no summer part of its own
            parts = {"su": float("nan"), "rest": float("nan")}
        bias = float((fitted["predicted"] - fitted["observed"]).sum())
        subs = "; ".join(f"{key} {sub.model_type.value} {degc(sub.coefficients.cdd_bp):.1f}"
                         for key, sub in model.params.submodels.items()
                         if sub.coefficients.cdd_bp is not None)
        lines.append(f"| {label} | {saved.sum():.1f} | {_num(parts['su'])} | {_num(parts['rest'])} "
                     f"| {bias:.1f} | {subs} |")
        if not change:
            default = float(saved.sum())
    return lines, default


def opendsm_held_out(sample: Sample) -> list[str]:
    """Held-out CV(RMSE) by month of OpenDSM's default model and its least-squares variant."""
    full, _ = get_baseline_data(sample.meter, end=sample.metadata["blackout_start_date"],
                                max_days=PERIOD_DAYS)
    months = full.index.tz_convert("UTC").tz_localize(None).to_period("M")
    lines = ["| OpenDSM DailyModel | held-out CV(RMSE) by month | held-out NMBE |", "|---|---|---|"]
    for label in ("default", "least squares (alpha_final 2)"):
        errors = []
        for month in months[full.notna().to_numpy()].unique():
            train = full.copy()
            train[months == month] = np.nan
            base, _ = _data(sample, train)
            whole, _ = _data(sample, full)
            model = _fit(VARIANTS[label], base)
            out = model.predict(whole, ignore_disqualification=True)
            out = out[out.index.tz_convert("UTC").tz_localize(None).to_period("M") == month]
            out = out.dropna(subset=["observed", "predicted"])
            errors.append((out["observed"] - out["predicted"]).to_numpy())
        error = np.concatenate(errors)
        mean = float(sample.days["observed"][(sample.days.index >= sample.baseline[0])
                                             & (sample.days.index < sample.baseline[1])].mean())
        lines.append(f"| {label} | {math.sqrt(float(np.mean(error ** 2))) / mean:.2%} "
                     f"| {float(np.mean(error)) / mean:+.2%} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", action="store_true",
                        help="also OpenDSM's held-out error by month (about 3 minutes)")
    args = parser.parse_args()
    logging.getLogger("eemeter").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    samples = [load(name) for name in eemeter.samples() if name.endswith("-daily")]
    opendsm = {}
    for sample in samples:
        base, rep = _data(sample)
        model = _fit({}, base)
        predicted = model.predict(rep, ignore_disqualification=True)
        opendsm[sample.name] = float((predicted["predicted"] - predicted["observed"]).sum())
    print(f"summer: months {summer_months()} (OpenDSM's default season definition)")
    print("\n".join(greendc_split(samples, opendsm)))
    target = next(s for s in samples if s.name == TARGET_SAMPLE)
    print()
    print("\n".join(opendsm_variants(target)[0]))
    if args.held_out:
        print()
        print("\n".join(opendsm_held_out(target)))


if __name__ == "__main__":
    main()
