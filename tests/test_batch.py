"""Batch mode: every input accounted for once, restarts, registry, outputs."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from greendc.batch import BatchOptions, history, run_batch, safe_name
from greendc.cli import main

CORPUS = Path(__file__).parent / "data" / "corpus"
GOOD = ["canonical_zh.xlsx", "gj.csv", "legacy.xls", "months_cn.csv", "split_by_meter.xlsx"]
BAD = {"not_a_workbook.xlsx": "not_a_workbook", "empty.xlsx": "empty_workbook",
       "missing_it.xlsx": "missing_column", "it_above_total.csv": "it_above_facility"}


@pytest.fixture()
def inbox(tmp_path):
    box = tmp_path / "inbox"
    (box / "round-1").mkdir(parents=True)
    for name in GOOD:
        (box / name).write_bytes((CORPUS / name).read_bytes())
    for name in BAD:
        (box / "round-1" / name).write_bytes((CORPUS / name).read_bytes())
    (box / "corrupt.xlsx").write_bytes((CORPUS / "canonical_en.xlsx").read_bytes()[:3000])
    with zipfile.ZipFile(box / "bundle.zip", "w") as archive:
        archive.write(CORPUS / "daily.xlsx", "daily.xlsx")
        archive.write(CORPUS / "totals_row.xlsx", "folder/totals_row.xlsx")
        archive.writestr("../../escape.csv", "Period,Facility energy (kWh),IT energy (kWh)\n")
        archive.writestr("inner.zip", b"PK\x05\x06" + b"\0" * 18)
    (box / "notes.docx").write_bytes(b"not a submission")
    (box / "copy of gj.csv").write_bytes((CORPUS / "gj.csv").read_bytes())
    return box


def _summary_rows(out: Path) -> list[tuple]:
    book = openpyxl.load_workbook(out / "summary.xlsx")
    return list(book["summary"].iter_rows(min_row=2, values_only=True))


def test_mixed_batch_accounts_for_every_file(inbox, tmp_path):
    out = tmp_path / "out"
    result = run_batch(inbox, out, BatchOptions(jobs=2, lang="en"))
    names = [r["name"] for r in result.records]
    expected = {*GOOD, *(f"round-1/{n}" for n in BAD), "corrupt.xlsx", "bundle.zip!daily.xlsx",
                "bundle.zip!folder/totals_row.xlsx", "bundle.zip!../../escape.csv",
                "bundle.zip!inner.zip", "notes.docx", "copy of gj.csv"}
    assert sorted(names) == sorted(expected)  # each once
    rows = _summary_rows(out)
    assert sorted(r[0] for r in rows) == sorted(expected)
    status = {r["name"]: r["status"] for r in result.records}
    assert all(status[n] == "valid" for n in GOOD)
    assert status["bundle.zip!daily.xlsx"] == "valid"
    with open(out / "errors.csv", encoding="utf-8-sig") as stream:
        errors = list(csv.DictReader(stream))
    invalid = {n for n, s in status.items() if s == "invalid"}
    assert {e["file"] for e in errors} == invalid
    codes = {e["file"]: e["code"] for e in errors}
    for name, code in BAD.items():
        assert codes[f"round-1/{name}"] == code
    assert codes["corrupt.xlsx"] == "not_a_workbook"
    assert codes["bundle.zip!../../escape.csv"] == "not_a_submission"  # zip slip refused
    assert not (tmp_path / "escape.csv").exists() and not (out / "escape.csv").exists()
    record = {r["name"]: r for r in result.records}
    assert {"kind": "same_content", "names": ["copy of gj.csv"]} in record["gj.csv"]["flags"]
    for r in result.records:
        if r["status"] == "valid":
            assert (out / "reports" / r["report"]).exists()
            assert (out / "reports" / r["json"]).exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="reports/{r["report"]}"' in index for r in result.records if r["report"])


class Stop(Exception):
    pass


def test_killed_batch_resumes_without_duplicates(inbox, tmp_path):
    out = tmp_path / "out"

    def stop_after_four(done, total, valid, invalid, seconds):
        if done >= 4:
            raise Stop

    with pytest.raises(Stop):
        run_batch(inbox, out, BatchOptions(jobs=1), stop_after_four)
    db = sqlite3.connect(out / "greendc.sqlite")
    (finished,) = db.execute("SELECT COUNT(*) FROM results WHERE run_id = 1 AND sha256 != ''"
                             ).fetchone()
    assert finished >= 2
    result = run_batch(inbox, out, BatchOptions(jobs=1))
    names = [r["name"] for r in result.records]
    assert len(names) == len(set(names))
    assert result.skipped == finished  # what the killed run finished is not redone
    assert len(_summary_rows(out)) == len(names)
    counts = db.execute("SELECT run_id, COUNT(*), COUNT(DISTINCT name) FROM results "
                        "GROUP BY run_id").fetchall()
    assert counts[-1][1] == counts[-1][2] == len(names)
    again = run_batch(inbox, out, BatchOptions(jobs=1))
    assert again.skipped == sum(1 for r in again.records if r["sha256"])
    forced = run_batch(inbox, out, BatchOptions(jobs=1, force=True))
    assert forced.skipped == 0


def test_history_and_cli(inbox, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["batch", str(inbox), "--out", str(out), "--jobs", "2",
                                  "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout and "invalid" in result.stdout
    rows = history(out / "greendc.sqlite", "张北")
    assert rows and all("张北" in r["facility"] for r in rows)
    shown = runner.invoke(main, ["history", "张北", "--db", str(out / "greendc.sqlite")])
    assert shown.exit_code == 0 and "canonical_zh.xlsx" in shown.output
    missing = runner.invoke(main, ["batch", str(tmp_path / "nowhere"), "--out", str(out)])
    assert missing.exit_code == 2


def test_same_facility_twice_is_flagged(tmp_path):
    box = tmp_path / "box"
    box.mkdir()
    (box / "a.xlsx").write_bytes((CORPUS / "canonical_zh.xlsx").read_bytes())
    (box / "b.xlsx").write_bytes((CORPUS / "canonical_en.xlsx").read_bytes())
    result = run_batch(box, tmp_path / "out", BatchOptions(jobs=1))
    for r in result.records:
        assert any(f["kind"] == "same_facility" for f in r["flags"]), r["flags"]


@pytest.mark.parametrize(("name", "expected"), [
    ("a/b/c.xlsx", "a_b_c.xlsx-0123456789"),
    ("../../etc/passwd", "etc_passwd-0123456789"),
    ("CON.xlsx", "_CON.xlsx-0123456789"),
    ("张北 数据.xlsx", "张北_数据.xlsx-0123456789"),
    ("x.zip!in/side.csv", "x.zip_in_side.csv-0123456789"),
])
def test_safe_names(name, expected):
    assert safe_name(name, "0123456789abcdef") == expected


def test_summary_is_safe_from_formula_injection(tmp_path):
    box = tmp_path / "box"
    box.mkdir()
    (box / "=cmd.csv").write_bytes((CORPUS / "gj.csv").read_bytes())
    out = tmp_path / "out"
    run_batch(box, out, BatchOptions(jobs=1))
    book = openpyxl.load_workbook(out / "summary.xlsx")
    cell = book["summary"]["A2"]
    assert cell.data_type == "s" and cell.value == "'=cmd.csv"
    assert json.loads((out / "reports" / next(
        p.name for p in (out / "reports").glob("*.json"))).read_text(encoding="utf-8"))


def test_worker_crash_and_time_limit_lose_nothing(inbox, tmp_path, monkeypatch):
    import os
    import time

    from greendc.batch import run as batch

    real = batch._work

    def flaky(task):
        name = task[0].name
        if name == "gj.csv":
            os._exit(3)  # a crash in native code kills the worker without a word
        if name == "months_cn.csv":
            time.sleep(30)  # a file that hangs
        return real(task)

    monkeypatch.setattr(batch, "_work", flaky)  # fork: the workers inherit the patch
    out = tmp_path / "out"
    result = run_batch(inbox, out, BatchOptions(jobs=2, timeout=2))
    names = [r["name"] for r in result.records]
    assert len(names) == len(set(names)) == len(_summary_rows(out))
    by_name = {r["name"]: r for r in result.records}
    assert by_name["gj.csv"]["errors"][0]["code"] == "worker_crashed"
    assert by_name["months_cn.csv"]["errors"][0]["code"] == "time_limit"
    assert by_name["legacy.xls"]["status"] == "valid"  # the batch went on
    monkeypatch.setattr(batch, "_work", real)
    again = run_batch(inbox, out, BatchOptions(jobs=2))
    assert {r["name"]: r["status"] for r in again.records}["gj.csv"] == "valid"


def test_two_batches_share_one_registry(inbox, tmp_path):
    import subprocess
    import sys

    db = tmp_path / "shared.sqlite"
    runs = [subprocess.Popen([sys.executable, "-m", "greendc.cli", "batch", str(inbox), "--out",
                              str(tmp_path / f"out{i}"), "--db", str(db), "--jobs", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in (1, 2)]
    for run in runs:
        _, err = run.communicate(timeout=240)
        assert run.returncode == 0, err.decode()
    connection = sqlite3.connect(db)
    per_run = connection.execute("SELECT run_id, COUNT(*), COUNT(DISTINCT name) FROM results "
                                 "GROUP BY run_id").fetchall()
    assert len(per_run) == 2
    assert per_run[0][1] == per_run[0][2] == per_run[1][1] == per_run[1][2]
    for i in (1, 2):
        assert len(_summary_rows(tmp_path / f"out{i}")) == per_run[0][1]


def test_a_worker_is_memory_bounded(inbox, tmp_path, monkeypatch):
    from greendc.batch import run as batch

    real = batch._work

    def greedy(task):
        if task[0].name == "gj.csv":
            bytearray(64 * 2**30)  # far beyond the worker's ceiling: refused, not swapped in
        return real(task)

    monkeypatch.setattr(batch, "_work", greedy)
    result = run_batch(inbox, tmp_path / "out", BatchOptions(jobs=2))
    by_name = {r["name"]: r for r in result.records}
    assert by_name["gj.csv"]["status"] == "invalid"
    assert by_name["gj.csv"]["errors"][0]["code"] == "worker_crashed"
    assert by_name["legacy.xls"]["status"] == "valid"


def test_a_new_aliases_file_reassesses_what_it_affects(tmp_path):
    """A file that failed for want of a column name is assessed again once an --aliases file
    names its columns; an unchanged rerun under the same options reuses every result."""
    box = tmp_path / "inbox"
    box.mkdir()
    (box / "gj.csv").write_bytes((CORPUS / "gj.csv").read_bytes())
    (box / "de.csv").write_text("Zeit,Gesamtverbrauch (kWh),Serverlast (kWh)\n"
                                "2025-01,950,620\n2025-02,900,600\n", encoding="utf-8")
    aliases = tmp_path / "de.toml"
    aliases.write_text('[facility_energy_kwh]\naliases = ["Gesamtverbrauch"]\n'
                       '[it_energy_kwh]\naliases = ["Serverlast"]\n'
                       '[period_start]\naliases = ["Zeit"]\n', encoding="utf-8")
    out = tmp_path / "out"

    def run(*extra: str) -> dict[str, dict]:
        result = CliRunner().invoke(main, ["batch", str(box), "--out", str(out), "--jobs", "1",
                                           "--lang", "en", *extra])
        assert result.exit_code == 0, result.output
        return {r[0]: r for r in _summary_rows(out)}

    first = run()
    assert first["de.csv"][5] == "invalid" and first["gj.csv"][5] == "valid"  # --lang en
    second = run("--aliases", str(aliases))
    assert second["de.csv"][5] == "valid"  # reassessed under the new names: 1550 / 1220
    assert second["de.csv"][6] == pytest.approx(1850 / 1220)
    connection = sqlite3.connect(out / "greendc.sqlite")

    def reused(run_id: int) -> list:
        return [json.loads(r[0]).get("reused") for r in connection.execute(
            "SELECT record FROM results WHERE run_id = ? ORDER BY name", (run_id,))]

    assert reused(2) == [None, None]  # new options: every file assessed again, none reused
    run("--aliases", str(aliases))
    assert reused(3) == [True, True]  # unchanged files under unchanged options: reused


def test_batch_pdf_writes_a_pdf_beside_each_report(tmp_path):
    pytest.importorskip("weasyprint")
    box = tmp_path / "box"
    box.mkdir()
    (box / "gj.csv").write_bytes((CORPUS / "gj.csv").read_bytes())
    result = run_batch(box, tmp_path / "out", BatchOptions(jobs=1, lang="en", pdf=True))
    (record,) = result.records
    assert record["status"] == "valid", record["errors"]
    assert (tmp_path / "out" / "reports" / record["pdf"]).read_bytes()[:5] == b"%PDF-"


def test_a_python_exception_is_recorded_as_a_bug_with_its_traceback(tmp_path, monkeypatch,
                                                                     capfd):
    """A report that fails to render is an internal error of greendc, recorded with its
    traceback in errors.csv and batch.log, never a 'native crash' and never on the terminal."""
    from greendc.batch import run as batch_run

    def broken(*args, **kwargs):
        raise TypeError("unsupported format string passed to NoneType.__format__")

    monkeypatch.setattr(batch_run, "render_html", broken)  # fork: the workers inherit it
    box = tmp_path / "box"
    box.mkdir()
    (box / "gj.csv").write_bytes((CORPUS / "gj.csv").read_bytes())
    out = tmp_path / "out"
    result = run_batch(box, out, BatchOptions(jobs=1, lang="en"))
    (record,) = result.records
    error = record["errors"][0]
    assert error["code"] == "internal_error" and "bug in greendc" in error["message"]
    assert "Traceback" in error["detail"] and "TypeError" in error["detail"]
    with open(out / "errors.csv", encoding="utf-8-sig") as stream:
        (row,) = list(csv.DictReader(stream))
    assert "Traceback" in row["detail"]
    assert "TypeError" in (out / "batch.log").read_text(encoding="utf-8")
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_history_lists_an_unchanged_rerun_once_and_finds_the_last_batch_folder(
        tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    box = tmp_path / "box"
    box.mkdir()
    (box / "canonical_zh.xlsx").write_bytes((CORPUS / "canonical_zh.xlsx").read_bytes())
    runner = CliRunner()
    for _ in range(2):  # the second run reuses the unchanged file
        assert runner.invoke(main, ["batch", str(box), "-o", "out", "--jobs", "1"]).exit_code == 0
    shown = runner.invoke(main, ["history", "张北", "--lang", "en"])  # no --output: the last one
    assert shown.exit_code == 0, shown.output
    assert len([line for line in shown.output.splitlines() if "canonical_zh.xlsx" in line]) == 1
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    unknown = runner.invoke(main, ["history", "张北", "--lang", "en"])
    assert unknown.exit_code == 1 and "--output" in unknown.stderr


def _operator_book(path: Path, city: str, months: int, pue: float) -> None:
    """A monthly workbook as an operator types it: a facility sheet in Chinese, 12 or fewer
    months, one PUE for every month."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "能耗数据"
    sheet.append(["月份", "总用电量(kWh)", "IT设备用电量(kWh)"])
    for m in range(1, months + 1):
        it = 1_000_000 + 10_000 * m  # not a stuck meter
        sheet.append([f"2025-{m:02d}", round(it * pue), it])
    facility = book.create_sheet("基本信息")
    for row in (("数据中心名称", f"{city} DC"), ("国家", "中国"), ("省份", "河北省"),
                ("城市", city), ("投运日期", "2019-05-01"), ("建设状态", "既有"), ("机架数", 3200),
                ("在用机架数", 2500), ("制冷方式", "水冷冷机")):
        facility.append(list(row))
    book.save(path)


def test_overview_marks_provisional_pues_and_shows_only_limits_a_facility_was_judged_by(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    _operator_book(box / "a.xlsx", "保定", 12, 1.25)
    _operator_book(box / "b.xlsx", "保定市", 7, 1.28)  # a partial year: provisional
    result = run_batch(box, tmp_path / "out", BatchOptions(jobs=1, lang="en"))
    by_name = {r["name"]: r for r in result.records}
    assert by_name["b.xlsx"]["provisional"] and not by_name["a.xlsx"]["provisional"]
    rows = {r[0]: r for r in _summary_rows(tmp_path / "out")}
    flags = rows["b.xlsx"][-3]  # ... flags, problems, report
    assert "PUE provisional" in flags and "PUE provisional" not in (rows["a.xlsx"][-3] or "")
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert page.count(">provisional</small>") == 1
    # the legend: limits some facility was judged by; no EnEfG, whose packs did not apply
    assert "de-enefg" not in page and "1.3 cn-green-dc-2025" in page
    assert "1.5 gb40879-2021" in page  # GB 40879's limit value, labelled by its pack
    assert "保定</span>: 2" in page  # 保定 and 保定市 are one city
