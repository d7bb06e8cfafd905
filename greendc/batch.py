"""Reviewer batch mode: a folder of submissions in; reports, summary, overview and registry out.

:func:`run_batch` finds every file under the inbox (zip archives are opened safely), assesses
each in a pool of worker processes (one pool, never a process per file), writes each report and
JSON result atomically, records every outcome in an SQLite registry as it arrives, and finally
writes ``summary.xlsx``, ``index.html`` and ``errors.csv`` from the registry.  Every input file
ends up exactly once in the summary, valid or with its reasons; a batch that is killed and run
again skips what it already finished.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import sqlite3
import tempfile
import time
import traceback
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from greendc import __version__
from greendc.errors import GreenDCError
from greendc.reference import setting

SUBMISSION_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
            *(f"lpt{i}" for i in range(1, 10))}
REGISTRY_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started TEXT, finished TEXT, inbox TEXT, options TEXT,
    greendc_version TEXT);
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER, name TEXT, sha256 TEXT, options TEXT, status TEXT, facility TEXT,
    operator TEXT, city TEXT, credit_code TEXT, pue REAL, record TEXT, created TEXT,
    PRIMARY KEY (run_id, name));
CREATE INDEX IF NOT EXISTS results_sha ON results (sha256, options);
CREATE INDEX IF NOT EXISTS results_facility ON results (facility);
"""


@dataclass(frozen=True)
class BatchOptions:
    jobs: int = 0  # 0: one worker per core
    criteria: tuple[str, ...] | None = None
    lang: str = "zh"
    force: bool = False
    db: Path | None = None
    timeout: float | None = None  # seconds per file; None: the limit in assessment.toml

    def key(self) -> str:
        """What makes two results comparable: same criteria, language and greendc version."""
        return json.dumps({"criteria": self.criteria, "lang": self.lang,
                           "version": __version__}, sort_keys=True)


@dataclass(frozen=True)
class Item:
    """One input: its display name (``folder/file.xlsx`` or ``archive.zip!member``) and where
    its bytes are on disk (None when it cannot be read as a file at all)."""

    name: str
    path: Path | None
    problem: str | None = None


@dataclass
class BatchResult:
    out: Path
    run_id: int
    records: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0

    @property
    def valid(self) -> int:
        return sum(r["status"] == "valid" for r in self.records)

    @property
    def invalid(self) -> int:
        return len(self.records) - self.valid


# ---------------------------------------------------------------------------- inputs


def safe_name(name: str, sha256: str) -> str:
    """A file name derived from an input's name: no folders, no reserved names, no clashes."""
    stem = re.sub(r"[^\w.-]+", "_", name.replace("!", "_"), flags=re.UNICODE).strip("._")
    stem = stem[:80] or "submission"
    if stem.split(".")[0].lower() in RESERVED:
        stem = "_" + stem
    return f"{stem}-{sha256[:10]}"


def discover(inbox: Path, work: Path) -> list[Item]:
    """Every file under ``inbox``; zip archives are extracted into ``work``, safely."""
    items: list[Item] = []
    for path in sorted(p for p in inbox.rglob("*") if p.is_file() or p.is_symlink()):
        name = path.relative_to(inbox).as_posix()
        if path.is_symlink():
            items.append(Item(name, None, "a symbolic link: not followed"))
        elif path.suffix.lower() == ".zip":
            items.extend(_unzip(path, name, work))
        else:
            items.append(Item(name, path))
    return items


def _unzip(path: Path, name: str, work: Path) -> Iterator[Item]:
    """Members of an archive as items; unsafe or nested members become items with a problem."""
    target = work / hashlib.sha256(name.encode()).hexdigest()[:16]
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        yield Item(name, None, f"not a readable zip archive: {exc}")
        return
    if not members:
        yield Item(name, None, "an empty zip archive")
        return
    with archive:
        for info in members:
            member = f"{name}!{info.filename}"
            pure = PurePosixPath(info.filename.replace("\\", "/"))
            if info.is_dir():
                continue
            if pure.is_absolute() or ".." in pure.parts or info.filename.startswith(("/", "\\")):
                yield Item(member, None, "an archive path outside the archive (zip slip): "
                           "not extracted")
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                yield Item(member, None, "a symbolic link inside the archive: not extracted")
                continue
            if pure.suffix.lower() == ".zip":
                yield Item(member, None, "an archive inside an archive: unpack it first")
                continue
            destination = target / pure
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source, open(destination, "wb") as sink:
                    sink.write(source.read())
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                yield Item(member, None, f"cannot extract from the archive: {exc}")
                continue
            yield Item(member, destination)


def file_sha256(path: Path | None) -> str:
    if path is None:
        return ""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------- one file


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def assess_item(item: Item, sha256: str, reports: Path, options: BatchOptions) -> dict[str, Any]:
    """Assess one input and write its report and JSON; never raises for the input's sake."""
    from greendc.assessment import assess
    from greendc.indicators import Options
    from greendc.reporting import render_html

    record: dict[str, Any] = {"name": item.name, "sha256": sha256, "status": "invalid",
                              "facility": None, "operator": None, "city": None,
                              "credit_code": None, "pue": None, "grade": None, "verdicts": {},
                              "savings_kwh": None, "top_findings": [], "errors": [],
                              "report": None, "json": None}
    if item.problem:
        record["errors"] = [{"code": "not_a_submission", "place": "", "message": item.problem}]
        return record
    if item.path.suffix.lower() not in SUBMISSION_SUFFIXES:
        suffix = item.path.suffix or "no extension"
        record["errors"] = [{"code": "unsupported_type", "place": "",
                             "message": f"not a submission file type ({suffix}): give .xlsx, "
                                        ".xls or .csv"}]
        return record
    base = safe_name(item.name, sha256)
    try:
        result = assess(item.path, Options(criteria=options.criteria))
    except GreenDCError as exc:
        place = exc.place.describe() if hasattr(exc, "place") else ""
        record["errors"] = [{"code": getattr(exc, "code", "input_error"), "place": place,
                             "message": getattr(exc, "message", str(exc))}]
        return record
    except Exception as exc:  # a bug must not stop the batch: recorded with its traceback
        record["errors"] = [{"code": "internal_error", "place": "",
                             "message": f"greendc failed on this file ({type(exc).__name__}: "
                                        f"{exc}); please report it",
                             "traceback": traceback.format_exc(limit=6)}]
        return record
    data = result.to_dict()
    facility = data["facility"]
    record.update(facility=result.facility_name, operator=facility.get("operator"),
                  city=facility.get("city"), credit_code=facility.get("credit_code"))
    json_path = Path(reports, base + ".json")
    _atomic_write(json_path, (result.to_json(data) + "\n").encode("utf-8"))
    record["json"] = json_path.name
    if not result.ok:
        record["errors"] = [{"code": f["code"], "place": _place_text(f["place"]),
                             "message": f["message"][options.lang]} for f in data["errors"]]
        return record
    html = render_html(result, options.lang, result=data)
    html_path = Path(reports, base + ".html")
    _atomic_write(html_path, html.encode("utf-8"))
    record.update(status="valid", pue=data["metrics"]["pue"]["value"], report=html_path.name,
                  period=f"{data['period']['start']}/{data['period']['end']}",
                  provisional=data["metrics"]["pue"]["basis"]["provisional"],
                  savings_kwh=(data.get("savings") or {}).get("total", {}).get("kwh_measured"))
    for pack in data["criteria"]:
        record["verdicts"][pack["pack"]] = pack["verdict"]
        if pack["grade"]:
            record["grade"] = pack["grade"]
    warnings = [f for f in data["findings"] if f["severity"] == "warning"]
    record["top_findings"] = [f"{_place_text(f['place'])}: {f['message'][options.lang]}"
                              .lstrip(": ") for f in warnings[:3]]
    return record


def _place_text(place: dict[str, Any]) -> str:
    from greendc.errors import Place

    return Place(sheet=place.get("sheet"), row=place.get("row"),
                 rows=tuple(place.get("rows") or ()), column=place.get("column"),
                 key=place.get("key"), more_rows=place.get("more_rows", 0)).describe()


def _worker(task: tuple[Item, str, str, BatchOptions]) -> dict[str, Any]:
    item, sha256, reports, options = task
    return assess_item(item, sha256, Path(reports), options)


def _serve(connection) -> None:
    """A worker process: assess the tasks it is sent until it is sent None."""
    from greendc.reading.isolate import bound_this_process

    bound_this_process()
    while True:
        task = connection.recv()
        if task is None:
            return
        connection.send(_worker(task))


def _lost(task: tuple[Item, str, str, BatchOptions], code: str, message: str) -> dict[str, Any]:
    item, sha256, _, _ = task
    record = assess_item(Item(item.name, None, message), sha256, Path("."), task[3])
    record["errors"][0]["code"] = code
    return record


def _run_pool(todo: list, jobs: int, timeout: float,
              report: Callable[[dict[str, Any]], None]) -> None:
    """Run the tasks on ``jobs`` worker processes (one pool for the whole batch).

    A worker that dies (a crash in a native library) or runs past ``timeout`` seconds on one
    file is replaced; that file is reported as invalid with the reason, and the batch goes on.
    """
    context = multiprocessing.get_context("fork")
    pending = deque(todo)

    def start() -> dict[str, Any]:
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        return {"process": process, "conn": parent, "task": None, "since": 0.0}

    workers = [start() for _ in range(min(jobs, len(todo)))]
    try:
        while pending or any(w["task"] is not None for w in workers):
            for w in workers:
                if w["task"] is None and pending:
                    w["task"], w["since"] = pending.popleft(), time.monotonic()
                    w["conn"].send(w["task"])
            busy = [w for w in workers if w["task"] is not None]
            waitable = [w["conn"] for w in busy] + [w["process"].sentinel for w in busy]
            multiprocessing.connection.wait(waitable, timeout=0.5)
            for i, w in enumerate(workers):
                if w["task"] is None:
                    continue
                record = None
                if w["conn"].poll():
                    try:
                        record = w["conn"].recv()
                    except (EOFError, OSError):
                        record = None
                if record is not None:
                    w["task"] = None
                    report(record)
                    continue
                if not w["process"].is_alive():
                    code = w["process"].exitcode
                    report(_lost(w["task"], "worker_crashed",
                                 f"the worker process died on this file (exit code {code}: a "
                                 "crash in a native reader, or memory beyond the limit); the "
                                 "file was not assessed"))
                elif time.monotonic() - w["since"] > timeout:
                    w["process"].kill()
                    w["process"].join(5)
                    report(_lost(w["task"], "time_limit",
                                 f"assessing this file took longer than {timeout:g} s; it was "
                                 "stopped"))
                else:
                    continue
                w["conn"].close()
                workers[i] = start()
    finally:
        for w in workers:
            with contextlib.suppress(BrokenPipeError, OSError):
                w["conn"].send(None)
        for w in workers:
            w["process"].join(5)
            if w["process"].is_alive():
                w["process"].kill()


# ---------------------------------------------------------------------------- registry


def connect(db: Path) -> sqlite3.Connection:
    db.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(db, timeout=60)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(REGISTRY_SCHEMA)
    return connection


def history(db: Path, facility: str) -> list[dict[str, Any]]:
    """A facility's assessments across runs (name, operator or credit code containing the text)."""
    if not db.exists():
        raise GreenDCError(f"{db}: no registry here; run greendc batch first or give --db")
    connection = connect(db)
    like = f"%{facility}%"
    rows = connection.execute(
        "SELECT r.started, r.inbox, s.name, s.sha256, s.status, s.facility, s.operator, s.pue, "
        "s.record FROM results s JOIN runs r ON r.id = s.run_id "
        "WHERE s.facility LIKE ? OR s.operator LIKE ? OR s.credit_code LIKE ? "
        "ORDER BY r.started, s.name", (like, like, like)).fetchall()
    connection.close()
    keys = ("run_started", "inbox", "file", "sha256", "status", "facility", "operator", "pue")
    out = []
    for row in rows:
        entry = dict(zip(keys, row[:8], strict=True))
        record = json.loads(row[8])
        entry["grade"] = record.get("grade")
        entry["period"] = record.get("period")
        out.append(entry)
    return out


# ---------------------------------------------------------------------------- the batch


Progress = Callable[[int, int, int, int, float], None]  # done, total, valid, invalid, seconds


def run_batch(inbox: str | Path, out: str | Path, options: BatchOptions | None = None,
              progress: Progress | None = None) -> BatchResult:
    """Assess every submission under ``inbox`` into ``out``.

    Raises
    ------
    GreenDCError
        The batch itself cannot run (no such inbox, the output folder cannot be written).
    """
    options = options or BatchOptions()
    inbox, out = Path(inbox), Path(out)
    if not inbox.is_dir():
        raise GreenDCError(f"{inbox}: not a folder")
    reports = out / "reports"
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GreenDCError(f"{out}: cannot create the output folder: {exc.strerror}") from None
    started = time.perf_counter()
    items = discover(inbox, out / ".work")
    db = options.db or out / "greendc.sqlite"
    connection = connect(db)
    run_id = connection.execute(
        "INSERT INTO runs (started, inbox, options, greendc_version) VALUES (?, ?, ?, ?)",
        (dt.datetime.now().isoformat(timespec="seconds"), str(inbox.resolve()), options.key(),
         __version__)).lastrowid
    connection.commit()
    key = options.key()
    records: dict[str, dict[str, Any]] = {}
    todo = []
    skipped = 0
    for item in items:
        sha = file_sha256(item.path) if item.path else ""
        previous = None
        if sha and not options.force:
            row = connection.execute(
                "SELECT record FROM results WHERE sha256 = ? AND options = ? ORDER BY run_id DESC "
                "LIMIT 1", (sha, key)).fetchone()
            if row:
                previous = json.loads(row[0])
                if previous.get("report") and not (reports / previous["report"]).exists():
                    previous = None  # its report is gone: assess again
        if previous is not None:
            previous = {**previous, "name": item.name, "reused": True}
            records[item.name] = previous
            _store(connection, run_id, previous, key)
            skipped += 1
        else:
            todo.append((item, sha, str(reports), options))
    total = len(items)

    def report(record: dict[str, Any]) -> None:
        records[record["name"]] = record
        _store(connection, run_id, record, key)
        if progress:
            valid = sum(r["status"] == "valid" for r in records.values())
            progress(len(records), total, valid, len(records) - valid,
                     time.perf_counter() - started)

    if progress:
        progress(len(records), total, sum(r["status"] == "valid" for r in records.values()),
                 sum(r["status"] != "valid" for r in records.values()), 0.0)
    jobs = options.jobs or os.cpu_count() or 1
    if todo:
        _run_pool(todo, jobs, options.timeout or setting("limits", "batch_seconds_per_file"),
                  report)
    ordered = [records[item.name] for item in items]
    _flag_duplicates(ordered)
    for record in ordered:
        _store(connection, run_id, record, key)
    connection.execute("UPDATE runs SET finished = ? WHERE id = ?",
                       (dt.datetime.now().isoformat(timespec="seconds"), run_id))
    connection.commit()
    connection.close()
    result = BatchResult(out, run_id, ordered, skipped, time.perf_counter() - started)
    write_outputs(result, options)
    return result


def _store(connection: sqlite3.Connection, run_id: int, record: dict[str, Any], key: str) -> None:
    connection.execute(
        "INSERT OR REPLACE INTO results (run_id, name, sha256, options, status, facility, "
        "operator, city, credit_code, pue, record, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (run_id, record["name"], record["sha256"], key, record["status"], record["facility"],
         record["operator"], record["city"], record["credit_code"], record["pue"],
         json.dumps(record, ensure_ascii=False, default=str),
         dt.datetime.now().isoformat(timespec="seconds")))
    connection.commit()


def _flag_duplicates(records: list[dict[str, Any]]) -> None:
    """Same content under two names; the same facility submitted twice with other content."""
    by_sha: dict[str, list[str]] = {}
    by_facility: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if r["sha256"]:
            by_sha.setdefault(r["sha256"], []).append(r["name"])
        if r["status"] == "valid":
            ident = (r.get("credit_code") or "") + "|" + (r.get("facility") or "")
            by_facility.setdefault(ident, []).append(r)
    for r in records:
        r["flags"] = []
        twins = [n for n in by_sha.get(r["sha256"], []) if n != r["name"]]
        if twins:
            r["flags"].append("same content as " + ", ".join(twins))
    for group in by_facility.values():
        shas = {r["sha256"] for r in group}
        if len(group) > 1 and len(shas) > 1:
            for r in group:
                others = [o["name"] for o in group if o is not r and o["sha256"] != r["sha256"]]
                r["flags"].append("same facility also in " + ", ".join(others))


# ---------------------------------------------------------------------------- outputs


def write_outputs(result: BatchResult, options: BatchOptions) -> None:
    from greendc.export import safe_text

    out = result.out
    packs = sorted({p for r in result.records for p in r["verdicts"]})
    _write_summary(out / "summary.xlsx", result.records, packs, options)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "sha256", "code", "place", "message"])
    for r in result.records:
        for e in r["errors"]:
            writer.writerow([safe_text(r["name"]), r["sha256"], e["code"], safe_text(e["place"]),
                             safe_text(e["message"])])
    _atomic_write(out / "errors.csv", buffer.getvalue().encode("utf-8-sig"))
    from greendc.overview import render_index

    _atomic_write(out / "index.html", render_index(result, packs, options.lang).encode("utf-8"))


def _write_summary(path: Path, records: list[dict[str, Any]], packs: list[str],
                   options: BatchOptions) -> None:
    import xlsxwriter

    from greendc.export import safe_text

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    ws = book.add_worksheet("summary")
    head = book.add_format({"bold": True, "bg_color": "#DCEBDD", "border": 1, "text_wrap": True})
    headers = ["file", "sha256", "facility", "operator", "city", "status", "PUE", "grade",
               *packs, "savings kWh/a", "flags", "top findings / errors", "report"]
    ws.write_row(0, 0, headers, head)
    for i, r in enumerate(records, start=1):
        problems = r["top_findings"] if r["status"] == "valid" else [
            f"{e['place']}: {e['message']}".lstrip(": ") for e in r["errors"]]
        values = [r["name"], r["sha256"], r["facility"], r["operator"], r["city"], r["status"],
                  r["pue"], r["grade"], *[r["verdicts"].get(p) for p in packs], r["savings_kwh"],
                  "; ".join(r.get("flags", [])), " | ".join(problems)]
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(i, c, value)
            else:
                ws.write_string(i, c, safe_text(value))
        if r.get("report"):
            ws.write_url(i, len(values), f"external:reports/{r['report']}",
                         string=safe_text(r["report"]))
    last = len(records)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(last, 1), len(headers) - 1)
    good = book.add_format({"font_color": "#2f7d4f"})
    bad = book.add_format({"font_color": "#b3261e", "bold": True})
    warn = book.add_format({"font_color": "#8a5a00"})
    first_pack, last_pack = 8, 8 + len(packs) - 1
    for col_from, col_to in ((5, 5), (first_pack, last_pack)):
        if col_to < col_from or last == 0:
            continue
        for text, fmt in (("pass", good), ("valid", good), ("fail", bad), ("invalid", bad),
                          ("insufficient", warn), ("conditional", warn)):
            ws.conditional_format(1, col_from, last, col_to, {
                "type": "text", "criteria": "begins with", "value": text, "format": fmt})
    for c, width in enumerate([36, 18, 30, 30, 12, 9, 8, 7] + [14] * len(packs)
                              + [14, 30, 70, 30]):
        ws.set_column(c, c, width)
    book.close()
    _atomic_write(path, buffer.getvalue())
