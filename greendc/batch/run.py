"""Reviewer batch mode: a folder of submissions in; reports, summary, overview and registry out.

:func:`run_batch` finds every file under the inbox (:mod:`.inputs`; zip archives are read in
memory, safely), assesses each in one pool of worker processes (:mod:`.pool`), writes each
report and JSON result atomically (:mod:`.outputs`), records every outcome in an SQLite
registry as it arrives (:mod:`.registry`), and finally writes ``summary.xlsx``, ``index.html``
and ``errors.csv``.  Every input file ends up exactly once in the summary, valid or with its
reasons; a batch that is killed and run again skips what it already finished.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from greendc.assessment import assess
from greendc.batch import registry
from greendc.batch.inputs import SUBMISSION_SUFFIXES, Item, discover
from greendc.batch.mapping import read_mapping_file
from greendc.batch.outputs import atomic_write, safe_name, write_outputs
from greendc.batch.pool import run_pool
from greendc.criteria.thresholds import judged_pairs
from greendc.errors import GreenDCError, InputError
from greendc.reference.messages import message
from greendc.reference.options import Options
from greendc.report import views
from greendc.report.html import render_html
from greendc.version import __version__

Progress = Callable[[int, int, int, int, float], None]  # done, total, valid, invalid, seconds


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs.

    Parameters
    ----------
    jobs : worker processes (0: one per core)
    lang : language of the reports and the overview
    force : assess again files the registry already holds
    db : the registry file (default: ``OUT/greendc.sqlite``)
    timeout : seconds per file (None: ``[limits] batch_seconds_per_file``)
    options : the assessment options applied to every file (criteria, column names, limits ...)
    pdf : also write each report as PDF
    """

    jobs: int = 0
    lang: str = "zh"
    force: bool = False
    db: Path | None = None
    timeout: float | None = None
    options: Options = field(default_factory=Options)
    pdf: bool = False

    def key(self) -> str:
        """What makes two results interchangeable: the same assessment options, report language
        and greendc version."""
        return json.dumps({"options": self.options.key(), "lang": self.lang, "pdf": self.pdf,
                           "version": __version__}, sort_keys=True)


@dataclass
class BatchResult:
    """What a batch produced: one record per input file, in input order."""

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


def assess_item(item: Item, sha256: str, reports: Path, options: BatchOptions) -> dict[str, Any]:
    """Assess one input and write its report and JSON; never raises for the input's sake.

    Parameters
    ----------
    item : the input
    sha256 : the digest of its bytes
    reports : folder for the report and the JSON result
    options : the batch's options

    Returns
    -------
    dict
        The file's record: status (``valid`` or ``invalid``), facility, PUE, grade, verdicts by
        pack, savings, the first findings or every error, and the names of its outputs.
    """
    record: dict[str, Any] = {"name": item.name, "sha256": sha256, "status": "invalid",
                              "facility": None, "operator": None, "city": None,
                              "credit_code": None, "pue": None, "grade": None, "verdicts": {},
                              "savings_kwh": None, "top_findings": [], "errors": [],
                              "report": None, "json": None}
    lang = options.lang
    if item.problem:
        record["errors"] = [{**_problem(item.problem, lang, **item.details), "code": item.code}]
        return record
    if item.suffix not in SUBMISSION_SUFFIXES:
        record["errors"] = [_problem("unsupported_type", lang, suffix=item.suffix or "-")]
        return record
    try:
        _assess_and_write(item, sha256, reports, options, record)
    except InputError as exc:
        record["errors"] = [{"code": exc.code, "message": exc.text(lang),
                             "place": exc.place.to_dict() if exc.place else None}]
    except GreenDCError as exc:
        record["errors"] = [{"code": "input_error", "place": None, "message": str(exc)}]
    except Exception as exc:  # a bug must not stop the batch: recorded with its traceback
        record["status"] = "invalid"
        record["errors"] = [{**_problem("internal_error", lang, error=f"{type(exc).__name__}: "
                                        f"{exc}"), "detail": traceback.format_exc(limit=8)}]
    return record


def _problem(code: str, lang: str, **params: Any) -> dict[str, Any]:
    """A batch-level problem (not a file's own finding) as an error entry, in ``lang``."""
    return {"code": code, "place": None, "message": message(f"batch.{code}", lang, **params)}


def _assess_and_write(item: Item, sha256: str, reports: Path, options: BatchOptions,
                      record: dict[str, Any]) -> None:
    lang = options.lang
    result = assess(item.read(options.options.limits), options.options,
                    name=item.name if item.member else None)
    base = safe_name(item.name, sha256)
    data = result.to_dict()
    facility = data["facility"]
    record.update(facility=result.facility_name, operator=facility.get("operator"),
                  city=facility.get("city"), credit_code=facility.get("credit_code"))
    json_path = Path(reports, base + ".json")
    atomic_write(json_path, (result.to_json(data) + "\n").encode("utf-8"))
    record["json"] = json_path.name
    if not result.ok:
        record["errors"] = [{"code": f["code"], "place": f["place"], "params": f["params"],
                             "message": f["message"][lang]} for f in data["errors"]]
        return
    html = render_html(result, lang, result=data)
    html_path = Path(reports, base + ".html")
    atomic_write(html_path, html.encode("utf-8"))
    if options.pdf:
        from greendc.report.pdf import render_pdf

        pdf_path = Path(reports, base + ".pdf")
        atomic_write(pdf_path, render_pdf(result, lang, result=data, html=html))
        record["pdf"] = pdf_path.name
    for pack in data["criteria"]:
        record["verdicts"][pack["pack"]] = pack["verdict"]
        if pack["grade"]:
            record["grade"] = pack["grade"]
    warnings = [f for f in data["findings"] if f["severity"] == "warning"]
    record["top_findings"] = [{"code": f["code"], "place": f["place"], "params": f["params"],
                               "message": f["message"][lang]} for f in warnings[:3]]
    record.update(status="valid", pue=data["metrics"]["pue"]["value"], report=html_path.name,
                  period=f"{data['period']['start']}/{data['period']['end']}",
                  provisional=data["metrics"]["pue"]["basis"]["provisional"],
                  provisional_why={"code": data["metrics"]["pue"]["basis"].get("provisional_code"),
                                   "params": data["metrics"]["pue"]["basis"].get(
                                       "provisional_params") or {}},
                  pue_held={k: v for k, v in data["metrics"]["pue"]["basis"].items()
                            if k in views.QUALIFYING and v},
                  savings_kwh=(data.get("savings") or {}).get("total", {}).get("kwh_measured"),
                  limits=[list(pair) for pair in judged_pairs(data["criteria"])])


Task = tuple[Item, str, str, BatchOptions]


def _work(task: Task) -> dict[str, Any]:
    item, sha256, reports, options = task
    return assess_item(item, sha256, Path(reports), options)


def _lost(task: Task, code: str, **params: Any) -> dict[str, Any]:
    item, sha256, _, options = task
    return assess_item(Item(item.name, None, problem=code, details=params, code=code), sha256,
                       Path("."), options)


def run_batch(inbox: str | Path, out: str | Path, options: BatchOptions | None = None,
              progress: Progress | None = None) -> BatchResult:
    """Assess every submission under ``inbox`` into ``out``.

    Parameters
    ----------
    inbox : folder of submissions (and zip archives of them)
    out : folder for ``reports/``, ``summary.xlsx``, ``index.html``, ``errors.csv``
    options : how the batch runs and the assessment options for every file
    progress : called with (done, total, valid, invalid, seconds) as files finish

    Returns
    -------
    BatchResult

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
    items = discover(inbox)
    mapping = read_mapping_file(inbox)
    connection = registry.connect(options.db or out / "greendc.sqlite")
    key = options.key()
    run_id = registry.start_run(connection, inbox, key, __version__)
    records: dict[str, dict[str, Any]] = {}
    todo: list[Task] = []
    skipped = 0
    for item in items:
        sha = item.sha256()
        mine = replace(options, options=mapping.options_for(item.name, options.options))
        earlier = (registry.previous(connection, sha, mine.key())
                   if sha and not options.force else None)
        if earlier and earlier.get("report") and not (reports / earlier["report"]).exists():
            earlier = None  # its report is gone: assess again
        if earlier is not None:
            earlier = {**earlier, "name": item.name, "reused": True}
            records[item.name] = earlier
            registry.store(connection, run_id, earlier, key)
            skipped += 1
        else:
            todo.append((item, sha, str(reports), mine))
    total = len(items)

    def counts() -> tuple[int, int]:
        valid = sum(r["status"] == "valid" for r in records.values())
        return valid, len(records) - valid

    def report(record: dict[str, Any]) -> None:
        records[record["name"]] = record
        registry.store(connection, run_id, record, key)
        if progress:
            progress(len(records), total, *counts(), time.perf_counter() - started)

    if progress:
        progress(len(records), total, *counts(), 0.0)
    limits = options.options.limits
    if todo:
        run_pool(todo, _work, _lost, jobs=options.jobs or os.cpu_count() or 1,
                 timeout=options.timeout or limits["batch_seconds_per_file"], limits=limits,
                 report=report)
    ordered = [records[item.name] for item in items]
    _flag_records(ordered)
    for record in ordered:
        registry.store(connection, run_id, record, key)
    registry.finish_run(connection, run_id)
    connection.close()
    result = BatchResult(out, run_id, ordered, skipped, time.perf_counter() - started)
    write_outputs(result, options.lang)
    return result


def _flag_records(records: list[dict[str, Any]]) -> None:
    """The flags a reviewer reads beside a record: a provisional or held PUE; the same content under
    two names; the same facility submitted twice with other content."""
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
        if r.get("provisional"):  # a reviewer sorting by PUE must see it is not a year's
            r["flags"].append({"kind": "provisional", **r.get("provisional_why", {})})
        if r.get("pue_held"):  # nor a figure any rule was judged on
            r["flags"].append({"kind": "held", "basis": r["pue_held"]})
        twins = [n for n in by_sha.get(r["sha256"], []) if n != r["name"]]
        if twins:
            r["flags"].append({"kind": "same_content", "names": twins})
    for group in by_facility.values():
        shas = {r["sha256"] for r in group}
        if len(group) > 1 and len(shas) > 1:
            for r in group:
                others = [o["name"] for o in group if o is not r and o["sha256"] != r["sha256"]]
                r["flags"].append({"kind": "same_facility", "names": others})
