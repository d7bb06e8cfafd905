"""Issue 15: change-point forms, fine change points, acceptance by reporting length, honest
uncertainty on every figure, the hourly model.  Synthetic sites with a known balance point, known
savings and AR(1) residuals of known rho; every expectation is computed here, not by greendc."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from greendc import savings
from greendc.savings.uncertainty import cv_rmse_limit

ADOPTED = pd.Timestamp("2025-01-01")
REPORTING = (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01"))


def _ar1(n: int, rho: float, sigma: float, rng: np.random.Generator) -> np.ndarray:
    e = np.empty(n)
    e[0] = rng.normal(0, sigma / math.sqrt(1 - rho ** 2))
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(0, sigma)
    return e


def _daily_site(*, seed: int = 1, cooling_point: float = 18.0, heating_point: float | None = None,
                saving: float = 0.2, rho: float = 0.0, sigma: float = 300.0,
                it_daily: float = 96_000.0) -> tuple[pd.DataFrame, float]:
    """Two years of days: non-IT = 20,000 + 0.15 E_IT + 1,500 CDD(T_c) [+ 900 HDD(T_h)] + noise;
    from 2025 the cooling slope falls by ``saving``.  Returns the energy table and the true
    saving of 2025 [kWh]."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", "2026-01-01", freq="D", inclusive="left",
                          name="period_start")
    day = np.arange(len(index))
    temp = 13 + 14 * np.sin(2 * np.pi * (day - 105) / 365.25) + rng.normal(0, 3, len(index))
    it = it_daily * (1 + 0.03 * rng.standard_normal(len(index)))
    cdd = np.clip(temp - cooling_point, 0, None)
    after = index >= ADOPTED
    slope = np.where(after, 1500 * (1 - saving), 1500.0)
    nonit = 20_000 + 0.15 * it + slope * cdd + _ar1(len(index), rho, sigma, rng)
    if heating_point is not None:
        nonit += 900 * np.clip(heating_point - temp, 0, None)
    true = float(np.sum((1500 - slope[after]) * cdd[after]))
    frame = pd.DataFrame({"facility_energy_kwh": it + nonit, "it_energy_kwh": it,
                          "outdoor_temp_degc": temp}, index=index)
    return frame, true


def _regression(frame: pd.DataFrame, granularity: str = "daily") -> dict:
    return savings.measured_methods(frame, ADOPTED, REPORTING, granularity, "cooling")


def test_a_balance_point_between_the_old_grid_steps_is_found_within_half_a_degree():
    frame, true = _daily_site(cooling_point=17.8)
    regression = _regression(frame)["regression"]
    assert regression["form"] == "cooling"
    assert abs(regression["changepoints_degc"]["cooling"] - 17.8) <= 0.5
    assert regression["kwh"] == pytest.approx(true, rel=0.05)
    # the old grid's nearest points (15 and 20 degC), fitted here by hand, miss by far more
    base = frame[frame.index < ADOPTED]
    rep = frame[frame.index >= ADOPTED]
    errors = []
    for point in (15.0, 20.0):
        def design(part, point=point):
            cdd = np.clip(part["outdoor_temp_degc"].to_numpy() - point, 0, None)
            return np.column_stack([np.ones(len(part)), part["it_energy_kwh"], cdd])
        y = (base["facility_energy_kwh"] - base["it_energy_kwh"]).to_numpy()
        c, *_ = np.linalg.lstsq(design(base), y, rcond=None)
        saved = float(np.sum(design(rep) @ c - (rep["facility_energy_kwh"]
                                                 - rep["it_energy_kwh"]).to_numpy()))
        errors.append(abs(saved / true - 1))
    assert min(errors) > 2 * abs(regression["kwh"] / true - 1)


def test_heating_and_cooling_give_a_five_parameter_model():
    frame, true = _daily_site(cooling_point=20.0, heating_point=6.0, seed=4)
    regression = _regression(frame)["regression"]
    assert regression["form"] == "heating_cooling"
    assert abs(regression["changepoints_degc"]["heating"] - 6.0) <= 1.0
    assert abs(regression["changepoints_degc"]["cooling"] - 20.0) <= 1.0
    # 1, offday, IT, HDD, CDD, IT x CDD and the two change points
    assert regression["stats"]["parameters"] == 6 + 2
    # the cooling slope rests on the warm days only: the saving is looser than the points
    assert regression["kwh"] == pytest.approx(true, rel=0.12)
    tried = regression["stats"]["forms_tried"]
    assert tried["heating_cooling"] < tried["cooling"]   # chosen by held-out error


def test_no_weather_dependence_keeps_the_it_only_form_or_a_flat_slope():
    frame, _ = _daily_site(saving=0.0, seed=9)
    flat = frame.copy()
    flat["facility_energy_kwh"] = flat["it_energy_kwh"] * 1.3  # non-IT ignores the weather
    regression = _regression(flat)["regression"]
    assert regression["kwh"] == pytest.approx(0, abs=1.0)


def test_ar1_residuals_of_known_rho_are_measured_and_widen_the_uncertainty():
    rho = 0.7
    frame, _ = _daily_site(rho=rho, sigma=600.0, seed=2)
    regression = _regression(frame)["regression"]
    stats, spread = regression["stats"], regression["uncertainty"]
    assert stats["autocorrelation"] == pytest.approx(rho, abs=0.1)
    n = stats["n"]
    expected = n * (1 - stats["autocorrelation"]) / (1 + stats["autocorrelation"])
    assert spread["effective_n"] == pytest.approx(expected)
    # the absolute uncertainty by hand: t x 1.26 x CV x sqrt((n/n')(1 + 2/n') / m) x predicted
    from greendc.savings.statistics import t_quantile

    t = t_quantile(0.84, expected - stats["parameters"])
    m = spread["m"]
    rep = frame[frame.index >= ADOPTED]
    actual = float((rep["facility_energy_kwh"] - rep["it_energy_kwh"]).sum())
    predicted = actual + regression["kwh"]   # a calendar year: no annualisation
    by_hand = t * 1.26 * stats["cv_rmse"] * math.sqrt(n / expected * (1 + 2 / expected) / m)
    # the reporting year repeats the baseline's weather and load: hardly any extrapolation
    assert 1.0 <= spread["extrapolation_factor"] < 1.05
    assert spread["kwh_68"] == pytest.approx(
        by_hand * predicted * spread["extrapolation_factor"], rel=1e-6)
    independent = by_hand * math.sqrt(expected / n * (1 + 2 / n) / (1 + 2 / expected))
    assert spread["kwh_68"] / predicted > 1.8 * independent   # sqrt(1.7/0.3) = 2.4 wider


@pytest.mark.parametrize("months, limit", [(6, 0.20), (11.9, 0.20), (12, 0.25), (60, 0.25),
                                           (61, 0.30)])
def test_acceptance_limit_follows_the_reporting_length(months, limit):
    # ASHRAE Guideline 14: 20 % under 12 months, 25 % from 12 to 60, 30 % beyond
    assert cv_rmse_limit(months) == limit


def test_a_noisy_baseline_fails_on_uncertainty_and_says_why():
    frame, _ = _daily_site(sigma=9000.0, saving=0.05, seed=3)
    found = _regression(frame)
    regression = found["regression"]
    assert regression["acceptance"]["checks"]["fraction_68"] is False
    assert "fraction_68" in regression["acceptance"]["failed"]
    entry = {"methods": found, "notes": [], "note_codes": [], "method": None, "kwh": None}
    from greendc.savings.measures import _choose_measured

    _choose_measured(entry)
    assert entry["choice"]["code"] in ("regression_failed", "all_uncertain")
    assert entry["uncertainty"]["kwh_68"] is not None
    if entry["method"] != "regression":
        assert entry["method"] in ("subsystem", "pue_normalised")


def test_the_simpler_methods_carry_their_own_uncertainty():
    frame, _ = _daily_site(seed=5)
    found = _regression(frame)
    method = found["pue_normalised"]
    base = frame[frame.index < ADOPTED]
    rep = frame[frame.index >= ADOPTED]
    k = base["facility_energy_kwh"].sum() / base["it_energy_kwh"].sum()
    e = (base["facility_energy_kwh"] - k * base["it_energy_kwh"]).to_numpy()
    n = len(e)
    cv = math.sqrt(np.sum(e ** 2) / (n - 1)) / base["facility_energy_kwh"].mean()
    c = e - e.mean()
    rho = max(float(np.sum(c[1:] * c[:-1]) / np.sum(c ** 2)), 0.0)
    n_eff = n * (1 - rho) / (1 + rho)
    from greendc.savings.statistics import t_quantile

    t = t_quantile(0.84, n_eff - 1)
    predicted = k * rep["it_energy_kwh"].sum()
    expected = t * 1.26 * cv * math.sqrt(n / n_eff * (1 + 2 / n_eff) / len(rep)) * predicted
    assert method["uncertainty"]["kwh_68"] == pytest.approx(expected, rel=1e-6)
    assert method["uncertainty"]["kwh_90"] > method["uncertainty"]["kwh_68"]


def _hourly_site(seed: int = 6) -> pd.DataFrame:
    """Hourly data whose non-IT load has a weekly rhythm a daily model cannot see: a generator
    test every Wednesday 10:00-14:00 and a chiller plant rotation on Mondays."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", "2026-01-01", freq="h", inclusive="left",
                          name="period_start")
    hours = np.arange(len(index))
    temp = (13 + 14 * np.sin(2 * np.pi * (hours / 24 - 105) / 365.25)
            + 5 * np.sin(2 * np.pi * (index.hour - 9) / 24) + rng.normal(0, 1, len(index)))
    it = 4000 * (1 + 0.02 * rng.standard_normal(len(index)))
    nonit = 900 + 0.15 * it + 60 * np.clip(temp - 18, 0, None) + rng.normal(0, 15, len(index))
    wednesday = (index.day_of_week == 2) & (index.hour >= 10) & (index.hour < 14)
    monday = index.day_of_week == 0
    nonit = nonit + np.where(wednesday, 900, 0) + np.where(monday, 250, 0)
    return pd.DataFrame({"facility_energy_kwh": it + nonit, "it_energy_kwh": it,
                         "outdoor_temp_degc": temp}, index=index)


def test_hourly_data_try_the_time_of_week_model_and_keep_the_better():
    frame = _hourly_site()
    regression = savings.measured_methods(frame, ADOPTED, REPORTING, "hourly",
                                          "cooling")["regression"]
    compared = regression["models_compared"]
    assert set(compared) == {"daily", "hourly"}
    assert compared["hourly"] < compared["daily"]
    assert regression["form"] == "time_of_week" and regression["resolution"] == "hourly"
    assert regression["time_of_week_levels"] == 168
    assert regression["kwh"] == pytest.approx(0, abs=0.01 * frame.loc["2025"].sum()[
        "facility_energy_kwh"])   # nothing changed in 2025
    assert regression["uncertainty"]["kwh_68"] > 0


def test_no_payback_when_the_interval_reaches_no_saving():
    from greendc.savings.money import add_money

    money = {"coal_kgce_per_kwh": 0.1229, "grid_kgco2_per_kwh": 0.5, "price": 0.5}
    entry = {"kwh": 100_000.0, "uncertainty": {"kwh_68": 150_000.0}, "investment_cny": 80_000}
    add_money(entry, money)
    assert entry["payback_years"] is None
    assert entry["payback_withheld"] == "interval_reaches_zero"
    entry = {"kwh": 100_000.0, "uncertainty": {"kwh_68": 20_000.0}, "investment_cny": 80_000}
    add_money(entry, money)
    assert entry["payback_years"] == pytest.approx(80_000 / 50_000)


def test_the_report_shows_each_figure_with_its_uncertainty_and_reason():
    from test_savings import _two_year_submission

    from greendc.report.html import render_html

    result = _two_year_submission([
        {"row": 2, "technology": "AI cooling control", "adoption_date": "2025-01-01",
         "scope": "cooling", "investment_cny": 1e6},
        {"row": 3, "technology": "冷通道封闭", "adoption_date": "2022-01-01"}])
    measure, deemed = result.savings["measures"]
    spread = measure["uncertainty"]
    assert measure["method"] == "regression"
    zh, en = render_html(result, "zh"), render_html(result, "en")
    figure = f"{measure['kwh']:,.0f} ± {spread['kwh_68']:,.0f}"
    assert figure in zh and figure in en
    assert "采用依据：回归基线通过全部验收检查" in zh and "Why this figure" in en
    assert f"±{spread['kwh_90']:,.0f} kWh/yr" in en
    for other in ("pue_normalised", "subsystem"):   # the methods not used, with theirs
        spread_other = measure["methods"][other]["uncertainty"]
        assert (f"± {spread_other['kwh_68']:,.0f} (68 %), "
                f"± {spread_other['kwh_90']:,.0f} (90 %)") in en
    assert deemed["method"] == "deemed" and deemed["uncertainty"] == {"reason": "deemed"}
    assert "指示区间即其不确定范围" in zh


def test_the_demo_has_no_verified_figure_and_says_why(hourly_xlsx):
    import json

    from greendc import assess
    from greendc.report.html import render_html

    assessment = assess(hourly_xlsx)
    measure = json.loads(assessment.to_json())["savings"]["measures"][0]
    # the demo's load grows: no verified figure, and no payback from any
    assert measure["method"] == "unverified" and measure["payback_years"] is None
    zh, en = render_html(assessment, "zh"), render_html(assessment, "en")
    assert "No verified figure" in en and "无可验证数值" in zh


def test_the_extrapolation_factor_is_the_regression_s_own_leverage():
    # y = a + b x: the variance of a predicted mean of m points at x_r is s^2 (1/m + 1/n +
    # (x_r - mean x)^2 / Sxx) (Draper & Smith 3.1); Guideline 14 holds the point at mean x
    from greendc.savings.uncertainty import extrapolation_factor

    rng = np.random.default_rng(3)
    x = rng.normal(10.0, 2.0, 200)
    design = np.column_stack([np.ones_like(x), x])
    assert extrapolation_factor(design, design) == pytest.approx(1.0)
    reporting = np.column_stack([np.ones(100), x[:100] - x[:100].mean() + x.mean() + 5.0])
    n, m, sxx = len(x), len(reporting), float(np.sum((x - x.mean()) ** 2))
    shift = float(reporting[:, 1].mean() - x.mean())
    expected = math.sqrt((1 / m + 1 / n + shift ** 2 / sxx) / (1 / m + 1 / n))
    assert extrapolation_factor(design, reporting) == pytest.approx(expected)
    assert expected > 1.7  # 2.5 baseline standard deviations away
    # a reporting mean closer than the baseline's never narrows the interval
    assert extrapolation_factor(design, design[:50]) >= 1.0


def test_a_hot_reporting_year_after_a_cool_baseline_widens_the_interval():
    # a cool site (few days above the change point) whose reporting year runs 8 degC warmer:
    # the cooling slope is extrapolated, and Guideline 14's formula alone ignores it
    frame, _ = _daily_site(seed=5, saving=0.2)
    cool = frame.copy()
    before = cool.index < ADOPTED
    cool.loc[before, "outdoor_temp_degc"] -= 9.0
    cool.loc[~before, "outdoor_temp_degc"] += 1.0
    regression = _regression(cool)["regression"]
    spread, stats = regression["uncertainty"], regression["stats"]
    assert spread["extrapolation_factor"] > 1.3
    assert _regression(frame)["regression"]["uncertainty"]["extrapolation_factor"] < 1.1
    # Guideline 14's figure by hand, times the factor
    from greendc.savings.statistics import t_quantile

    n, m, rho = stats["n"], spread["m"], stats["autocorrelation"]
    effective = n * (1 - rho) / (1 + rho) if rho > 0 else n
    t = t_quantile(0.95, effective - stats["parameters"])
    rep = cool[cool.index >= ADOPTED]
    predicted = float((rep["facility_energy_kwh"] - rep["it_energy_kwh"]).sum()) + regression[
        "kwh"]
    gl14 = t * 1.26 * stats["cv_rmse"] * math.sqrt(n / effective * (1 + 2 / effective) / m)
    assert spread["kwh_90"] == pytest.approx(
        gl14 * predicted * spread["extrapolation_factor"], rel=1e-6)
    # the statistics the acceptance reads carry the widened figure
    assert stats["fractional_uncertainty_90"] == spread["fraction_90"]
    # and the report says why the interval is wider, in both languages
    from greendc.report.savings import uncertainty_text

    factor = f"{spread['extrapolation_factor']:.2f}"
    assert f"widened ×{factor}" in uncertainty_text(spread, "en")
    assert f"已放大 {factor} 倍" in uncertainty_text(spread, "zh")
    assert "widened" not in uncertainty_text(
        _regression(frame)["regression"]["uncertainty"], "en")
