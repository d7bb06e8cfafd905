"""The enterprise path in one language at a time (issue: template to report without a stumble):
the smaller points, each with its own test."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from greendc import assess
from greendc.batch import BatchOptions, run_batch
from greendc.cli import main
from greendc.report.html import render_html

CORPUS = Path(__file__).parent / "data" / "corpus"


def test_template_hint_names_the_sheets_in_the_template_language(tmp_path):
    runner = CliRunner()
    zh = runner.invoke(main, ["template", "-o", str(tmp_path / "zh.xlsx")])
    en = runner.invoke(main, ["template", "-o", str(tmp_path / "en.xlsx"), "--lang", "en"])
    assert "“基本信息”" in zh.output and "Facility" not in zh.output
    assert "Facility, Energy" in en.output and "基本信息" not in en.output


def test_criteria_list_in_chinese():
    result = CliRunner().invoke(main, ["criteria", "list"])
    assert result.exit_code == 0
    assert "条规则" in result.output and "强制性国家标准" in result.output
    assert "rules  from" not in result.output


def test_an_unknown_unit_names_the_column_in_the_chosen_language(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("Period,Facility energy (kWh),IT energy (furlongs)\n2025-01,950,620\n",
                    encoding="utf-8")
    zh = CliRunner().invoke(main, ["assess", str(path)])
    assert zh.exit_code == 1 and "“IT设备用电量”的单位“furlongs”无法识别" in zh.stderr


def test_errors_csv_and_summary_speak_the_batch_language(tmp_path):
    box = tmp_path / "box"
    box.mkdir()
    for name in ("gj.csv", "not_a_workbook.xlsx"):
        (box / name).write_bytes((CORPUS / name).read_bytes())
    run_batch(box, tmp_path / "out", BatchOptions(jobs=1, lang="zh"))
    with open(tmp_path / "out" / "errors.csv", encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["文件", "sha256", "代码", "位置", "说明", "详细信息"]
    assert "不是 Excel 工作簿" in rows[1][4]
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "每个标签统计得出该结论的已评估数据中心数量" in html  # every pill says what it counts
    assert "有效" in html and "无效" in html


def test_criteria_empty_means_none_in_assess_and_batch(tmp_path):
    box = tmp_path / "box"
    box.mkdir()
    (box / "c.xlsx").write_bytes((CORPUS / "canonical_zh.xlsx").read_bytes())
    out = tmp_path / "out"
    batch = CliRunner().invoke(main, ["batch", str(box), "-o", str(out), "--criteria", "",
                                      "--jobs", "1"])
    assert batch.exit_code == 0, batch.output
    single = CliRunner().invoke(main, ["assess", str(box / "c.xlsx"), "--criteria", "",
                                       "--json", "-", "--no-report"])
    assert '"criteria": []' in single.stdout
    import json

    (record,) = [json.loads(p.read_text("utf-8")) for p in (out / "reports").glob("*.json")]
    assert record["criteria"] == []


def test_an_eligibility_report_without_a_location_says_what_to_add():
    result = assess(CORPUS / "gj.csv")  # a CSV carries no Facility sheet
    assert result.criteria == []
    zh = render_html(result, "zh", kind="eligibility")
    en = render_html(result, "en", kind="eligibility")
    assert "请在“基本信息”表中填写国家、省份和城市" in zh and "--criteria" in zh
    assert "fill in Country, Province and City on the Facility sheet" in en


def test_the_data_quality_level_never_wraps():
    result = assess(CORPUS / "gj.csv")
    html = render_html(result, "zh")
    assert 'class="sev-info nowrap"' in html or 'class="sev-warning nowrap"' in html
