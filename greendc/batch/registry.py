"""The batch registry: an SQLite file holding every run and every file's outcome.

Results are stored as they arrive, so a batch that is killed keeps what it finished; a file
whose content and options are unchanged since an earlier run is taken from here instead of
being assessed again; :func:`history` lists a facility's results across rounds.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from greendc.errors import GreenDCError

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


def connect(db: Path, wait_seconds: float = 60.0) -> sqlite3.Connection:
    """Open (and create when needed) the registry at ``db``.

    Several processes (two batches, the web workbench) may open a new registry at once.  SQLite
    waits for a lock for ``wait_seconds``, but the switch to write-ahead logging and the first
    schema statements can fail at once with "database is locked" while another process does the
    same; they are retried until ``wait_seconds`` have passed.
    """
    db.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(db, timeout=wait_seconds)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(REGISTRY_SCHEMA)
            return connection
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                connection.close()
                raise
            time.sleep(0.05)


def history(db: Path, facility: str) -> list[dict[str, Any]]:
    """A facility's assessments across runs (name, operator or credit code containing the text).

    A file reused unchanged in a later run is the same assessment: it is listed once, at the
    run that assessed it.
    """
    if not db.exists():
        raise GreenDCError(f"{db}: no registry here; run greendc batch first, or give the batch "
                           "folder with --output")
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
        if record.get("reused"):
            continue
        entry["grade"] = record.get("grade")
        entry["period"] = record.get("period")
        out.append(entry)
    return out


def store(connection: sqlite3.Connection, run_id: int, record: dict[str, Any], key: str) -> None:
    """Record one file's outcome in run ``run_id`` under options ``key``."""
    connection.execute(
        "INSERT OR REPLACE INTO results (run_id, name, sha256, options, status, facility, "
        "operator, city, credit_code, pue, record, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (run_id, record["name"], record["sha256"], key, record["status"], record["facility"],
         record["operator"], record["city"], record["credit_code"], record["pue"],
         json.dumps(record, ensure_ascii=False, default=str),
         dt.datetime.now().isoformat(timespec="seconds")))
    connection.commit()


def previous(connection: sqlite3.Connection, sha256: str, key: str) -> dict[str, Any] | None:
    """The latest record of a file with these bytes assessed under these options, or None."""
    row = connection.execute(
        "SELECT record FROM results WHERE sha256 = ? AND options = ? ORDER BY run_id DESC "
        "LIMIT 1", (sha256, key)).fetchone()
    return json.loads(row[0]) if row else None


def start_run(connection: sqlite3.Connection, inbox: Path, key: str, version: str) -> int:
    """Record the start of a run and return its id."""
    run_id = connection.execute(
        "INSERT INTO runs (started, inbox, options, greendc_version) VALUES (?, ?, ?, ?)",
        (dt.datetime.now().isoformat(timespec="seconds"), str(inbox.resolve()), key,
         version)).lastrowid
    connection.commit()
    return int(run_id)


def finish_run(connection: sqlite3.Connection, run_id: int) -> None:
    """Record the end of a run."""
    connection.execute("UPDATE runs SET finished = ? WHERE id = ?",
                       (dt.datetime.now().isoformat(timespec="seconds"), run_id))
    connection.commit()
