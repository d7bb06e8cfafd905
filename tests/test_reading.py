"""Reading submissions: the canonical workbook, CSV tables and the errors for bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from greendc import InputError, read_submission
from greendc.assessment import assess
from greendc.authoring import synthetic


def test_canonical_workbook_round_trip(hourly_xlsx, hourly_energy):
    sub = read_submission(hourly_xlsx)
    assert sub.file_type == "xlsx"
    assert sub.granularity == "hourly"
    assert len(sub.energy) == 17544  # 2024 (a leap year) and 2025
    for column in ("facility_energy_kwh", "it_energy_kwh", "water_m3", "outdoor_temp_degc"):
        np.testing.assert_allclose(sub.energy[column].to_numpy(),
                                   hourly_energy[column].to_numpy(), rtol=1e-12)
    assert sub.rows[0] == 2 and sub.rows[-1] == 17545
    assert sub.facility["city"] == "张家口市"
    assert sub.facility["status"] == "existing"
    assert sub.facility["national_hub_node"] is True
    assert sub.facility["racks_in_use"] == 2450
    assert sub.facility["commissioning_date"] == "2021-09-01"
    assert [m["scope"] for m in sub.measures] == ["cooling", "cooling"]
    assert sub.meters[1]["measuring_point"] == "ups_output"
    assert sub.meters[1]["role"] == "it_energy_kwh"


def test_english_workbook_reads_the_same(monthly_xlsx, monthly_energy):
    sub = read_submission(monthly_xlsx)
    assert sub.granularity == "monthly"
    assert sub.energy_sheet == "Energy"
    np.testing.assert_allclose(sub.energy["it_energy_kwh"], monthly_energy["it_energy_kwh"])
    assert sub.facility["cooling_type"] == "evaporative"


def _messy_workbook(path, rows, header, title=True, sheet="电量"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    start = 1
    if title:
        ws["B1"] = "2025年度数据中心能耗统计表"
        ws.merge_cells("B1:E1")
        ws["B2"] = "填报单位：某某公司"
        start = 4
    for c, text in enumerate(header, start=2):
        ws.cell(start, c, text)
    for r, row in enumerate(rows, start=start + 1):
        for c, value in enumerate(row, start=2):
            ws.cell(r, c, value)
    book.save(path)
    return path


def test_header_below_title_rows_and_units_in_chinese(tmp_path):
    rows = [(f"2025年{m}月", 95.0 + m, 62.0 + m / 2) for m in range(1, 13)]
    path = _messy_workbook(tmp_path / "messy.xlsx", rows,
                           ["月份", "总耗电量（万千瓦时）", "IT能耗（万千瓦时）"])
    sub = read_submission(path)
    assert sub.energy_sheet == "电量"
    assert sub.granularity == "monthly"
    assert sub.columns["it_energy_kwh"].letter == "D"
    assert sub.rows[0] == 5
    assert sub.energy["facility_energy_kwh"].iloc[0] == pytest.approx(96.0e4)
    assert sub.energy.index[0] == pd.Timestamp("2025-01-01")


def test_text_in_number_cell_is_located(tmp_path):
    rows = [(dt.datetime(2025, m, 1), 950.0, 620.0) for m in range(1, 13)]
    rows[4] = (dt.datetime(2025, 5, 1), 950.0, "N/A")
    path = _messy_workbook(tmp_path / "na.xlsx", rows,
                           ["Period", "Total facility energy (MWh)", "IT energy (MWh)"])
    result = assess(path)
    assert not result.ok
    (error,) = result.errors
    assert error.code == "text_in_number"
    assert error.place.sheet == "电量" and error.place.row == 9
    assert error.place.column == "IT energy (MWh)"
    assert str(result.error()) == (
        'na.xlsx: sheet 电量, row 9, column "IT energy (MWh)": text "N/A" where a number is '
        "required (1 cell(s)); leave a missing reading empty")


def test_every_problem_is_reported_at_once(tmp_path):
    rows = [(dt.datetime(2025, m, 1), 950.0, 620.0) for m in range(1, 13)]
    rows[1] = (dt.datetime(2025, 2, 1), -5.0, 620.0)
    rows[2] = (dt.datetime(2025, 3, 1), 500.0, 620.0)
    rows[3] = (dt.datetime(2025, 4, 1), "未抄", 620.0)
    path = _messy_workbook(tmp_path / "many.xlsx", rows,
                           ["Period", "Facility energy (kWh)", "IT energy (kWh)"], title=False)
    codes = {f.code for f in assess(path).errors}
    assert codes == {"text_in_number", "negative_value", "it_above_facility"}


@pytest.mark.parametrize(("encoding", "sep"), [("utf-8-sig", ","), ("gb18030", ";"),
                                               ("utf-8", "\t")])
def test_csv_energy_table(tmp_path, monthly_energy, encoding, sep):
    frame = monthly_energy[["facility_energy_kwh", "it_energy_kwh"]] / 1000
    frame.index = frame.index.strftime("%Y-%m")
    path = tmp_path / "site.csv"
    text = frame.to_csv(sep=sep, header=["总用电量 (MWh)", "IT设备用电量 (MWh)"],
                        index_label="月份")
    path.write_bytes(text.encode(encoding))
    sub = read_submission(path)
    assert sub.file_type == "csv"
    assert sub.rows[0] == 2
    np.testing.assert_allclose(sub.energy["it_energy_kwh"], monthly_energy["it_energy_kwh"])


def test_csv_same_pue_in_any_energy_unit(tmp_path, monthly_energy):
    pues = []
    for unit, factor in (("kWh", 1), ("MWh", 1e-3), ("万kWh", 1e-4), ("GJ", 3.6e-3)):
        frame = monthly_energy[["facility_energy_kwh", "it_energy_kwh"]] * factor
        path = tmp_path / f"site-{unit}.csv"
        frame.to_csv(path, header=[f"Facility energy ({unit})", f"IT energy ({unit})"],
                     index_label="Period", float_format="%.17g")
        pues.append(assess(path).metrics["pue"]["value"])
    assert max(pues) == pytest.approx(min(pues), rel=1e-9)


def _expect_input_error(path, code, text):
    with pytest.raises(InputError) as info:
        read_submission(path)
    assert info.value.code == code
    assert text in str(info.value)
    assert str(info.value).startswith(path.name + ":")


def test_not_a_workbook(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_text("this is not a workbook")
    _expect_input_error(path, "not_a_workbook", "not an Excel workbook")


def test_corrupt_zip(tmp_path, monthly_xlsx):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(monthly_xlsx.read_bytes()[:2000])
    _expect_input_error(path, "not_a_workbook", "not a readable Excel workbook")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    _expect_input_error(path, "empty_file", "empty")


def test_empty_workbook(tmp_path):
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    _expect_input_error(path, "empty_workbook", "every sheet is empty")


def test_missing_it_column(tmp_path):
    rows = [(dt.datetime(2025, m, 1), 950.0, 120.0) for m in range(1, 13)]
    path = _messy_workbook(tmp_path / "noit.xlsx", rows,
                           ["Period", "Facility energy (kWh)", "Cooling (kWh)"])
    _expect_input_error(path, "missing_column", "no column for IT energy")


def test_missing_unit(tmp_path):
    rows = [(dt.datetime(2025, m, 1), 950.0, 620.0) for m in range(1, 13)]
    path = _messy_workbook(tmp_path / "nounit.xlsx", rows,
                           ["Period", "Facility energy", "IT energy (kWh)"])
    _expect_input_error(path, "missing_unit", 'column "Facility energy"')


def test_unknown_unit(tmp_path):
    rows = [(dt.datetime(2025, m, 1), 950.0, 620.0) for m in range(1, 13)]
    path = _messy_workbook(tmp_path / "btu.xlsx", rows,
                           ["Period", "Facility energy (BTU)", "IT energy (kWh)"])
    _expect_input_error(path, "unknown_unit", 'unknown unit "BTU"')


def test_power_column_is_integrated_over_each_period(tmp_path):
    rows = [(dt.datetime(2025, m, 1), 950.0, 620.0) for m in range(1, 13)]
    path = _messy_workbook(tmp_path / "kw.xlsx", rows,
                           ["Period", "Facility power (kW)", "IT energy (kWh)"])
    sub = read_submission(path)
    assert sub.columns["facility_energy_kwh"].holds == "power"
    assert sub.energy["facility_energy_kwh"].iloc[1] == 950.0 * 28 * 24  # February 2025
    assert any(f.code == "power_integrated" for f in sub.findings)


def test_two_columns_for_one_quantity(tmp_path):
    rows = [(dt.datetime(2025, m, 1), 950.0, 620.0, 600.0) for m in range(1, 13)]
    path = _messy_workbook(tmp_path / "dup.xlsx", rows,
                           ["Period", "Facility energy (kWh)", "IT energy (kWh)", "UPS输出 (kWh)"])
    _expect_input_error(path, "duplicate_column", "several columns mean the same quantity")


def test_unknown_columns_are_reported_not_dropped_silently(tmp_path):
    rows = [(dt.datetime(2025, m, 1), 950.0, 620.0, 3.0, 1.0) for m in range(1, 13)]
    path = _messy_workbook(tmp_path / "extra.xlsx", rows,
                           ["Period", "Facility energy (kWh)", "IT energy (kWh)", "Chiller COP",
                            "Hall 3 feed"])
    sub = read_submission(path)
    (unknown,) = [f for f in sub.findings if f.code == "unrecognised_column"]
    assert unknown.place.column == "Hall 3 feed" and unknown.severity == "warning"
    (ruled_out,) = [f for f in sub.findings if f.code == "column_not_energy"]
    assert ruled_out.place.column == "Chiller COP" and ruled_out.params["word"] == "cop"


def test_damaged_xls_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    _expect_input_error(path, "not_a_workbook", "save it as .xlsx")


def test_missing_file(tmp_path):
    _expect_input_error(tmp_path / "nowhere.xlsx", "not_found", "file not found")


def test_demo_generator_is_deterministic(hourly_model):
    a = synthetic.energy_table(hourly_model)
    b = synthetic.energy_table(hourly_model)
    pd.testing.assert_frame_equal(a, b)
    parts = a[["it_energy_kwh", "cooling_energy_kwh", "power_loss_energy_kwh",
               "other_energy_kwh"]].sum(axis=1)
    np.testing.assert_allclose(a["facility_energy_kwh"], parts, rtol=1e-12)


@pytest.mark.parametrize(
    ("stamps", "expected"),
    [
        (["2025-01-01", "2025-02-01", "2025-04-01"], "monthly"),  # a month missing
        (["2025-03-01"], "monthly"),
        (["2025-01-31", "2025-02-28", "2025-03-31"], "monthly"),  # month ends
        (["2025-01-01 00:00", "2025-01-01 00:15", "2025-01-01 00:30", "2025-01-01 02:00"],
         "15min"),
        (["2025-01-01", "2025-01-02", "2025-01-03"], "daily"),
        (["2025-01-01 00:00", "2025-01-01 00:07", "2025-01-01 00:30"], "irregular"),
    ],
)
def test_infer_granularity(stamps, expected):
    from greendc.reading import infer_granularity

    assert infer_granularity(pd.DatetimeIndex(stamps))[0] == expected


def test_monthly_gap_is_reported_with_its_range(tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("月份,总用电量(万千瓦时),IT设备用电量(万千瓦时)\n"
                    "2025-01,95,62\n2025-02,90,60\n2025-04,80,55\n", encoding="utf-8")
    result = assess(path)
    assert result.ok
    assert result.period["granularity"] == "monthly"
    assert result.period["coverage"] == pytest.approx(0.75)
    (gap,) = [f for f in result.findings if f.code == "gaps"]
    assert gap.message("en").endswith("missing: 2025-03")
    assert result.metrics["pue"]["basis"]["provisional"] is True


def test_csv_na_text_is_an_error_not_a_silent_gap(tmp_path):
    path = tmp_path / "na.csv"
    path.write_text("Period,Facility energy (kWh),IT energy (kWh)\n2025-01,950,620\n"
                    "2025-02,900,N/A\n", encoding="utf-8")
    result = assess(path)
    (error,) = result.errors
    assert error.code == "text_in_number" and error.place.row == 3


def test_user_aliases_extend_the_table(tmp_path):
    from greendc import Options, reference
    from greendc.errors import ConfigError

    path = tmp_path / "de.csv"
    path.write_text("Zeit,Gesamtverbrauch (kWh),Serverlast (kWh)\n2025-01,950,620\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="no energy table found"):
        read_submission(path)
    aliases = tmp_path / "de.toml"
    aliases.write_text('[facility_energy_kwh]\naliases = ["Gesamtverbrauch"]\n'
                       '[it_energy_kwh]\naliases = ["Serverlast"]\n'
                       '[period_start]\naliases = ["Zeit"]\n', encoding="utf-8")
    options = Options(aliases=reference.read_alias_file(aliases))
    assert read_submission(path, options).energy["it_energy_kwh"].iloc[0] == 620.0
    with pytest.raises(InputError, match="no energy table found"):  # nothing left behind
        read_submission(path)
    clash = tmp_path / "clash.toml"
    clash.write_text('[it_energy_kwh]\naliases = ["总用电量"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="given for both"):
        reference.read_alias_file(clash)
    with pytest.raises(ConfigError, match="is not a column"):
        unknown = tmp_path / "unknown.toml"
        unknown.write_text('[server_kwh]\naliases = ["x"]\n', encoding="utf-8")
        reference.read_alias_file(unknown)


# ---------------------------------------------------------------------------- the same data,
# written every way an operator might, gives the same PUE

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_months = st.lists(st.tuples(st.floats(1e3, 1e7), st.floats(0.0, 1.0)), min_size=12,
                   max_size=12)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_months)
def test_same_pue_in_every_unit_and_as_power_or_registers(tmp_path, values):
    it = np.array([v[0] for v in values])
    fac = it * (1 + np.array([v[1] for v in values]))
    starts = pd.date_range("2025-01-01", periods=12, freq="MS")
    hours = starts.days_in_month.to_numpy() * 24.0
    reference_pue = fac.sum() / it.sum()
    shapes = {
        "kWh": (fac, it, "Facility energy (kWh)", "IT energy (kWh)", starts),
        "MWh": (fac / 1e3, it / 1e3, "Facility energy (MWh)", "IT energy (MWh)", starts),
        "wan": (fac / 1e4, it / 1e4, "总用电量 (万kWh)", "IT能耗 (万kWh)", starts),
        "GJ": (fac * 0.0036, it * 0.0036, "Facility energy (GJ)", "IT energy (GJ)", starts),
        "kW": (fac / hours, it / hours, "Facility power (kW)", "IT power (kW)", starts),
        "register": (np.r_[5e6, 5e6 + np.cumsum(fac)], np.r_[3e6, 3e6 + np.cumsum(it)],
                     "总进线表底 (kWh)", "UPS输出读数 (kWh)",
                     pd.date_range("2024-12-01", periods=13, freq="MS")),
    }
    for name, (a, b, head_a, head_b, periods) in shapes.items():
        path = tmp_path / f"{name}.csv"
        frame = pd.DataFrame({head_a: a, head_b: b}, index=periods.strftime("%Y-%m"))
        frame.to_csv(path, index_label="Period", float_format="%.17g")
        result = assess(path)
        assert result.ok, (name, [f.describe() for f in result.errors])
        assert result.metrics["pue"]["value"] == pytest.approx(reference_pue, rel=1e-9), name


@pytest.mark.parametrize("text", ["NaN", "NaT", "2025年13月", "32.01.2025", "2025-02-30"])
def test_an_impossible_facility_date_is_no_date_not_a_crash(text, tmp_path):
    """Found by the fuzz run: 'NaN' in a date field became NaT and crashed the period check."""


    from greendc.reading.tables import to_timestamp
    from greendc.validation import check_file

    assert to_timestamp(text) is None
    path = tmp_path / "site.xlsx"
    path.write_bytes((Path(__file__).parent / "data" / "corpus" / "canonical_en.xlsx")
                     .read_bytes())
    book = openpyxl.load_workbook(path)
    sheet = book["Facility"]
    for row in sheet.iter_rows(min_row=2):
        if str(row[0].value).startswith("Reporting period start"):
            row[1].value = text
    book.save(path)
    check = check_file(path)  # never raises
    assert any(text in f.message("en") for f in check.findings), [f.code for f in check.findings]
