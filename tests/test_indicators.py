"""The metric suite: golden numbers (DOMAIN.md section 6), factor entries, invariants."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from greendc.assessment import assess, assess_submission
from greendc.cli import main
from greendc.errors import FactorError
from greendc.metrics import aggregate, formulas
from greendc.reading import Submission
from greendc.reference import factors
from greendc.reference.options import Options

DATA = Path(__file__).parent / "data"


# ---------------------------------------------------------------------------- golden numbers


def test_ere_golden():
    # DOMAIN.md section 6: 1,250,000 kWh facility, 820,000 kWh IT, 210,000 kWh reused
    assert formulas.ere(1_250_000, 210_000, 820_000) == pytest.approx(1.2683, abs=5e-5)
    assert formulas.pue(1_250_000, 820_000) == pytest.approx(1.5244, abs=5e-5)
    assert formulas.erf(210_000, 1_250_000) == pytest.approx(0.168)
    assert formulas.ere(1_250_000, 210_000, 820_000) == pytest.approx(
        formulas.pue(1_250_000, 820_000) * (1 - formulas.erf(210_000, 1_250_000)))


def test_dcie_is_100_over_pue():
    assert formulas.dcie(950_000, 620_000) == pytest.approx(100 / 1.532258, rel=1e-6)


def test_load_factors_add_up_to_pue():
    totals = {"dc_energy_kwh": 1500.0, "it_energy_kwh": 1000.0, "cooling_energy_kwh": 300.0,
              "power_loss_energy_kwh": 100.0}
    lf = formulas.load_factors(totals)
    assert lf["clf"] == 0.3 and lf["plf"] == 0.1 and np.isnan(lf["olf"])
    assert lf["unmetered"] == pytest.approx(0.1)
    assert 1 + lf["clf"] + lf["plf"] + lf["unmetered"] == pytest.approx(1.5)
    assert lf["ppue_cooling"] == pytest.approx(1.3)


def test_wue_ref_capped_utilisation_occupancy():
    assert formulas.wue(620.0, 620_000) == pytest.approx(1.0)  # 620 m3 over 620 MWh: 1 L/kWh
    assert formulas.ref(2_000_000, 1_000_000) == 1.0
    assert formulas.ref(250_000, 1_000_000) == 0.25
    assert formulas.it_utilisation(8_760_000, 8760, 2000) == pytest.approx(0.5)
    assert formulas.rack_occupancy(2450, 3200) == pytest.approx(0.765625)


def test_rm1_from_operating_points():
    # equal shares: RM1 is the ratio of the summed powers
    assert formulas.rm1([0.2] * 5, [120, 125, 130, 135, 140], [100] * 5) == pytest.approx(1.30)
    # a point with no hours does not count
    assert formulas.rm1([0.5, 0.5, 0, 0, 0], [110, 130, 999, 999, 999],
                       [100, 100, 1, 1, 1]) == pytest.approx(1.20)


def test_fuels_enter_the_boundary():
    index = pd.date_range("2025-01-01", periods=2, freq="MS", name="period_start")
    energy = pd.DataFrame({"facility_energy_kwh": [1000.0, 1000.0], "it_energy_kwh": [800.0, 800.0],
                           "diesel_l": [10.0, np.nan]}, index=index)
    kwh = {k: v["kwh_per_unit"] for k, v in factors.fuels().items()}
    out = aggregate.boundary_energy(energy, kwh)
    assert list(out["fuel_energy_kwh"]) == [99.0, 0.0]  # EN 50600-4-2: diesel 9.9 kWh/L
    assert list(out["dc_energy_kwh"]) == [1099.0, 1000.0]
    assert "dc_energy_kwh" not in energy  # input untouched


# ---------------------------------------------------------------------------- factor tables

# Every value in factors.toml, as DOMAIN.md sections 1-2 state it.
DOMAIN_GRID = {
    ("mee-nbs", "national", 2021): 0.5568,
    ("mee-nbs", "national", 2022): 0.5366,
    ("mee-nbs", "north_china", 2022): 0.6776,
    ("mee-nbs", "hebei", 2022): 0.7252,
    ("mee-nbs", "northwest", 2022): 0.5857,
    ("mee-nbs", "east_china", 2022): 0.5617,
    ("mee-nbs", "northeast", 2022): 0.5564,
    ("mee-nbs", "central_china", 2022): 0.5395,
    ("mee-nbs", "south", 2022): 0.3869,
    ("mee-nbs", "southwest", 2022): 0.2268,
    ("mee-nbs", "national", 2023): 0.5306,
    ("mee-nbs", "north_china", 2023): 0.6361,
    ("mee-nbs", "south", 2023): 0.4042,
    ("mee-nbs", "southwest", 2023): 0.2472,
    ("mee-nbs-residual", "national", 2021): 0.5942,  # reproductions of announcement 2024-12
    ("mee-nbs-residual", "national", 2022): 0.5856,  # reproductions of announcement 2024-33
    ("mee-nbs-residual", "national", 2023): 0.6096,
    ("carbon-market", "national", 2023): 0.5703,
    ("carbon-market", "national", 2024): 0.5703,
    ("carbon-market", "national", 2025): 0.5703,
}


def test_every_grid_factor_entry_matches_the_domain_reference():
    table = {(series, v["scope"], v["year"]): v["value"]
             for series, spec in factors.grid_series().items() for v in spec["values"]}
    assert table == DOMAIN_GRID
    for series, spec in factors.grid_series().items():
        assert spec["source"] and spec["unit"] == "kgCO2/kWh", series
        assert all(v["confidence"] in ("confirmed", "secondary") for v in spec["values"])


@pytest.mark.parametrize(("province", "year", "expected"), [
    ("河北省", 2022, ("hebei", 2022, 0.7252)),
    ("河北省", 2025, ("north_china", 2023, 0.6361)),   # latest year; most specific scope in it
    ("Hebei", 2023, ("north_china", 2023, 0.6361)),
    ("广东省", 2025, ("south", 2023, 0.4042)),
    ("浙江省", 2025, ("national", 2023, 0.5306)),     # no East China factor for 2023
    ("浙江省", 2022, ("east_china", 2022, 0.5617)),
    (None, 2024, ("national", 2023, 0.5306)),
    ("北京市", 2019, ("national", 2021, 0.5568)),     # before the series: its first year
])
def test_grid_factor_selection_rule(province, year, expected):
    factor = factors.grid_factor(province, year)
    assert (factor.scope, factor.year, factor.value) == expected


def test_grid_factor_choice_by_user():
    assert factors.grid_factor("河北", 2025, series="carbon-market").value == 0.5703
    assert factors.grid_factor("河北", 2025, scope="hebei").value == 0.7252
    assert factors.parse_grid_choice("0.6") == {"value": 0.6}
    with pytest.raises(FactorError, match="unknown grid factor series"):
        factors.grid_factor("河北", 2025, series="nope")
    with pytest.raises(FactorError, match="no value for scope"):
        factors.grid_factor("河北", 2025, scope="mars")
    with pytest.raises(FactorError, match="between 0 and 2"):
        factors.parse_grid_choice("5")


def test_coal_and_fuel_factors():
    assert factors.coal_equivalent().value == 0.1229  # GB/T 2589-2020
    # 860 kcal per kWh over 7,000 kcal per kgce, rounded as the standard gives it.  (3.6 MJ over
    # 29.3076 MJ is 0.12284: DOMAIN.md's parenthetical derivation rounds to 0.1228.)
    assert pytest.approx(0.1229, abs=5e-5) == 860 / 7000
    assert factors.fuels()["diesel_l"]["kwh_per_unit"] == 9.9
    assert factors.fuels()["natural_gas_m3"]["kwh_per_unit"] == 10.5
    # IPCC 2006 defaults per TJ, converted per kWh of fuel energy
    assert factors.fuels()["diesel_l"]["kgco2_per_kwh"] == pytest.approx(74_100 / 277_777.8,
                                                                          abs=1e-4)
    assert factors.fuels()["natural_gas_m3"]["kgco2_per_kwh"] == pytest.approx(
        56_100 / 277_777.8, abs=1e-4)


# ---------------------------------------------------------------------------- plausibility


def test_google_fleet_ttm_from_quarters_matches_published_annual_values():
    quarters = pd.read_csv(DATA / "google_fleet_quarterly_pue.csv")
    # equal IT energy each quarter: facility energy is PUE x IT
    it = pd.Series(1.0, index=quarters.index)
    ttm = aggregate.trailing_pue(quarters["PUE"] * it, it, 4)
    year_end = quarters["quarter"] == "Q4"
    published = {2022: 1.10, 2023: 1.10, 2024: 1.09}  # Google's fleet TTM PUE (SOURCE.md)
    for year, value in published.items():
        (position,) = np.flatnonzero(year_end & (quarters["year"] == year))
        assert abs(ttm.iloc[position] - value) <= 0.01, year
    assert ttm.iloc[:3].isna().all()  # no TTM before four quarters exist


# ---------------------------------------------------------------------------- on a submission


@pytest.fixture(scope="module")
def demo(hourly_xlsx):
    return assess(hourly_xlsx)


def test_demo_suite_is_consistent(demo):
    m = {k: v["value"] for k, v in demo.metrics.items()}
    e = demo.energy
    assert m["pue"] == pytest.approx(e["dc_kwh"] / e["it_kwh"])
    assert e["dc_kwh"] == pytest.approx(e["facility_kwh"] + e["diesel_l"] * 9.9)
    assert m["pue"] == pytest.approx(1 + m["clf"] + m["plf"] + m["olf"] + m["unmetered_share"])
    assert m["ttm_pue"] == pytest.approx(m["pue"])  # exactly one calendar year
    assert m["ere"] == pytest.approx(m["pue"] * (1 - m["erf"]))
    assert m["co2_t"] * 1000 / e["it_kwh"] == pytest.approx(m["cue_kgco2_per_kwh"])
    assert m["rack_occupancy"] == pytest.approx(2450 / 3200)
    assert m["energy_tce_equivalent"] == pytest.approx(e["dc_kwh"] * 0.1229 / 1000)
    assert demo.metrics["pue"]["basis"]["measurement_category"] == 1
    assert "M-101" in demo.metrics["pue"]["basis"]["measurement_category_source"]
    assert demo.metrics["co2_t"]["basis"]["grid_factor"]["scope"] == "north_china"
    assert m["rm1"] == pytest.approx(
        sum(s * p for s, p in zip([0.28, 0.24, 0.20, 0.16, 0.12],
                                  [5050, 5230, 5480, 5820, 6260], strict=True))
        / sum(s * p for s, p in zip([0.28, 0.24, 0.20, 0.16, 0.12],
                                    [4460, 4470, 4490, 4500, 4520], strict=True)))
    assert demo.metrics["gb40879_value"]["basis"]["route"] == "RM2"
    assert m["energy_tce_equal"] is None
    assert "coal-equal-value" in demo.metrics["energy_tce_equal"]["reason"]
    assert len(demo.to_dict()["daily"]) == 365


def test_all_grid_site_cue_is_pue_times_grid_factor():
    index = pd.date_range("2025-01-01", periods=12, freq="MS", name="period_start")
    sub = _submission(pd.DataFrame({"facility_energy_kwh": 950_000.0, "it_energy_kwh": 620_000.0},
                                   index=index), province="河北省")
    result = assess_submission(sub, Options(grid={"scope": "hebei"}))
    assert result.metrics["cue_kgco2_per_kwh"]["value"] == pytest.approx(
        result.metrics["pue"]["value"] * 0.7252)
    assert result.metrics["ref"]["value"] is None
    assert result.metrics["ref"]["reason"].startswith("no on-site renewable")
    assert result.metrics["wue_l_per_kwh"]["value"] is None
    assert result.metrics["clf"]["reason"] == "no cooling column"
    assert result.metrics["pue"]["basis"]["measurement_category"] is None


def test_equal_value_tce_when_the_coefficient_is_given():
    index = pd.date_range("2025-01-01", periods=12, freq="MS", name="period_start")
    sub = _submission(pd.DataFrame({"facility_energy_kwh": 1_000_000.0,
                                    "it_energy_kwh": 800_000.0}, index=index))
    result = assess_submission(sub, Options(coal_equal_value_kgce_per_kwh=0.3))
    assert result.metrics["energy_tce_equal"]["value"] == pytest.approx(12 * 300.0)
    assert result.metrics["energy_tce_equivalent"]["value"] == pytest.approx(12 * 122.9)


def test_short_year_is_provisional_everywhere():
    index = pd.date_range("2025-01-01", periods=6, freq="MS", name="period_start")
    sub = _submission(pd.DataFrame({"facility_energy_kwh": 1300.0, "it_energy_kwh": 1000.0},
                                   index=index))
    result = assess_submission(sub)
    for name in ("pue", "wue_l_per_kwh", "co2_t", "energy_tce_equivalent"):
        assert result.metrics[name]["basis"]["provisional"] is True, name
    assert "6 consecutive month(s)" in result.metrics["pue"]["basis"]["provisional_reason"]
    assert result.metrics["ttm_pue"]["value"] is None


def test_declared_category_conflict_is_a_warning():
    index = pd.date_range("2025-01-01", periods=12, freq="MS", name="period_start")
    sub = _submission(pd.DataFrame({"facility_energy_kwh": 1300.0, "it_energy_kwh": 1000.0},
                                   index=index), measurement_category="3")
    sub.meters = [{"row": 2, "meter_id": "M1", "role": "it_energy_kwh",
                   "measuring_point": "ups_output"}]
    result = assess_submission(sub)
    assert result.metrics["pue"]["basis"]["measurement_category"] == 3
    assert any(f.code == "category_conflict" for f in result.findings)


def test_incomplete_operating_points_are_reported():
    index = pd.date_range("2025-01-01", periods=12, freq="MS", name="period_start")
    sub = _submission(pd.DataFrame({"facility_energy_kwh": 1300.0, "it_energy_kwh": 1000.0},
                                   index=index))
    sub.operating_points = [{"point": p, "hours_share": 0.3, "total_power_kw": 130.0,
                             "it_power_kw": 100.0} for p in "abcd"]
    result = assess_submission(sub)
    assert result.metrics["rm1"]["value"] is None
    assert any(f.code == "rm1_points_incomplete" for f in result.findings)


def _submission(energy: pd.DataFrame, **facility) -> Submission:
    return Submission.from_frame(energy, facility, name="synthetic")


# ---------------------------------------------------------------------------- invariants

RATIOS = ("pue", "dcie", "ttm_pue", "clf", "plf", "olf", "ppue_cooling", "unmetered_share",
          "wue_l_per_kwh", "cue_kgco2_per_kwh", "cue_market_kgco2_per_kwh", "ref", "erf", "ere")

rows = st.lists(st.tuples(st.floats(1, 1e6), st.floats(0, 1), st.floats(0, 0.5),
                          st.floats(0, 0.2), st.floats(0, 5)), min_size=12, max_size=24)


def _site(values) -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=len(values), freq="MS", name="period_start")
    it = np.array([v[0] for v in values])
    cooling = it * np.array([v[1] for v in values])
    losses = it * np.array([v[2] for v in values])
    return pd.DataFrame({"facility_energy_kwh": it + cooling + losses, "it_energy_kwh": it,
                         "cooling_energy_kwh": cooling, "power_loss_energy_kwh": losses,
                         "reused_heat_kwh": it * np.array([v[3] for v in values]),
                         "onsite_renewable_kwh": it * np.array([v[3] for v in values]),
                         "water_m3": it * np.array([v[4] for v in values]) / 1000},
                        index=index)


@settings(max_examples=60, deadline=None)
@given(rows, st.floats(1e-3, 1e3))
def test_scaling_all_quantities_leaves_every_ratio_unchanged(values, factor):
    energy = _site(values)
    before = assess_submission(_submission(energy)).metrics
    after = assess_submission(_submission(energy * factor)).metrics
    for name in RATIOS:
        a, b = before[name]["value"], after[name]["value"]
        assert (a is None) == (b is None), name
        if a is not None:
            assert b == pytest.approx(a, rel=1e-9), name


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1e6)), min_size=1, max_size=24))
def test_pue_is_at_least_one_whenever_validation_passes(values):
    index = pd.date_range("2024-01-01", periods=len(values), freq="MS", name="period_start")
    energy = pd.DataFrame({"facility_energy_kwh": [v[0] for v in values],
                           "it_energy_kwh": [v[1] for v in values]}, index=index)
    result = assess_submission(_submission(energy))
    if result.ok and result.metrics["pue"]["value"] is not None:
        assert result.metrics["pue"]["value"] >= 1 - 1e-9  # validation.FLOAT_RTOL


def test_cli_json_prints_every_metric_with_unit_and_basis(hourly_xlsx):
    result = CliRunner().invoke(main, ["assess", str(hourly_xlsx), "--json", "-", "--no-report",
                                       "--coal-equal-value", "0.3"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    expected = {"pue", "dcie", "ppue_cooling", "clf", "plf", "wue_l_per_kwh",
                "cue_kgco2_per_kwh", "ref", "erf", "ere", "it_utilisation", "rack_occupancy",
                "energy_tce_equivalent", "energy_tce_equal", "co2_t", "ttm_pue", "rm1",
                "gb40879_value"}
    assert expected <= set(data["metrics"])
    for name, entry in data["metrics"].items():
        assert entry["value"] is not None, (name, entry.get("reason"))
        assert entry["unit"], name
        assert entry["basis"].get("method") or entry["basis"].get("route"), name


def test_cli_grid_factor_option(hourly_xlsx):
    result = CliRunner().invoke(main, ["assess", str(hourly_xlsx), "--json", "-", "--no-report",
                                       "--grid-factor", "mee-nbs:hebei:2022"])
    data = json.loads(result.stdout)
    assert data["metrics"]["co2_t"]["basis"]["grid_factor"]["value"] == 0.7252
    bad = CliRunner().invoke(main, ["assess", str(hourly_xlsx), "--grid-factor", "x:y:z:w"])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: --grid-factor")


def test_an_all_zero_it_column_is_a_clear_error():
    index = pd.date_range("2025-01-01", periods=12, freq="MS", name="period_start")
    sub = _submission(pd.DataFrame({"facility_energy_kwh": 100.0, "it_energy_kwh": 0.0},
                                   index=index))
    result = assess_submission(replace(sub))  # an all-zero IT column: a clear error
    assert not result.ok and [f.code for f in result.errors] == ["it_all_zero"]


@pytest.mark.parametrize("country, province, scope, note", [
    ("CN", None, "national", "grid_factor_national"),
    (None, "河北省", "north_china", None),  # 2023: North China; Hebei's own is 2022 only
    ("CN", "火星省", "national", "grid_factor_national_unknown_province"),
    ("DE", None, None, None),  # outside the series: no factor, CO2 needs --grid-factor
    (None, None, None, None),  # no location at all: China's factor would be a guess
])
def test_the_site_grid_factor_is_chosen_by_location(country, province, scope, note):
    factor, said = factors.site_grid_factor(country, province, 2025, {})
    assert (factor.scope if factor else None, said) == (scope, note)
    given, said = factors.site_grid_factor("DE", None, 2025, {"value": 0.4})
    assert (given.value, said) == (0.4, None)
