"""Metrics: golden numbers from DOMAIN.md section 6 and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greendc.metrics import aggregate, formulas


def test_pue_golden():
    # DOMAIN.md section 6: 950,000 kWh facility, 620,000 kWh IT -> PUE 1.5323, non-IT 34.7 %
    assert formulas.pue(950_000, 620_000) == pytest.approx(1.5323, abs=5e-5)
    assert pytest.approx(0.347, abs=5e-4) == 1 - 620_000 / 950_000


def test_pue_is_ratio_of_sums_not_mean_of_ratios():
    facility = np.array([150.0, 2600.0])
    it = np.array([100.0, 2000.0])
    assert formulas.pue(facility, it) == pytest.approx(2750 / 2100)
    assert formulas.pue(facility, it) != pytest.approx(np.mean(facility / it))


def test_pue_without_it_energy_is_nan():
    assert np.isnan(formulas.pue(100.0, 0.0))


def _frame(values):
    index = pd.date_range("2025-01-01", periods=len(values), freq="7D", name="period_start")
    it = np.array([v[0] for v in values])
    overhead = np.array([v[1] for v in values])
    return pd.DataFrame({"facility_energy_kwh": it * (1 + overhead), "it_energy_kwh": it},
                        index=index)


energies = st.lists(st.tuples(st.floats(1, 1e7), st.floats(0, 2)), min_size=2, max_size=60)


@settings(max_examples=200, deadline=None)
@given(energies)
def test_annual_pue_is_energy_weighted_mean_of_monthly(values):
    frame = _frame(values)
    monthly = aggregate.monthly(frame)
    annual = formulas.pue(frame["facility_energy_kwh"], frame["it_energy_kwh"])
    weighted = float((monthly["pue"] * monthly["it_energy_kwh"]).sum()
                     / monthly["it_energy_kwh"].sum())
    assert annual == pytest.approx(weighted, rel=1e-12)
    assert annual >= 1 - 1e-12


@settings(max_examples=200, deadline=None)
@given(energies, st.floats(1e-6, 1e6))
def test_scaling_all_energies_leaves_pue_unchanged(values, factor):
    frame = _frame(values)
    before = formulas.pue(frame["facility_energy_kwh"], frame["it_energy_kwh"])
    after = formulas.pue(frame["facility_energy_kwh"] * factor, frame["it_energy_kwh"] * factor)
    assert after == pytest.approx(before, rel=1e-12)


def test_monthly_leaves_out_incomplete_rows_from_both_sums():
    index = pd.date_range("2025-01-01", periods=3, freq="D", name="period_start")
    frame = pd.DataFrame({"facility_energy_kwh": [150.0, np.nan, 120.0],
                          "it_energy_kwh": [100.0, 100.0, 100.0]}, index=index)
    month = aggregate.monthly(frame).iloc[0]
    assert month["it_energy_kwh"] == 200.0
    assert month["pue"] == pytest.approx(270 / 200)
    assert month["periods"] == 2


def test_monthly_averages_temperatures():
    index = pd.date_range("2025-01-01", periods=2, freq="D", name="period_start")
    frame = pd.DataFrame({"facility_energy_kwh": [150.0, 150.0], "it_energy_kwh": [100.0, 100.0],
                          "outdoor_temp_degc": [-10.0, 0.0]}, index=index)
    assert aggregate.monthly(frame).iloc[0]["outdoor_temp_degc"] == -5.0


def test_functions_do_not_mutate_input():
    frame = _frame([(100.0, 0.3), (200.0, 0.5)])
    copy = frame.copy()
    aggregate.monthly(frame)
    aggregate.totals(frame)
    pd.testing.assert_frame_equal(frame, copy)


def test_a_month_without_data_stays_visible():
    index = pd.DatetimeIndex(["2025-01-01", "2025-03-01"], name="period_start")
    frame = pd.DataFrame({"facility_energy_kwh": [150.0, 130.0],
                          "it_energy_kwh": [100.0, 100.0]}, index=index)
    monthly = aggregate.monthly(frame)
    assert list(monthly.index.strftime("%Y-%m")) == ["2025-01", "2025-02", "2025-03"]
    assert monthly.loc["2025-02-01", "periods"] == 0
    assert np.isnan(monthly.loc["2025-02-01", "pue"])
