"""Header recognition by meaning (issue 13): two corpora written by people who did not see the
vocabulary, unit tests of the parts, and the mapping that wins over recognition."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from greendc import InputError, Options, assess
from greendc.reading.recognise import MAPPING, MEANING, recognise, split_part
from greendc.reference.columns import role_named

DATA = Path(__file__).parent / "data"
CORPORA = ["header_corpus.csv", "header_corpus_holdout.csv"]


def _corpus(name: str) -> list[tuple[str, str | None]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return [(r["header"], None if r["role"] == "none" else role_named(r["role"]))
                for r in csv.DictReader(f)]


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_is_large_enough(name):
    rows = _corpus(name)
    assert sum(role is not None for _, role in rows) >= 200 or name.endswith("holdout.csv")
    assert sum(role is None for _, role in rows) >= 40
    assert all(role_named(r) for r in {"facility", "it", "period"})


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_recognised_with_no_wrong_assignment(name):
    rows = _corpus(name)
    wrong = [(h, want, got) for h, want in rows
             if (got := recognise(h).role) is not None and got != want]
    assert not wrong, wrong
    positives = [(h, want) for h, want in rows if want is not None]
    missed = [h for h, want in positives if recognise(h).role != want]
    assert 1 - len(missed) / len(positives) >= 0.98, missed


@pytest.mark.parametrize("header, role", [
    ("IT设备总用电量", "it_energy_kwh"),          # a specific role beats the word 总
    ("空调总用电量", "cooling_energy_kwh"),
    ("机柜空调用电", "cooling_energy_kwh"),       # 空调 (3) beats 机柜 (2)
    ("冷却塔补水量（m³）", "water_m3"),           # the unit rules out cooling energy
    ("Return water temperature", None),         # a temperature, never water
    ("Total facility power (kW)", None),        # kW by meaning: maybe a peak, not taken
    ("平均总功率（kW）", "facility_energy_kwh"),   # ... unless it says mean
    ("UPS输入电量", None),
    ("功率因数", None), ("IT负载率(%)", None), ("机柜数", None), ("最大需量(kW)", None),
    # a bare renewable column is read as purchased (it then lowers no location-based CO2);
    # generation says so
    ("可再生能源(kWh)", "green_purchase_kwh"), ("Renewable energy (MWh)", "green_purchase_kwh"),
    ("可再生能源发电量（kWh）", "onsite_renewable_kwh"),
    ("Onsite renewable generation", "onsite_renewable_kwh"),
])
def test_recognition_cases(header, role):
    assert recognise(header).role == role


def test_meter_numbers_are_parts():
    assert split_part("1#进线电量") == ("进线电量", "1#")
    assert split_part("UPS2 output") == ("ups output", "2")
    assert split_part("B楼IT用电量")[1] == "b楼"
    assert split_part("10kV进线电量")[1] is None  # a voltage is no meter number
    found = recognise("Facility meter M1 reading")
    assert (found.role, found.part, found.register, found.how) == (
        "facility_energy_kwh", "m1", True, MEANING)


def _sheet(path: Path, header: list[str], rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


MONTHS = [dt.datetime(2025, m, 1) for m in range(1, 13)]


def test_column_mapping_by_letter_and_header_wins(tmp_path):
    fac = [1000.0 + m for m in range(12)]
    it = [700.0 + m for m in range(12)]
    path = _sheet(tmp_path / "m.xlsx", ["Month", "Hall 3 feed (kWh)", "Bay load (kWh)"],
                  [[d, f, i] for d, f, i in zip(MONTHS, fac, it, strict=True)])
    with pytest.raises(InputError) as caught:
        assess(path)
    text = str(caught.value)
    assert caught.value.code == "no_energy_table"
    assert '"Hall 3 feed (kWh)"' in text and '--column facility=' in text
    result = assess(path, Options(columns=(("facility", "B"), ("it", "Bay load (kWh)")))).to_dict()
    assert result["energy"]["facility_kwh"] == pytest.approx(sum(fac))
    assert result["metrics"]["pue"]["value"] == pytest.approx(sum(fac) / sum(it))
    assert result["input"]["columns"]["facility_energy_kwh"]["recognised_by"] == MAPPING


def test_mapping_beats_a_wrong_reading_by_meaning(tmp_path):
    # the operator's "Server load" is in truth the building total: the mapping says so
    fac = [1000.0] * 12
    it = [800.0] * 12
    path = _sheet(tmp_path / "w.xlsx", ["Month", "Server load (kWh)", "IT (kWh)"],
                  [[d, f, i] for d, f, i in zip(MONTHS, fac, it, strict=True)])
    result = assess(path, Options(columns=(("facility", "Server load (kWh)"),))).to_dict()
    assert result["energy"]["it_kwh"] == pytest.approx(sum(it))
    assert result["metrics"]["pue"]["value"] == pytest.approx(1.25)


def test_values_decide_when_meaning_swapped_the_roles(tmp_path):
    # both read by meaning, and the column read as IT is the larger one in every month
    path = _sheet(tmp_path / "v.xlsx", ["月份", "服务器用电量(kWh)", "全站用电量(kWh)"],
                  [[d, 1300.0, 1000.0] for d in MONTHS])
    result = assess(path).to_dict()
    (decided,) = [f for f in result["findings"] if f["code"] == "values_decided"]
    assert decided["severity"] == "warning"
    assert result["metrics"]["pue"]["value"] == pytest.approx(1.3)
    assert result["input"]["columns"]["facility_energy_kwh"]["header"] == "服务器用电量(kWh)"
    # a known name is not overruled: the error stands
    path = _sheet(tmp_path / "k.xlsx", ["月份", "IT设备用电量(kWh)", "总用电量(kWh)"],
                  [[d, 1300.0, 1000.0] for d in MONTHS])
    result = assess(path)
    assert not result.ok and "it_above_facility" in {f.code for f in result.findings}


def test_unknown_role_in_mapping_is_one_clear_error():
    with pytest.raises(Exception, match="unknown role 'server'"):
        Options(columns=(("server", "B"),)).column_mapping()


# --- the command line: --column, --year, inspect, and the inbox's mapping file -------------

def _months_workbook(path: Path, title: str | None, sheet: str = "Sheet") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(["月份", "Hall feed (kWh)", "IT负载电量（kWh）"])
    for m in range(1, 13):
        ws.append([f"{m}月", 1200.0, 1000.0])
    book.save(path)
    return path


def test_cli_year_and_column_options(tmp_path):
    from click.testing import CliRunner

    from greendc.cli import main

    path = _months_workbook(tmp_path / "y.xlsx", None)
    runner = CliRunner()
    out = runner.invoke(main, ["assess", str(path), "--no-report", "--lang", "en"])
    assert out.exit_code == 1 and "--year 2025" in out.output and out.output.count("\n") == 1
    out = runner.invoke(main, ["assess", str(path), "--no-report", "--lang", "en",
                               "--year", "2024"])
    # no facility column is recognised ("Hall feed"): the error says how to name it
    assert out.exit_code == 1 and "--column facility=" in out.output
    assert out.output.count("\n") == 1 and "Traceback" not in out.output
    out = runner.invoke(main, ["assess", str(path), "--no-report", "--lang", "zh", "--json", "-",
                               "--column", "facility=B", "--year", "2024"])
    assert out.exit_code == 0, out.output
    import json

    data = json.loads(out.stdout)
    assert data["period"]["start"] == "2024-01-01" and data["period"]["end"] == "2024-12-31"
    assert data["metrics"]["pue"]["value"] == pytest.approx(1.2)
    (year,) = [f for f in data["findings"] if f["code"] == "year_inferred"]
    assert year["params"]["origin"] == "option"
    out = runner.invoke(main, ["assess", str(path), "--column", "server=B"])
    assert out.exit_code == 2 and "unknown role 'server'" in out.output


def test_cli_inspect_text_and_json(tmp_path):
    import json

    from click.testing import CliRunner

    from greendc.cli import main

    path = _months_workbook(tmp_path / "i.xlsx", "2023年度数据中心用电统计")
    runner = CliRunner()
    args = ["inspect", str(path), "--column", "facility=Hall feed (kWh)"]
    out = runner.invoke(main, [*args, "--json", "-"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["period"] == {"start": "2023-01-01", "end": "2023-12-31",
                              "granularity": "monthly", "rows": 12}
    assert data["columns"]["facility_energy_kwh"]["recognised_by"] == "mapping"
    assert data["columns"]["it_energy_kwh"]["recognised_by"] == "meaning"
    assert {f["code"] for f in data["inferences"]} >= {"role_from_meaning", "year_inferred"}
    zh = runner.invoke(main, [*args, "--lang", "zh"]).output
    en = runner.invoke(main, [*args, "--lang", "en"]).output
    assert "取自表格标题" in zh and "IT设备用电量 ← “IT负载电量（kWh）”" in zh
    assert "taken from the table's title" in en and "IT energy <-" in en
    for word in ("monthly", "meaning", "header", "recognised"):
        assert word not in zh


def test_batch_reads_the_inbox_mapping_file(tmp_path):
    from greendc.batch import BatchOptions, run_batch

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _months_workbook(inbox / "a.xlsx", "2025年能耗")
    _months_workbook(inbox / "b.xlsx", None)
    (inbox / "greendc-columns.toml").write_text(
        '[columns]\nfacility = "B"\n[files."b.xlsx"]\nyear = 2024\n', encoding="utf-8")
    result = run_batch(inbox, tmp_path / "out", BatchOptions(jobs=1, lang="en"))
    status = {r["name"]: r["status"] for r in result.records}
    assert status == {"a.xlsx": "valid", "b.xlsx": "valid"}  # the mapping file is no submission
    import json

    starts = {r["name"]: json.loads((tmp_path / "out" / "reports" / r["report"])
                                    .with_suffix(".json").read_text(encoding="utf-8")
                                    )["period"]["start"] for r in result.records}
    assert starts == {"a.xlsx": "2025-01-01", "b.xlsx": "2024-01-01"}


def test_multiplier_column_refuses_instead_of_reading_low(tmp_path):
    # 关口表倍率 = 200: the readings must be multiplied; greendc says so rather than guess
    readings = [[dt.datetime(2025, m, 1), 5000.0 + 100 * m, 200, 400000.0 + 15000 * m]
                for m in range(1, 13)]
    path = _sheet(tmp_path / "x.xlsx", ["抄表日期", "关口表表码（kWh）", "关口表倍率",
                                        "UPS输出表码（kWh）"], readings)
    result = assess(path)
    assert not result.ok
    codes = {f.code for f in result.findings if f.severity == "error"}
    assert "multiplier_not_applied" in codes and "values_decided" not in {
        f.code for f in result.findings}  # a swap to PUE 150 is never made


def test_repeated_column_option_sums_meters_without_numbers(tmp_path):
    rows = [[d, 600.0, 500.0, 800.0] for d in MONTHS]
    path = _sheet(tmp_path / "ab.xlsx", ["日期", "A路（kWh）", "B路（kWh）", "机房（kWh）"], rows)
    options = Options(columns=(("facility", "B"), ("facility", "C"), ("it", "D")))
    data = assess(path, options).to_dict()
    assert data["energy"]["facility_kwh"] == pytest.approx(1100.0 * 12)
    assert data["metrics"]["pue"]["value"] == pytest.approx(1100 / 800)
    parts = data["input"]["columns"]["facility_energy_kwh"]["parts"]
    assert [p["column"] for p in parts] == ["B", "C"]


def test_average_and_maximum_rows_under_the_table_are_not_data(tmp_path):
    rows = [[f"2025-{m:02d}", 1300.0 + m, 1000.0] for m in range(1, 13)]
    rows += [["合计", sum(1300.0 + m for m in range(1, 13)), 12000.0], ["平均", 1306.5, 1000.0],
             ["最大值", 1312.0, 1000.0]]
    data = assess(_sheet(tmp_path / "s.xlsx", ["月份", "总用电量(kWh)", "IT用电量(kWh)"],
                         rows)).to_dict()
    assert data["energy"]["facility_kwh"] == pytest.approx(sum(1300.0 + m for m in range(1, 13)))
    codes = [f["code"] for f in data["findings"]]
    assert codes.count("summary_row_excluded") == 2 and "totals_mismatch" not in codes


def test_readings_without_a_register_word_are_not_read_as_energy(tmp_path):
    # a BMS export of midnight readings whose header has no register word greendc knows
    days = [dt.datetime(2025, 1, 1) + dt.timedelta(days=d) for d in range(60)]
    fac = [5_000_000.0 + 40_000.0 * d + (d % 7) * 100 for d in range(60)]
    it = [3_000_000.0 + 33_000.0 * d for d in range(60)]
    path = _sheet(tmp_path / "r.xlsx", ["Date", "Site meter (kWh)", "IT meter (kWh)"],
                  [[d, f, i] for d, f, i in zip(days, fac, it, strict=True)])
    result = assess(path)
    assert not result.ok
    assert {f.code for f in result.findings if f.severity == "error"} == {"looks_cumulative"}


def test_unit_after_a_space_and_validate_speaks_the_language(tmp_path):
    from click.testing import CliRunner

    from greendc.cli import main

    text = "Timestamp,Utility Feed A kWh,Utility Feed B kWh,IT Load kWh\n" + "".join(
        f"2025-01-{d:02d},{600 + d % 5},{650},{1000 - d % 3}\n" for d in range(1, 29))
    path = tmp_path / "dcim.csv"
    path.write_text(text, encoding="utf-8")
    data = assess(path).to_dict()
    assert data["energy"]["facility_kwh"] == pytest.approx(sum(1250 + d % 5 for d in range(1, 29)))
    assert data["input"]["columns"]["facility_energy_kwh"]["unit"] == "kWh"
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,总用电量,IT用电量\n2025-01,1,1\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["validate", str(bad), "--lang", "zh"])
    assert "表头未注明单位" in out.output and "the header gives no unit" not in out.output


def test_periods_as_columns_with_a_building_group_column(tmp_path):
    """A栋/B栋 merged down over their rows, left of the quantities: two meters per role."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["楼栋", "项目", "单位", *[f"{m}月" for m in range(1, 13)], "全年合计"])
    values = {("A栋", "总用电量"): 500.0, ("A栋", "IT用电量"): 400.0,
              ("B栋", "总用电量"): 300.0, ("B栋", "IT用电量"): 200.0}
    for (building, item), v in values.items():
        ws.append([building if item == "总用电量" else None, item, "kWh", *[v] * 12, v * 12])
    ws.merge_cells("A2:A3")
    ws.merge_cells("A4:A5")
    ws.title = "2025年汇总"
    book.save(tmp_path / "g.xlsx")
    data = assess(tmp_path / "g.xlsx").to_dict()
    assert data["energy"]["facility_kwh"] == pytest.approx(800.0 * 12)
    assert data["metrics"]["pue"]["value"] == pytest.approx(800 / 600)
    parts = data["input"]["columns"]["it_energy_kwh"]["parts"]
    assert [p["header"] for p in parts] == ["A栋 IT用电量", "B栋 IT用电量"]
    assert [p["row"] for p in parts] == [3, 5]


def test_a_header_recognised_by_the_unit_written_under_it(tmp_path):
    # 可再生能源 alone names no quantity; with (MWh) in the units row it is energy, read as the
    # header 可再生能源(MWh) is (purchased green power), not refused as unknown
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年能耗统计"])
    ws.append(["月份", "总用电量", "IT设备用电量", "可再生能源"])
    ws.append(["单位", "(kWh)", "(kWh)", "(MWh)"])
    facility = [1_200_000 + 10_000 * m for m in range(12)]
    it = [1_000_000 + 5_000 * m for m in range(12)]
    green = [250 + m for m in range(12)]  # MWh
    for m in range(12):
        ws.append([f"2025-{m + 1:02d}", facility[m], it[m], green[m]])
    path = tmp_path / "units_below.xlsx"
    wb.save(path)
    result = assess(path)
    assert "unrecognised_column" not in {f.code for f in result.findings}
    source = result.submission.columns["green_purchase_kwh"]
    assert (source.header, source.unit) == ("可再生能源", "MWh")
    assert result.metrics["ref"]["value"] == pytest.approx(sum(green) * 1000 / sum(facility))
