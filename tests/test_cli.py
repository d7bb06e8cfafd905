"""The command line, driven through click's CliRunner: exit codes and exact messages."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from greendc import __version__
from greendc.cli import main


@pytest.fixture()
def runner():
    return CliRunner()


def test_help_lists_the_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("assess", "demo", "template"):
        assert command in result.output


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"greendc, version {__version__}"


def test_demo_writes_report_and_json(runner, tmp_path):
    out = tmp_path / "d"
    result = runner.invoke(main, ["demo", "--out", str(out), "--freq", "1h", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    pue = data["metrics"]["pue"]["value"]
    assert 1.1 < pue < 1.5
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"{pue:.3f}" in html
    assert f"PUE      {pue:.3f}" in result.output
    assert str(out / "report.html") in result.output


def test_assess_writes_report_and_json_file(runner, hourly_xlsx, tmp_path):
    report, result_json = tmp_path / "r.html", tmp_path / "r.json"
    result = runner.invoke(main, ["assess", str(hourly_xlsx), "-o", str(report),
                                  "--json", str(result_json)])
    assert result.exit_code == 0, result.output
    data = json.loads(result_json.read_text(encoding="utf-8"))
    assert data["input"]["name"] == "submission.xlsx"
    assert data["period"]["granularity"] == "hourly"
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_assess_json_to_stdout_is_pure_json(runner, hourly_xlsx, tmp_path):
    result = runner.invoke(main, ["assess", str(hourly_xlsx), "--json", "-", "--no-report"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"greendc_version", "input", "facility", "period", "energy", "metrics",
                         "monthly", "findings", "errors"}
    assert "PUE" in result.stderr  # the human summary goes to stderr


def test_assess_default_report_name(runner, hourly_xlsx, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["assess", str(hourly_xlsx)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "submission.report.html").exists()


def _one_error_line(result, *parts):
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for part in parts:
        assert part in lines[0]
    assert "Traceback" not in result.output


def test_not_a_workbook_is_one_error_line(runner, tmp_path):
    path = tmp_path / "site.xlsx"
    path.write_text("hello")
    result = runner.invoke(main, ["assess", str(path), "--lang", "en"])
    _one_error_line(result, "site.xlsx", "not an Excel workbook")


def test_empty_workbook_is_one_error_line(runner, tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    result = runner.invoke(main, ["assess", str(path), "--lang", "en"])
    _one_error_line(result, "empty.xlsx", "every sheet is empty")


def test_workbook_without_it_column_is_one_error_line(runner, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Energy"
    ws.append(["Period", "Facility energy (kWh)", "Cooling (kWh)"])
    for m in range(1, 13):
        ws.append([dt.datetime(2025, m, 1), 950.0, 100.0])
    path = tmp_path / "noit.xlsx"
    book.save(path)
    _one_error_line(runner.invoke(main, ["assess", str(path), "--lang", "en"]), "noit.xlsx",
                    "sheet Energy", "no column for IT energy")


def test_bad_cell_names_sheet_row_and_column(runner, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Energy"
    ws.append(["Period", "Facility energy (kWh)", "IT energy (kWh)"])
    for m in range(1, 13):
        ws.append([dt.datetime(2025, m, 1), 950.0, "N/A" if m == 13 - 1 else 620.0])
    path = tmp_path / "site.xlsx"
    book.save(path)
    result = runner.invoke(main, ["assess", str(path), "--lang", "en"])
    _one_error_line(result)
    assert result.stderr.strip() == (
        'Error: site.xlsx: sheet Energy, row 13, column "IT energy (kWh)": text "N/A" where a '
        "number is required (1 cell(s)); leave a missing reading empty")
    zh = runner.invoke(main, ["assess", str(path), "--lang", "zh"]).stderr.strip()
    assert zh.startswith("错误：site.xlsx: 工作表“Energy”，第 13 行，列“IT energy (kWh)”：")
    assert "Error" not in zh


def test_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["assess", str(tmp_path / "nope.xlsx"), "--lang", "en"])
    assert result.exit_code == 1
    assert "file not found" in result.stderr


def test_unknown_option_exits_2(runner):
    result = runner.invoke(main, ["assess", "--bogus"])
    assert result.exit_code == 2


def test_template_then_fill_then_assess(runner, tmp_path, monthly_energy):
    path = tmp_path / "template.xlsx"
    result = runner.invoke(main, ["template", "-o", str(path), "--year", "2025"])
    assert result.exit_code == 0, result.output

    # The blank template opens with pandas and has the canonical sheets.
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert {"基本信息", "能耗数据", "节能措施", "计量点"} <= set(sheets)
    assert len(sheets["能耗数据"]) == 12

    # A user fills it in (with openpyxl, as another program would) ...
    book = openpyxl.load_workbook(path)
    facility = book["基本信息"]
    for row in facility.iter_rows(min_row=2):
        if row[0].value.startswith("数据中心名称"):
            row[1].value = "测试数据中心"
        if row[0].value.startswith("建设状态"):
            row[1].value = "新建"
    energy = book["能耗数据"]
    headers = [c.value for c in energy[1]]
    fac = headers.index("数据中心总用电量 Facility total energy (kWh)") + 1
    it = headers.index("IT设备用电量 IT energy (kWh)") + 1
    for r, (_, row) in enumerate(monthly_energy.iterrows(), start=2):
        energy.cell(r, fac, row["facility_energy_kwh"])
        energy.cell(r, it, row["it_energy_kwh"])
    book.save(path)

    # ... and greendc accepts it back.
    result = runner.invoke(main, ["assess", str(path), "--json", "-", "--no-report"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["facility"]["facility_name"] == "测试数据中心"
    assert data["facility"]["status"] == "new"
    expected = monthly_energy["facility_energy_kwh"].sum() / monthly_energy["it_energy_kwh"].sum()
    assert data["metrics"]["pue"]["value"] == pytest.approx(expected, rel=1e-12)
    assert data["monthly"][0]["month"] == "2025-01"


@pytest.mark.parametrize("granularity", ["monthly", "hourly", "15min"])
def test_template_granularities(runner, tmp_path, granularity):
    path = tmp_path / f"{granularity}.xlsx"
    result = runner.invoke(main, ["template", "-o", str(path), "--granularity", granularity,
                                  "--lang", "en", "--year", "2024"])
    assert result.exit_code == 0, result.output
    frame = pd.read_excel(path, sheet_name="Energy", engine="calamine")
    rows = {"monthly": 12, "hourly": 8784, "15min": 35136}[granularity]
    assert len(frame) == rows
    assert frame.iloc[0, 0] == pd.Timestamp("2024-01-01")


def test_blank_template_is_refused_with_a_clear_error(runner, tmp_path):
    path = tmp_path / "blank.xlsx"
    runner.invoke(main, ["template", "-o", str(path)])
    result = runner.invoke(main, ["assess", str(path), "--lang", "en"])
    _one_error_line(result, "blank.xlsx", "no data rows")


def test_template_has_instructions_dropdowns_validation_and_comments(runner, tmp_path):
    path = tmp_path / "t.xlsx"
    assert runner.invoke(main, ["template", "-o", str(path), "--lang", "en"]).exit_code == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Instructions", "Facility", "Energy", "Measures", "Meters",
                               "Operating points"]
    energy = book["Energy"]
    assert energy.freeze_panes == "B2"
    assert all(cell.comment is not None for cell in energy[1] if cell.value)
    assert energy["B1"].value == "Facility total energy 数据中心总用电量 (kWh)"
    rules = energy.data_validations.dataValidation
    assert any(r.type == "decimal" and "B2" in str(r.sqref) for r in rules)
    facility = book["Facility"]
    lists = [r for r in facility.data_validations.dataValidation if r.type == "list"]
    status = next(r for r in lists if r.formula1 and "existing" in r.formula1)
    assert status.formula1 == '"new,existing,renovated"'
    assert all(facility.cell(r, 1).comment for r in range(2, facility.max_row + 1))
    measures = book["Measures"]
    assert any(r.type == "list" for r in measures.data_validations.dataValidation)


# ---------------------------------------------------------------------------- no traceback
# reaches a user


def test_an_unexpected_exception_is_one_line_that_says_bug_and_debug_shows_it(
        monthly_xlsx, monkeypatch):
    import greendc.assessment

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(greendc.assessment, "assess", broken)
    runner = CliRunner()
    result = runner.invoke(main, ["assess", str(monthly_xlsx), "--lang", "en"])
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "This is a bug in greendc" in lines[0]
    assert "ZeroDivisionError: a bug" in lines[0] and "Traceback" not in result.stderr
    debug = runner.invoke(main, ["--debug", "assess", str(monthly_xlsx)])
    assert debug.exit_code == 3 and "Traceback (most recent call last)" in debug.stderr


@pytest.mark.parametrize("option", ["-o", "--json", "--xlsx"])
def test_an_unwritable_output_path_is_one_error_line(monthly_xlsx, tmp_path, option):
    target = tmp_path / "no-such-folder" / "out.file"
    result = CliRunner().invoke(main, ["assess", str(monthly_xlsx), option, str(target)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and str(target) in lines[0]
    assert "Traceback" not in result.output


def test_validate_is_guarded_too(tmp_path):
    target = tmp_path / "no-such-folder" / "v.json"
    path = tmp_path / "m.csv"
    path.write_text("Period,Facility energy (kWh),IT energy (kWh)\n2025-01,950,620\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), "--json", str(target)])
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output


def test_the_error_line_is_in_the_chosen_language(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    zh = CliRunner().invoke(main, ["assess", str(path)])
    en = CliRunner().invoke(main, ["assess", str(path), "--lang", "en"])
    assert zh.exit_code == en.exit_code == 1
    assert "不是 Excel 工作簿" in zh.stderr and "not an Excel workbook" in en.stderr


def test_docs_are_shipped_and_printed():
    runner = CliRunner()
    listing = runner.invoke(main, ["docs"])
    assert listing.exit_code == 0
    for topic in ("submission-format", "result-schema", "architecture"):
        assert topic in listing.output
    shown = runner.invoke(main, ["docs", "result-schema"])
    assert shown.exit_code == 0 and "non_it_kwh" in shown.output
    missing = runner.invoke(main, ["docs", "nope"])
    assert missing.exit_code == 1 and "choose one of" in missing.stderr


def test_one_vocabulary_across_commands():
    runner = CliRunner()
    for command in ("assess", "validate", "batch", "template", "demo", "history"):
        text = runner.invoke(main, [command, "--help"]).output
        if command in ("assess", "template", "demo", "batch", "history"):
            assert "-o, --output" in text, command
        if command in ("assess", "validate"):
            assert "--json PATH|-" in text, command
        assert "Language of" in text, command
    for command in ("template", "demo"):
        text = runner.invoke(main, [command, "--help"]).output
        assert "--granularity" in text and "hourly" in text and "15min" in text
    top = runner.invoke(main, ["--help"]).output
    assert ".xlsx, .xlsm, .xls or .csv" in top
