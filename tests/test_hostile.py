"""The fault corpus: every hostile or broken input ends in a located, plain-language error or
finding; no traceback, no hang, bounded memory; a batch of them loses nothing.

The corpus is written by tests/make_hostile.py; expected.json records each file's outcome.
"""

from __future__ import annotations

import json
import resource
import shutil
import time
from pathlib import Path

import pytest

from greendc.batch import BatchOptions, run_batch
from greendc.validation import check_file

HOSTILE = Path(__file__).parent / "data" / "hostile"
CORPUS = Path(__file__).parent / "data" / "corpus"
EXPECTED = json.loads((HOSTILE / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(n for n, e in EXPECTED.items() if not e.get("batch_only"))
SECONDS_PER_FILE = 20  # far above any file here; a hang would blow through it


def test_corpus_has_forty_distinct_faults():
    assert len(EXPECTED) >= 40
    assert len({e["fault"] for e in EXPECTED.values()}) == len(EXPECTED)
    assert {p.name for p in HOSTILE.iterdir()} - {"expected.json"} == set(EXPECTED)


@pytest.mark.parametrize("name", FILES)
def test_fault_ends_in_a_located_plain_error_or_finding(name):
    expected = EXPECTED[name]
    start = time.perf_counter()
    check = check_file(HOSTILE / name)  # any exception here is a bug: the test fails with it
    assert time.perf_counter() - start < SECONDS_PER_FILE
    codes = {f.params.get("code", f.code) for f in check.findings if f.severity == "error"}
    for finding in check.findings:
        for lang in ("en", "zh"):
            text = finding.message(lang)
            assert text and "Traceback" not in text
    if expected["outcome"] == "usable":
        assert check.usable, [f.describe() for f in check.findings]
        if "finding" in expected:
            assert expected["finding"] in {f.code for f in check.findings}
        return
    assert not check.usable
    assert expected["outcome"] in codes, codes
    error = next(f for f in check.findings if f.severity == "error"
                 and f.params.get("code", f.code) == expected["outcome"])
    structural = error.code == "input_error"  # the whole file: the file name is the place
    assert structural or error.place.describe(), (name, error.code)


def test_ten_megabyte_single_line_csv(tmp_path):
    path = tmp_path / "one_line.csv"
    path.write_text("x," * 5_000_000, encoding="utf-8")
    start = time.perf_counter()
    check = check_file(path)
    assert time.perf_counter() - start < SECONDS_PER_FILE
    assert not check.usable
    assert check.findings[0].params["code"] == "too_many_columns"


def test_peak_memory_is_bounded():
    # after the whole corpus (zip bomb included) in this process
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mb < 2000, peak_mb


def test_batch_of_the_whole_corpus_loses_nothing(tmp_path, monkeypatch):
    import os

    from greendc.batch import run as batch

    inbox = tmp_path / "inbox"
    shutil.copytree(HOSTILE, inbox / "hostile")
    (inbox / "hostile" / "expected.json").unlink()
    for name in ("canonical_zh.xlsx", "gj.csv", "legacy.xls"):
        shutil.copy(CORPUS / name, inbox / name)
    real = batch._work

    def crash_once(task):
        if task[0].name == "hostile/year_9999.csv":
            os._exit(9)
        return real(task)

    out = tmp_path / "out"

    class Killed(Exception):
        pass

    def kill_after_ten(done, total, valid, invalid, seconds):
        if done >= 10:
            raise Killed

    with pytest.raises(Killed):  # killed mid-run ...
        run_batch(inbox, out, BatchOptions(jobs=2, timeout=60), kill_after_ten)
    monkeypatch.setattr(batch, "_work", crash_once)
    result = run_batch(inbox, out, BatchOptions(jobs=2, timeout=60))  # ... and run again
    names = [r["name"] for r in result.records]
    assert len(names) == len(set(names))
    archives = {n for n, e in EXPECTED.items() if n.endswith(".zip")}
    for name in EXPECTED:
        if name in archives:
            assert any(n.startswith(f"hostile/{name}") for n in names), name
        else:
            assert f"hostile/{name}" in names, name
    status = {r["name"]: r for r in result.records}
    assert status["hostile/year_9999.csv"]["errors"][0]["code"] == "worker_crashed"
    for name in ("canonical_zh.xlsx", "gj.csv", "legacy.xls"):
        assert status[name]["status"] == "valid"
    for name, e in EXPECTED.items():
        if name in archives or e["outcome"] == "usable":
            continue
        assert status[f"hostile/{name}"]["status"] == "invalid", name
    assert not any(p.name == "evil.csv" for p in tmp_path.rglob("*"))  # nothing escaped
    # killed and run again: every file once more, the finished ones reused
    monkeypatch.setattr(batch, "_work", real)
    again = run_batch(inbox, out, BatchOptions(jobs=2))
    assert sorted(r["name"] for r in again.records) == sorted(names)
    assert again.skipped > 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in index


def test_limits_can_be_changed_for_a_run(tmp_path):
    from click.testing import CliRunner

    from greendc.cli import main

    path = tmp_path / "m.csv"
    path.write_text((CORPUS / "gj.csv").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), "--limit", "max_rows=5",
                                       "--lang", "en"])
    assert result.exit_code == 1 and "more than the 5 limit" in result.output
    bad = CliRunner().invoke(main, ["validate", str(path), "--limit", "max_pies=5"])
    assert bad.exit_code == 2 and "unknown limit 'max_pies'" in bad.output
    again = CliRunner().invoke(main, ["validate", str(path)])  # the limit was for that run only
    assert again.exit_code == 0, again.output


def test_a_reader_asking_for_too_much_memory_is_stopped(tmp_path):
    import os

    from greendc.reading.isolate import IsolationError, run_bounded
    from greendc.reference.settings import Limits

    def greedy():
        return bytearray(8 * 2**30)  # 8 GB, beyond the reader's ceiling

    limits = Limits()
    with pytest.raises(IsolationError, match="ran out of memory"):  # refused in the child
        run_bounded(limits, greedy)
    with pytest.raises(IsolationError, match="ran out of memory or crashed"):
        run_bounded(limits, os.abort)  # what a failed Rust allocation does
    assert run_bounded(limits, sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        run_bounded(limits, divmod, 1, 0)


def test_a_reader_that_hangs_is_stopped():
    import time as clock

    from greendc.reading.isolate import IsolationError, run_bounded
    from greendc.reference.settings import Limits

    start = clock.perf_counter()
    with pytest.raises(IsolationError, match="longer than 1 s"):
        run_bounded(Limits().changed("batch_seconds_per_file", 1), clock.sleep, 30)
    assert clock.perf_counter() - start < 10
