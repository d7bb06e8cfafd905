"""Savings: golden numbers, recovery of a known injected saving, reconciliation, the demo."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from greendc import assess, savings
from greendc.assessment import assess_submission
from greendc.authoring import synthetic
from greendc.metrics import aggregate
from greendc.reading import Submission
from greendc.report.html import render_html
from greendc.savings.money import add_money

MONEY = {"coal_kgce_per_kwh": 0.1229, "grid_kgco2_per_kwh": 0.6361, "price": 0.10}


def _hourly_site(pue_before: float, pue_after: float) -> pd.DataFrame:
    index = pd.date_range("2024-01-01", "2026-01-01", freq="h", inclusive="left",
                          name="period_start")
    it = np.full(len(index), 1000.0)  # 1,000 kW of IT, 1 kWh per hour per kW
    pue = np.where(index < pd.Timestamp("2025-01-01"), pue_before, pue_after)
    return pd.DataFrame({"facility_energy_kwh": it * pue, "it_energy_kwh": it}, index=index)


def test_golden_it_load_normalised_saving():
    # DOMAIN.md section 6: 1,000 kW IT, PUE 1.80 -> 1.40 over 8,760 h: 3,504,000 kWh, 350,400
    energy = _hourly_site(1.80, 1.40)
    found = savings.measured_methods(energy, pd.Timestamp("2025-01-01"),
                                     (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01")),
                                     "hourly", "site")
    avoided = found["pue_normalised"]
    assert avoided["pue_baseline"] == pytest.approx(1.80)
    assert avoided["kwh"] == pytest.approx(3_504_000)
    entry = {"kwh": avoided["kwh"], "investment_cny": 700_800.0}
    add_money(entry, MONEY)
    assert entry["cny"] == pytest.approx(350_400)
    assert entry["payback_years"] == pytest.approx(2.0)
    assert entry["tce"] == pytest.approx(3_504_000 * 0.1229 / 1000)


def test_fit_statistics_definitions():
    y = np.array([10.0, 12.0, 14.0, 16.0])
    predicted = np.array([11.0, 11.0, 15.0, 15.0])
    stats = savings.fit_statistics(y, predicted, parameters=2)
    assert stats["cv_rmse"] == pytest.approx(np.sqrt(4 / 2) / 13)
    assert stats["nmbe"] == pytest.approx(0.0)
    assert stats["r2"] == pytest.approx(1 - 4 / 20)


@pytest.mark.parametrize("seed", [7, 11, 99])
def test_regression_recovers_an_injected_saving_within_5_percent(seed):
    # IT load grows 23 % over the two years and 2025 has its own weather: a PUE comparison is
    # fooled by both, the regression baseline is not.
    model = replace(synthetic.SiteModel(), freq="1h", seed=seed, measure_date="2025-01-01",
                    measure_saving=0.12, it_start_kw=3900.0, it_end_kw=4800.0)
    with_measure = synthetic.energy_table(model)
    without = synthetic.energy_table(replace(model, measure_date=None))
    true = (without.loc["2025", "cooling_energy_kwh"].sum()
            - with_measure.loc["2025", "cooling_energy_kwh"].sum())
    energy = aggregate.boundary_energy(with_measure, {"diesel_l": 9.9})
    found = savings.measured_methods(energy, pd.Timestamp("2025-01-01"),
                                     (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01")),
                                     "hourly", "cooling")
    regression = found["regression"]
    assert regression["kwh"] == pytest.approx(true, rel=0.05)
    assert regression["acceptance"]["acceptable"], regression["acceptance"]["failed"]
    assert regression["stats"]["cv_rmse"] < 0.05
    simple_error = found["pue_normalised"]["kwh"] / true - 1
    assert abs(simple_error) > abs(regression["kwh"] / true - 1)  # shown beside, and worse


def test_monthly_data_use_a_monthly_model():
    months = synthetic.monthly_table(replace(synthetic.SiteModel(), seed=5))
    energy = aggregate.boundary_energy(months, {})
    found = savings.measured_methods(energy, pd.Timestamp("2025-01-01"),
                                     (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01")),
                                     "monthly", "cooling")
    assert found["resolution"] == "monthly"
    assert found["regression"]["stats"]["n"] == 12
    acceptance = found["regression"]["acceptance"]
    assert acceptance["reporting_months"] == 12
    assert acceptance["limits"]["cv_rmse"] == 0.25   # 12 to 60 months of reporting data


def test_catalogue_identifies_free_text_and_keeps_the_unknown():
    assert savings.identify("冷通道封闭改造").id == "containment"
    assert savings.identify("UPS ECO模式").id == "ups_eco_mode"
    assert savings.identify("量子冷却") is None
    for tech in savings.catalogue().values():
        assert tech.source and tech.confidence
        if tech.effect:
            assert 0 <= tech.effect[0] <= tech.effect[1] < 1


def _two_year_submission(measures, price=0.38, growing=False):
    # a steady IT load unless ``growing`` (the demo's 3,900 -> 4,800 kW): the measured figures
    # are verifiable only when the reporting load lies within the baseline's
    model = replace(synthetic.SiteModel(), freq="1h")
    if not growing:
        model = replace(model, it_start_kw=4300.0, it_end_kw=4300.0)
    energy = synthetic.energy_table(model)
    facility = {**synthetic.DEMO_FACILITY, "electricity_price_cny_per_kwh": price}
    sub = Submission.from_frame(energy, facility, name="synthetic")
    sub.measures = measures
    return assess_submission(sub)


def test_declared_savings_above_measured_are_flagged_in_result_and_report():
    result = _two_year_submission([
        {"row": 2, "technology": "AI制冷优化控制", "adoption_date": "2025-01-01",
         "scope": "cooling", "investment_cny": 1e6, "declared_savings_kwh": 2_000_000.0},
        {"row": 3, "technology": "量子冷却", "adoption_date": "2022-01-01", "scope": "cooling",
         "declared_savings_kwh": 10.0}])
    ai, unknown = result.savings["measures"]
    assert ai["method"] == "regression" and ai["declared_flag"]
    assert ai["choice"] == {"code": "regression_accepted"}
    assert ai["declared_excess"] > 0.2
    flag = next(f for f in result.findings if f.code == "declared_savings_above_measured")
    assert flag.place.row == 2
    assert unknown["catalogued"] is False and unknown["method"] == "none"
    assert result.savings["total"]["uncatalogued"] == 1
    html = render_html(result, "en")
    assert "declared savings of" in html and 'id="measure-row-2"' in html


def test_declared_savings_close_to_measured_are_not_flagged():
    # the true saving, computed here from the generator with and without the measure
    steady = replace(synthetic.SiteModel(), freq="1h", it_start_kw=4300.0, it_end_kw=4300.0)
    without = synthetic.energy_table(replace(steady, measure_date=None))
    with_measure = synthetic.energy_table(steady)
    true = float(without.loc["2025", "cooling_energy_kwh"].sum()
                 - with_measure.loc["2025", "cooling_energy_kwh"].sum())
    result = _two_year_submission([
        {"row": 2, "technology": "AI cooling control", "adoption_date": "2025-01-01",
         "scope": "cooling", "declared_savings_kwh": round(true * 1.05)}])
    entry = result.savings["measures"][0]
    assert entry["method"] == "regression" and entry["kwh"] == pytest.approx(true, rel=0.05)
    assert abs(entry["kwh"] - true) <= entry["uncertainty"]["kwh_90"] * 2
    assert entry["declared_flag"] is False


def test_a_grown_load_leaves_no_verified_figure_and_the_declaration_unconfirmed():
    # the demo's IT load grows 3,900 -> 4,800 kW: most 2025 days lie above 2024's range, so
    # every measured method extrapolates; an inflated declaration is neither flagged nor passed
    result = _two_year_submission([
        {"row": 2, "technology": "AI制冷优化控制", "adoption_date": "2025-01-01",
         "scope": "cooling", "investment_cny": 1e6, "declared_savings_kwh": 2_000_000.0}],
        growing=True)
    ai = result.savings["measures"][0]
    assert ai["methods"]["load_outside_share"] > 0.5
    assert ai["method"] == "unverified" and ai["kwh"] is None
    assert ai["choice"]["code"] == "all_extrapolate"
    assert ai["payback_years"] is None and not ai.get("declared_flag")
    assert "declared_unverifiable" in {n["code"] for n in ai["note_codes"]}
    assert {"regression", "pue_normalised", "subsystem"} <= set(ai["methods"])
    html = render_html(result, "en")
    assert "No verified figure" in html and "cannot be confirmed by the meters" in html


def test_it_side_measure_is_worth_pue_at_the_meter():
    result = _two_year_submission([
        {"row": 2, "technology": "服务器虚拟化", "adoption_date": "2023-01-01", "scope": "it",
         "declared_savings_kwh": 100_000.0}])
    entry = result.savings["measures"][0]
    assert entry["method"] == "it_side"
    assert entry["kwh"] == pytest.approx(100_000 * result.metrics["pue"]["value"])


def test_path_to_target_lists_catalogued_measures():
    totals = {"dc_energy_kwh": 1_300_000.0, "it_energy_kwh": 1_000_000.0,
              "cooling_energy_kwh": 200_000.0}
    (path,) = savings.path_to_target(totals, 1.30, [{"pue": 1.20, "label": "grade 1"}], MONEY)
    assert path["kwh_to_cut"] == pytest.approx(100_000)
    assert path["reachable_at_high_end"] is True
    assert path["measures"][0]["technology"] == "air_side_economiser"
    assert path["cny"] == pytest.approx(10_000)
    assert savings.path_to_target(totals, 1.30, [{"pue": 1.35, "label": "x"}], MONEY) == []


def test_demo_shows_every_method(hourly_xlsx, tmp_path):
    result = assess(hourly_xlsx)
    data = json.loads(result.to_json())
    methods = {m["technology"]: m for m in data["savings"]["measures"]}
    ai = methods["AI制冷优化控制 AI cooling control"]
    containment = methods["冷通道封闭 Cold-aisle containment"]
    # the demo's IT load grows past the baseline's range on most reporting days: every measured
    # method extrapolates, each is shown, none is the headline (issue 15)
    assert ai["method"] == "unverified"
    assert ai["methods"]["regression"]["outside_baseline_share"] > 0.5
    assert {"regression", "pue_normalised", "subsystem"} <= set(ai["methods"])
    assert ai["methods"]["regression"]["stats"]["cv_rmse"] > 0
    assert ai["stats"] == ai["methods"]["regression"]["stats"]
    assert containment["method"] == "deemed" and containment["kwh"] is None
    assert containment["kwh_low"] == 0 and containment["kwh_high"] > 0
    assert data["savings"]["path_to_target"][0]["target"] == "gb40879-2021/grade-1"
    html = render_html(result, "zh")
    assert "回归基线" in html and "估算" in html and "达标路径" in html


def test_a_blank_temperature_cell_keeps_the_weather_model_and_is_counted():
    # Issue 15: one blank temperature cell used to drop the weather terms for the whole fit.
    model = replace(synthetic.SiteModel(), freq="1h", seed=7, measure_date="2025-01-01",
                    measure_saving=0.12, it_start_kw=3900.0, it_end_kw=4800.0)
    with_measure = synthetic.energy_table(model)
    without = synthetic.energy_table(replace(model, measure_date=None))
    true = (without.loc["2025", "cooling_energy_kwh"].sum()
            - with_measure.loc["2025", "cooling_energy_kwh"].sum())
    gapped = with_measure.copy()
    gapped.loc["2024-07-15 13:00", "outdoor_temp_degc"] = np.nan   # in the baseline
    gapped.loc["2025-03-02 09:00", "outdoor_temp_degc"] = np.nan   # in the reporting year
    window = (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01"))
    full = savings.measured_methods(aggregate.boundary_energy(with_measure, {}),
                                    pd.Timestamp("2025-01-01"), window, "hourly", "cooling")
    found = savings.measured_methods(aggregate.boundary_energy(gapped, {}),
                                     pd.Timestamp("2025-01-01"), window, "hourly", "cooling")
    regression = found["regression"]
    assert regression["changepoint_degc"] is not None          # weather terms kept
    assert regression["periods_without_temperature"] == {"baseline": 1, "reporting": 1}
    assert regression["stats"]["cv_rmse"] == pytest.approx(full["regression"]["stats"]["cv_rmse"],
                                                           rel=0.1)
    assert regression["kwh"] == pytest.approx(true, rel=0.05)


def test_no_payback_from_a_deemed_range_that_starts_at_zero():
    money = {"coal_kgce_per_kwh": 0.1229, "grid_kgco2_per_kwh": 0.5, "price": 0.5}
    entry = {"kwh": None, "kwh_low": 0.0, "kwh_high": 1_657_000.0, "investment_cny": 850_000}
    add_money(entry, money)
    assert entry["payback_years"] is None and entry["payback_withheld"]
    entry = {"kwh": None, "kwh_low": 400_000.0, "kwh_high": 1_600_000.0,
             "investment_cny": 500_000}
    add_money(entry, money)
    assert entry["payback_years"] == pytest.approx(500_000 / (1_000_000 * 0.5))


@pytest.mark.parametrize("p, dof, table", [(0.95, 5, 2.015), (0.95, 10, 1.812), (0.95, 30, 1.697),
                                           (0.975, 10, 2.228), (0.975, 20, 2.086)])
def test_t_quantile_matches_the_printed_table(p, dof, table):
    from greendc.savings.statistics import t_quantile

    assert t_quantile(p, dof) == pytest.approx(table, abs=1.5e-3)


def test_autocorrelated_residuals_widen_the_savings_uncertainty():
    from statistics import NormalDist

    from greendc.savings.statistics import lag1_autocorrelation, savings_uncertainty

    alternating = np.array([1.0, -1.0] * 50)
    assert lag1_autocorrelation(alternating) == pytest.approx(-0.99, abs=0.02)
    cv, n, m, f = 0.1, 365, 365, 0.1
    plain = savings_uncertainty(cv, n, m, f, 0.0, 0, 0.68)
    rho = 0.6
    n_eff = n * (1 - rho) / (1 + rho)                         # 91.25
    z = NormalDist().inv_cdf(0.84)
    expected_ratio = math.sqrt(n / n_eff * (1 + 2 / n_eff) / (1 + 2 / n))
    widened = savings_uncertainty(cv, n, m, f, rho, 0, 0.68)
    assert widened / plain == pytest.approx(expected_ratio, rel=0.01)   # t barely moves
    assert plain == pytest.approx(z * 1.26 * cv * math.sqrt((1 + 2 / n) / m) / f, rel=0.01)
    assert savings_uncertainty(cv, n, m, f, rho, 0, 0.90) > widened


def test_held_out_error_catches_what_in_sample_nmbe_cannot():
    from greendc.savings.statistics import cross_validated, fit_statistics

    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(120), rng.uniform(0, 10, 120)])
    y = 100 + 5 * x[:, 1] + rng.normal(0, 1, 120)
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    assert fit_statistics(y, x @ coefficients, 2)["nmbe"] == pytest.approx(0, abs=1e-12)
    blocks = np.repeat(np.arange(12), 10)
    # computed here by hand: fit on eleven blocks, predict the twelfth
    errors = []
    for b in range(12):
        held = blocks == b
        c, *_ = np.linalg.lstsq(x[~held], y[~held], rcond=None)
        errors.extend(y[held] - x[held] @ c)
    errors = np.array(errors)[np.argsort(np.concatenate([np.flatnonzero(blocks == b)
                                                         for b in range(12)]))]
    found = cross_validated(x, y, blocks)
    assert found["nmbe"] == pytest.approx(errors.mean() / y.mean())
    assert found["cv_rmse"] == pytest.approx(np.sqrt((errors ** 2).mean()) / y.mean())
    assert found["blocks"] == 12
    # a model that drifts: fine in sample, poor held out
    drift = y + np.linspace(0, 40, 120)
    c, *_ = np.linalg.lstsq(x, drift, rcond=None)
    in_sample = fit_statistics(drift, x @ c, 2)
    held_out = cross_validated(x, drift, blocks)
    assert abs(in_sample["nmbe"]) < 1e-12 and abs(held_out["nmbe"]) >= 0
    assert held_out["cv_rmse"] > in_sample["cv_rmse"]


def test_a_winter_baseline_leaves_no_weather_blind_figure_for_a_whole_year():
    # a measure adopted two months into the data: a January-February baseline (too short for a
    # regression) against the whole of 2025; the IT-load-normalised ratio would book the
    # summer's cooling as a loss (the audit saw -6.1 GWh against a true saving of +1.4 GWh)
    steady = replace(synthetic.SiteModel(), freq="1h", it_start_kw=4300.0, it_end_kw=4300.0,
                     measure_date="2024-03-01")
    energy = synthetic.energy_table(steady)
    sub = Submission.from_frame(energy, dict(synthetic.DEMO_FACILITY), name="winter")
    sub.measures = [{"row": 2, "technology": "AI制冷优化控制", "adoption_date": "2024-03-01",
                     "scope": "cooling", "declared_savings_kwh": 1_000_000.0}]
    entry = assess_submission(sub).savings["measures"][0]
    daily = energy["outdoor_temp_degc"].resample("D").mean()
    base, rep = daily.loc["2024-01":"2024-02"], daily.loc["2025"]
    outside = ((rep < base.min()) | (rep > base.max())).mean()
    assert outside > 0.5  # computed here from the two windows' temperatures
    assert entry["methods"]["weather_outside_share"] == pytest.approx(outside)
    assert entry["methods"]["pue_normalised"]["kwh"] < 0  # what would have been the headline
    assert entry["method"] == "unverified" and entry["kwh"] is None
    assert entry["choice"] == {"code": "weather_extrapolates", "share": pytest.approx(outside)}
    assert "declared_unverifiable" in {n["code"] for n in entry["note_codes"]}


def test_blank_temperature_cells_are_a_located_finding():
    steady = replace(synthetic.SiteModel(), freq="1h", it_start_kw=4300.0, it_end_kw=4300.0)
    energy = synthetic.energy_table(steady)
    blank = energy.index[(energy.index >= "2025-03-01") & (energy.index < "2025-03-03")]
    energy.loc[blank, "outdoor_temp_degc"] = np.nan  # 48 hourly cells left empty
    result = assess_submission(Submission.from_frame(energy, dict(synthetic.DEMO_FACILITY)))
    found = next(f for f in result.findings if f.code == "temperature_missing")
    assert found.severity == "info" and found.params["count"] == len(blank) == 48
    assert found.params["period"] == "2025-03-01"
