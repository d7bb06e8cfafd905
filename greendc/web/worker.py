"""Assessing uploads off the request path: the batch's supervised pool, fed from the database.

A dispatcher thread in the server process claims queued versions (each exactly once: one UPDATE
marks them ``assessing``), runs them through :func:`greendc.batch.pool.run_pool` (worker
processes with the batch's memory ceiling and time limit; a worker that crashes or runs out of
time fails that version, not the server) and stores each outcome.  Versions a stopped server
left ``assessing`` are queued again when the next one starts.  Every artefact of a version is
written once, under ``DATA/results/<version id>/``: the JSON result, the full and eligibility
reports and the Excel export in zh and en.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import traceback
from pathlib import Path
from typing import Any

from greendc.batch.outputs import atomic_write
from greendc.batch.pool import run_pool
from greendc.errors import GreenDCError, InputError
from greendc.reference.messages import message
from greendc.reference.options import Options
from greendc.reference.settings import setting
from greendc.web import store

LANGS = ("zh", "en")
Task = tuple[int, str, str, str, Options]


def _both(key: str, **params: Any) -> dict[str, str]:
    return {lang: message(key, lang, **params) for lang in LANGS}


def _finding(f: dict[str, Any]) -> dict[str, Any]:
    return {"code": f["code"], "severity": f.get("severity", "error"), "place": f["place"],
            "message": f["message"]}


_lowered: list[bool] = []


def _lower_priority() -> None:
    """Give this worker process a lower CPU priority (once), so that the server's pages stay
    quick while the pool works on a machine with few cores."""
    if not _lowered:
        _lowered.append(True)
        with contextlib.suppress(OSError):  # not permitted: keep the priority
            os.nice(int(setting("web", "worker_nice")))


def assess_version(task: Task) -> dict[str, Any]:
    """Assess one uploaded file and write its artefacts; never raises for the file's sake.

    Parameters
    ----------
    task : tuple
        (version id, stored file, the name the user gave it, output folder, options).

    Returns
    -------
    dict
        ``version_id``, ``status`` (``valid`` or ``invalid``), ``facility``, ``city``, ``pue``,
        ``grade``, ``verdicts`` (by pack), ``errors`` and ``findings`` (code, severity, place
        and message in zh and en), ``columns`` (the recognised columns) and ``outputs``.
    """
    from greendc.assessment import assess
    from greendc.report.excel import write_xlsx
    from greendc.report.html import render_html

    _lower_priority()
    version_id, path, filename, out, options = task
    record: dict[str, Any] = {"version_id": version_id, "status": "invalid", "facility": None,
                              "city": None, "pue": None, "grade": None, "verdicts": {},
                              "errors": [], "findings": [], "columns": {}, "outputs": {}}
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        result = assess(Path(path).read_bytes(), options, name=filename)
        data = result.to_dict()
        atomic_write(folder / "result.json", (result.to_json(data) + "\n").encode("utf-8"))
        record["outputs"]["json"] = "result.json"
        record["columns"] = (data.get("input") or {}).get("columns") or {}
        record["findings"] = [_finding(f) for f in data["findings"]]
        facility = data["facility"]
        record.update(facility=result.facility_name, city=facility.get("city"))
        if not result.ok:
            record["errors"] = [_finding(f) for f in data["errors"]]
            return record
        for lang in LANGS:
            for kind in ("full", "eligibility"):
                name = f"{kind}.{lang}.html"
                atomic_write(folder / name,
                             render_html(result, lang, kind=kind, result=data).encode("utf-8"))
                record["outputs"][f"{kind}_{lang}"] = name
            write_xlsx(result, folder / f"export.{lang}.xlsx", lang, result=data)
            record["outputs"][f"xlsx_{lang}"] = f"export.{lang}.xlsx"
        for pack in data["criteria"]:
            record["verdicts"][pack["pack"]] = pack["verdict"]
            record["grade"] = record["grade"] or pack.get("grade")
        record.update(status="valid", pue=data["metrics"]["pue"]["value"])
    except InputError as exc:
        record["errors"] = [{"code": exc.code, "severity": "error",
                             "place": exc.place.to_dict() if exc.place else None,
                             "message": {lang: exc.text(lang) for lang in LANGS}}]
    except GreenDCError as exc:
        record["errors"] = [{"code": "input_error", "severity": "error", "place": None,
                             "message": {lang: str(exc) for lang in LANGS}}]
    except Exception as exc:  # a bug fails this version, with its traceback for the log
        record["errors"] = [{"code": "internal_error", "severity": "error", "place": None,
                             "message": _both("batch.internal_error",
                                              error=f"{type(exc).__name__}: {exc}"),
                             "detail": traceback.format_exc(limit=8)}]
    return record


def lost_version(task: Task, code: str, **params: Any) -> dict[str, Any]:
    """The record of a version whose worker died or ran out of time."""
    return {"version_id": task[0], "status": "invalid", "facility": None, "city": None,
            "pue": None, "grade": None, "verdicts": {}, "findings": [], "columns": {},
            "outputs": {}, "errors": [{"code": code, "severity": "error", "place": None,
                                       "message": _both(f"batch.{code}", **params)}]}


class Dispatcher:
    """The thread that feeds queued versions to the worker pool."""

    def __init__(self, data: Path, options: Options | None = None, jobs: int | None = None):
        self.data = Path(data)
        self.options = options or Options()
        configured = setting("web", "jobs") if jobs is None else jobs
        self.jobs = configured or os.cpu_count() or 1
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        import multiprocessing

        multiprocessing.set_forkserver_preload(["greendc.web.worker", "greendc.assessment",
                                                "greendc.report.html", "greendc.report.excel"])
        self._thread = threading.Thread(target=self._loop, name="greendc-dispatcher",
                                        daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (an upload arrived)."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(30)

    def _loop(self) -> None:
        db = store.open_store(self.data)
        store.requeue_interrupted(db)
        limits = self.options.limits
        timeout = limits["batch_seconds_per_file"]
        while not self._stop.is_set():
            claimed = store.claim_queued(db, self.jobs * 4)
            db.commit()
            if not claimed:
                self._wake.wait(setting("web", "poll_seconds"))
                self._wake.clear()
                continue
            tasks = [(row["id"], str(self.data / "uploads" / row["stored"]), row["filename"],
                      str(self.data / "results" / str(row["id"])), self.options)
                     for row in claimed]

            def report(record: dict[str, Any]) -> None:
                store.store_record(db, record["version_id"], record)

            try:  # forkserver: forking this threaded process could copy a held import lock
                run_pool(tasks, assess_version, lost_version, jobs=self.jobs, timeout=timeout,
                         limits=limits, report=report, start_method="forkserver")
            except Exception:  # the dispatcher must outlive any round: requeue what is left
                traceback.print_exc()
                store.requeue_interrupted(db)
                self._stop.wait(1.0)
        db.close()


def read_result(data: Path, version_id: int) -> dict[str, Any] | None:
    """A version's JSON result, or None before it is assessed (or when it could not be)."""
    path = Path(data) / "results" / str(version_id) / "result.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
