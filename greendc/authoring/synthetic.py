"""Synthetic but realistic submissions: the demo facility, and test and benchmark data.

The model (all powers in kW, energies per interval = power x interval hours):

* **Outdoor temperature** [degC]: an annual cosine around ``temp_mean`` with amplitude
  ``temp_amplitude`` (coldest mid-January), a daily swing of ``temp_daily_swing`` peaking at
  15:00, and weather noise: a daily AR(1) anomaly (persistence 0.8) of standard deviation
  ``temp_noise``.  The defaults follow the climate of Zhangbei, Zhangjiakou (annual mean about
  4 degC, January about -12 degC, July about 20 degC).
* **Period**: two calendar years (2024 and 2025): the demo's reporting period is 2025 and 2024
  is the baseline year of its AI cooling-control retrofit (adopted 2025-01-01).
* **IT load**: ``it_start_kw`` growing linearly to ``it_end_kw`` over the period, a daily shape
  (+/- ``it_daily`` peaking at 15:00), ``it_weekend`` lower at weekends, and 1 % noise.
* **Cooling**: a fraction of IT power, ``cool_base`` plus ``cool_slope`` per degree above
  ``cool_free_below`` (free cooling below it), cut by ``measure_saving`` after
  ``measure_date`` (the demo's AI cooling-control retrofit).
* **Power-distribution losses**: ``loss_fixed_kw`` plus ``loss_share`` of IT power.
* **Lighting and other**: ``other_base_kw`` plus ``other_day_kw`` on weekday working hours.
* **On-site PV**: ``pv_kwp`` times a clear-sky day arc (longer days in summer) times a daily
  cloudiness factor.
* **Green electricity bought**: ``green_share`` of facility energy.
* **Reused heat**: ``heat_reuse_kw`` exported while the outdoor temperature is below 5 degC.
* **Water**: make-up water at 0.15 L/kWh of IT energy plus 0.05 L/kWh per degree above 5 degC.
* **Diesel**: a monthly one-hour generator test on the first Monday at 10:00, burning
  ``generator_test_l`` litres (with the test load carried by the generator, not the grid).

The generator is deterministic for a given seed.  Its parameters are test-data settings, not
reference data: nothing in an assessment depends on them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greendc.authoring.template import write_submission


@dataclass(frozen=True)
class SiteModel:
    start: str = "2024-01-01"
    end: str = "2026-01-01"
    freq: str = "15min"
    seed: int = 2025
    temp_mean: float = 4.0
    temp_amplitude: float = 16.0
    temp_daily_swing: float = 5.0
    temp_noise: float = 3.0
    it_start_kw: float = 3900.0
    it_end_kw: float = 4800.0
    it_daily: float = 0.05
    it_weekend: float = 0.04
    cool_base: float = 0.10
    cool_slope: float = 0.011
    cool_free_below: float = 0.0
    measure_date: str | None = "2025-01-01"
    measure_saving: float = 0.12
    loss_fixed_kw: float = 60.0
    loss_share: float = 0.045
    other_base_kw: float = 70.0
    other_day_kw: float = 30.0
    pv_kwp: float = 800.0
    green_share: float = 0.35
    heat_reuse_kw: float = 300.0
    generator_test_l: float = 260.0


def energy_table(model: SiteModel = SiteModel()) -> pd.DataFrame:
    """The Energy table of a synthetic facility: canonical columns, energy per interval."""
    rng = np.random.default_rng(model.seed)
    index = pd.date_range(model.start, model.end, freq=model.freq, inclusive="left",
                          name="period_start")
    hours = (index[1] - index[0]) / pd.Timedelta(hours=1)
    doy = index.day_of_year.to_numpy() + index.hour.to_numpy() / 24
    hour = index.hour.to_numpy() + index.minute.to_numpy() / 60
    weekend = index.day_of_week.to_numpy() >= 5
    days = (index.normalize() - index[0].normalize()).days.to_numpy()

    # daily weather anomaly, AR(1)
    n_days = days.max() + 1
    anomaly = np.empty(n_days)
    anomaly[0] = rng.normal(0, model.temp_noise)
    shocks = rng.normal(0, model.temp_noise * np.sqrt(1 - 0.8**2), n_days)
    for d in range(1, n_days):
        anomaly[d] = 0.8 * anomaly[d - 1] + shocks[d]
    temp = (model.temp_mean - model.temp_amplitude * np.cos(2 * np.pi * (doy - 15) / 365.25)
            + model.temp_daily_swing * np.sin(2 * np.pi * (hour - 9) / 24) + anomaly[days])

    growth = np.linspace(model.it_start_kw, model.it_end_kw, len(index))
    it_kw = growth * (1 + model.it_daily * np.sin(2 * np.pi * (hour - 9) / 24))
    it_kw *= np.where(weekend, 1 - model.it_weekend, 1.0)
    it_kw *= 1 + rng.normal(0, 0.01, len(index))

    cool_ratio = model.cool_base + model.cool_slope * np.clip(temp - model.cool_free_below, 0, None)
    if model.measure_date:
        cool_ratio = np.where(index >= pd.Timestamp(model.measure_date),
                              cool_ratio * (1 - model.measure_saving), cool_ratio)
    cooling_kw = it_kw * cool_ratio * (1 + rng.normal(0, 0.02, len(index)))
    loss_kw = model.loss_fixed_kw + model.loss_share * it_kw
    working = (~weekend) & (hour >= 8) & (hour < 19)
    other_kw = model.other_base_kw + model.other_day_kw * working
    facility_kw = it_kw + cooling_kw + loss_kw + other_kw

    day_length = 12 + 3 * np.sin(2 * np.pi * (doy - 80) / 365.25)
    sunrise = 12 - day_length / 2
    arc = np.clip(np.sin(np.pi * (hour - sunrise) / day_length), 0, None)
    clouds = rng.uniform(0.35, 1.0, n_days)[days]
    pv_kw = model.pv_kwp * arc * clouds * np.clip(day_length / 15, 0, 1)

    reuse_kw = np.where(temp < 5, model.heat_reuse_kw, 0.0)
    first_monday = (index.day_of_week == 0) & (index.day <= 7) & (index.hour == 10)
    diesel_l = np.where(first_monday, model.generator_test_l / max(1.0, 1 / hours), 0.0)
    water_l_per_kwh = 0.15 + 0.05 * np.clip(temp - 5, 0, None)

    frame = pd.DataFrame({
        "facility_energy_kwh": facility_kw * hours,
        "it_energy_kwh": it_kw * hours,
        "cooling_energy_kwh": cooling_kw * hours,
        "power_loss_energy_kwh": loss_kw * hours,
        "other_energy_kwh": other_kw * hours,
        "onsite_renewable_kwh": pv_kw * hours,
        "green_purchase_kwh": model.green_share * facility_kw * hours,
        "reused_heat_kwh": reuse_kw * hours,
        "water_m3": it_kw * hours * water_l_per_kwh / 1000,
        "diesel_l": diesel_l,
        "outdoor_temp_degc": temp,
    }, index=index)
    # Meters give whole watt-hours; keep the identity facility = sum of parts exact after rounding.
    frame = frame.round(3)
    parts = ["it_energy_kwh", "cooling_energy_kwh", "power_loss_energy_kwh", "other_energy_kwh"]
    frame["facility_energy_kwh"] = frame[parts].sum(axis=1).round(3)
    return frame


DEMO_FACILITY: dict[str, Any] = {
    "facility_name": "张北云谷数据中心（示例） Zhangbei Cloud Valley DC (demo)",
    "operator": "示例绿色数据科技有限公司 Example Green Data Co., Ltd. (fictional)",
    "credit_code": "91130722MA0DEMO001",
    "province": "河北省",
    "city": "张家口市",
    "address": "张家口市张北县（示例地址）",
    "status": "existing",
    "commissioning_date": "2021-09-01",
    "design_it_capacity_kw": 8000.0,
    "racks_installed": 3200,
    "racks_in_use": 2450,
    "cooling_type": "evaporative",
    "national_hub_node": True,
    "electricity_price_cny_per_kwh": 0.38,
    "declared_pue": 1.22,
    "reporting_period_start": "2025-01-01",
    "reporting_period_end": "2025-12-31",
}

DEMO_MEASURES = [
    {"technology": "AI制冷优化控制 AI cooling control", "adoption_date": "2025-01-01",
     "scope": "cooling", "investment_cny": 1_800_000.0, "declared_savings_kwh": 1_500_000.0,
     "evidence": "metered"},
    {"technology": "冷通道封闭 Cold-aisle containment", "adoption_date": "2023-04-01",
     "scope": "cooling", "investment_cny": 650_000.0, "declared_savings_kwh": 600_000.0,
     "evidence": "estimated"},
]

# GB 40879-2021 RM1 inputs: five characteristic operating points with the share of the year's
# hours in each temperature band (synthetic values for the demo's climate).
DEMO_OPERATING_POINTS = [
    {"point": "a", "hours_share": 0.28, "total_power_kw": 5050.0, "it_power_kw": 4460.0},
    {"point": "b", "hours_share": 0.24, "total_power_kw": 5230.0, "it_power_kw": 4470.0},
    {"point": "c", "hours_share": 0.20, "total_power_kw": 5480.0, "it_power_kw": 4490.0},
    {"point": "d", "hours_share": 0.16, "total_power_kw": 5820.0, "it_power_kw": 4500.0},
    {"point": "e", "hours_share": 0.12, "total_power_kw": 6260.0, "it_power_kw": 4520.0},
]

DEMO_METERS = [
    {"meter_id": "M-001", "role": "facility_energy_kwh", "measuring_point": "main_incomer",
     "accuracy_class": "0.5S", "calibration_date": "2024-11-15"},
    {"meter_id": "M-101", "role": "it_energy_kwh", "measuring_point": "ups_output",
     "accuracy_class": "0.5S", "calibration_date": "2024-11-15"},
    {"meter_id": "M-201", "role": "cooling_energy_kwh", "measuring_point": "subsystem_panel",
     "accuracy_class": "1", "calibration_date": "2024-11-15"},
    {"meter_id": "M-301", "role": "onsite_renewable_kwh", "measuring_point": "other",
     "accuracy_class": "0.5S", "calibration_date": "2024-11-15"},
]


def write_demo_submission(path: str | Path, *, freq: str = "15min", lang: str = "zh",
                          model: SiteModel | None = None) -> Path:
    """Write the demo facility's submission workbook (one year of ``freq`` data)."""
    model = replace(model or SiteModel(), freq=freq)
    energy = energy_table(model)
    return write_submission(path, facility=DEMO_FACILITY, energy=energy, measures=DEMO_MEASURES,
                            meters=DEMO_METERS, operating_points=DEMO_OPERATING_POINTS,
                            lang=lang)


def monthly_table(model: SiteModel = SiteModel()) -> pd.DataFrame:
    """The synthetic facility's data summed to calendar months (temperatures averaged)."""
    frame = energy_table(replace(model, freq="1h"))
    sums = frame.drop(columns="outdoor_temp_degc").resample("MS").sum()
    sums["outdoor_temp_degc"] = frame["outdoor_temp_degc"].resample("MS").mean()
    sums.index.name = "period_start"
    return sums
