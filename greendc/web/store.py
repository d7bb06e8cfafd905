"""The workbench's records in the registry database: accounts, sessions, submissions and their
versions, reviews, the audit log and login attempts.

One SQLite file under the data folder holds these tables beside batch's ``runs`` and ``results``
(:func:`greendc.batch.registry.connect` opens it).  Every function takes an open connection and
commits what it changes; no function trusts a caller's idea of who may see what: the pages and
the API ask :func:`visible` for each submission.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from greendc.batch import registry

ROLES = ("enterprise", "reviewer", "admin")
STATUSES = ("received", "returned", "accepted", "rejected")
WEB_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, role TEXT NOT NULL, org TEXT,
    hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL, csrf TEXT NOT NULL, kind TEXT NOT NULL,
    created TEXT NOT NULL, expires TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY, org TEXT NOT NULL, created_by INTEGER NOT NULL, created TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'received', facility TEXT, city TEXT, pue REAL, verdict TEXT,
    programme TEXT, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL, number INTEGER NOT NULL,
    sha256 TEXT NOT NULL, filename TEXT NOT NULL, stored TEXT NOT NULL, uploaded_by INTEGER,
    uploaded TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued', record TEXT,
    assessed TEXT, UNIQUE (submission_id, number));
CREATE INDEX IF NOT EXISTS versions_state ON versions (state);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL, reviewer INTEGER NOT NULL,
    status TEXT NOT NULL, comment TEXT, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT, action TEXT NOT NULL, target TEXT,
    detail TEXT);
CREATE TABLE IF NOT EXISTS attempts (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_key ON attempts (key, at);
"""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def open_store(data: Path) -> sqlite3.Connection:
    """The registry under ``data`` with the workbench's tables, one connection per thread.

    Parameters
    ----------
    data : Path
        The data folder (``greendc serve --data``); created when missing.

    Returns
    -------
    sqlite3.Connection
        Rows as :class:`sqlite3.Row`.
    """
    data.mkdir(parents=True, exist_ok=True)
    connection = registry.connect(data / "greendc.sqlite")
    connection.executescript(WEB_SCHEMA)
    connection.row_factory = sqlite3.Row
    return connection


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ------------------------------------------------------------------------------ accounts

def add_user(db: sqlite3.Connection, name: str, role: str, org: str | None,
             password_hash: str) -> int:
    """A new account; an enterprise account belongs to exactly one organisation."""
    cursor = db.execute("INSERT INTO users (name, role, org, hash, created) VALUES (?, ?, ?, ?, ?)",
                        (name, role, org, password_hash, now()))
    db.commit()
    return int(cursor.lastrowid)


def user_by_name(db: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()


def list_users(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT id, name, role, org, disabled, created FROM users "
                      "ORDER BY name").fetchall()


def set_disabled(db: sqlite3.Connection, name: str) -> bool:
    """Disable an account and end its sessions; False when there is no such account."""
    row = user_by_name(db, name)
    if row is None:
        return False
    db.execute("UPDATE users SET disabled = 1 WHERE id = ?", (row["id"],))
    db.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],))
    db.commit()
    return True


def set_password_hash(db: sqlite3.Connection, user_id: int, password_hash: str) -> None:
    db.execute("UPDATE users SET hash = ? WHERE id = ?", (password_hash, user_id))
    db.commit()


# ------------------------------------------------------------------------------ sessions

def new_session(db: sqlite3.Connection, user_id: int, kind: str, hours: float) -> tuple[str, str]:
    """A session (``cookie``) or API token (``api``) for ``user_id``: (token, csrf token).
    Only the token's hash is stored."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    db.execute("DELETE FROM sessions WHERE expires <= ?", (now(),))  # the table stays small
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
    db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
               (_hash_token(token), user_id, csrf, kind, now(),
                expires.isoformat(timespec="seconds")))
    db.commit()
    return token, csrf


def session_user(db: sqlite3.Connection, token: str | None, kind: str) -> sqlite3.Row | None:
    """The enabled user of a live session of ``kind``, with its ``csrf``; None otherwise."""
    if not token:
        return None
    return db.execute(
        "SELECT u.*, s.csrf AS csrf FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = ? AND s.kind = ? AND s.expires > ? AND u.disabled = 0",
        (_hash_token(token), kind, now())).fetchone()


def end_session(db: sqlite3.Connection, token: str | None) -> None:
    if token:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash_token(token),))
        db.commit()


# ------------------------------------------------------------------------------ login attempts

def failures(db: sqlite3.Connection, key: str, since: float) -> int:
    return int(db.execute("SELECT COUNT(*) FROM attempts WHERE key = ? AND at > ?",
                          (key, since)).fetchone()[0])


def record_failure(db: sqlite3.Connection, keys: list[str], at: float) -> None:
    db.executemany("INSERT INTO attempts VALUES (?, ?)", [(k, at) for k in keys])
    db.execute("DELETE FROM attempts WHERE at < ?", (at - 86400,))
    db.commit()


# ------------------------------------------------------------------------------ submissions

def create_submission(db: sqlite3.Connection, org: str, user_id: int) -> int:
    cursor = db.execute("INSERT INTO submissions (org, created_by, created, updated) "
                        "VALUES (?, ?, ?, ?)", (org, user_id, now(), now()))
    db.commit()
    return int(cursor.lastrowid)


def add_version(db: sqlite3.Connection, submission_id: int, sha256: str, filename: str,
                stored: str, user_id: int) -> int:
    """A new version of a submission, queued for assessment; the submission is received again."""
    number = db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE "
                        "submission_id = ?", (submission_id,)).fetchone()[0]
    cursor = db.execute(
        "INSERT INTO versions (submission_id, number, sha256, filename, stored, uploaded_by, "
        "uploaded) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (submission_id, number, sha256, filename, stored, user_id, now()))
    db.execute("UPDATE submissions SET status = 'received', updated = ? WHERE id = ?",
               (now(), submission_id))
    db.commit()
    return int(cursor.lastrowid)


def visible(user: sqlite3.Row, submission: sqlite3.Row | None) -> bool:
    """Whether ``user`` may see ``submission``: reviewers and admins all, an enterprise its own
    organisation's."""
    if submission is None:
        return False
    return user["role"] in ("reviewer", "admin") or submission["org"] == user["org"]


def get_submission(db: sqlite3.Connection, submission_id: int) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM submissions WHERE id = ?", (submission_id,)).fetchone()


def list_submissions(db: sqlite3.Connection, user: sqlite3.Row,
                     filters: dict[str, Any] | None = None) -> list[sqlite3.Row]:
    """What ``user`` may see, newest first, narrowed by ``filters`` (status, city, verdict,
    programme, pue_min, pue_max)."""
    filters = filters or {}
    where, values = [], []
    if user["role"] == "enterprise":
        where.append("org = ?")
        values.append(user["org"])
    for key in ("status", "city", "verdict"):
        if filters.get(key):
            where.append(f"{key} = ?")
            values.append(filters[key])
    if filters.get("programme"):  # the packs checked, comma-separated: one of them
        where.append("(',' || programme || ',') LIKE ?")
        values.append(f"%,{filters['programme']},%")
    if filters.get("pue_min") is not None:
        where.append("pue >= ?")
        values.append(filters["pue_min"])
    if filters.get("pue_max") is not None:
        where.append("pue <= ?")
        values.append(filters["pue_max"])
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return db.execute(f"SELECT * FROM submissions {clause} ORDER BY updated DESC, id DESC",
                      values).fetchall()


def versions(db: sqlite3.Connection, submission_id: int) -> list[dict[str, Any]]:
    rows = db.execute("SELECT * FROM versions WHERE submission_id = ? ORDER BY number",
                      (submission_id,)).fetchall()
    return [{**dict(r), "record": json.loads(r["record"]) if r["record"] else None} for r in rows]


def claim_queued(db: sqlite3.Connection, limit: int) -> list[sqlite3.Row]:
    """Queued versions, marked ``assessing`` in one statement: each is claimed exactly once."""
    return db.execute(
        "UPDATE versions SET state = 'assessing' WHERE id IN (SELECT id FROM versions WHERE "
        "state = 'queued' ORDER BY id LIMIT ?) RETURNING *", (limit,)).fetchall()


def requeue_interrupted(db: sqlite3.Connection) -> int:
    """Versions left ``assessing`` by a server that stopped: queued again (at start-up)."""
    count = db.execute("UPDATE versions SET state = 'queued' WHERE state = 'assessing'").rowcount
    db.commit()
    return count


def store_record(db: sqlite3.Connection, version_id: int, record: dict[str, Any]) -> None:
    """A version's outcome; the submission shows its latest assessed version's figures."""
    state = "done" if record.get("status") == "valid" else "failed"
    db.execute("UPDATE versions SET state = ?, record = ?, assessed = ? WHERE id = ?",
               (state, json.dumps(record, ensure_ascii=False, default=str), now(), version_id))
    row = db.execute("SELECT submission_id, number FROM versions WHERE id = ?",
                     (version_id,)).fetchone()
    latest = db.execute("SELECT MAX(number) FROM versions WHERE submission_id = ?",
                        (row["submission_id"],)).fetchone()[0]
    if row["number"] == latest:
        verdicts = record.get("verdicts") or {}
        db.execute("UPDATE submissions SET facility = ?, city = ?, pue = ?, verdict = ?, "
                   "programme = ?, updated = ? WHERE id = ?",
                   (record.get("facility"), record.get("city"), record.get("pue"),
                    next(iter(verdicts.values()), None), ",".join(verdicts) or None, now(),
                    row["submission_id"]))
    db.commit()


def review(db: sqlite3.Connection, submission_id: int, reviewer_id: int, status: str,
           comment: str) -> None:
    db.execute("INSERT INTO reviews (submission_id, reviewer, status, comment, at) "
               "VALUES (?, ?, ?, ?, ?)", (submission_id, reviewer_id, status, comment, now()))
    db.execute("UPDATE submissions SET status = ?, updated = ? WHERE id = ?",
               (status, now(), submission_id))
    db.commit()


def reviews(db: sqlite3.Connection, submission_id: int) -> list[sqlite3.Row]:
    return db.execute("SELECT r.*, u.name AS reviewer_name FROM reviews r JOIN users u ON "
                      "u.id = r.reviewer WHERE submission_id = ? ORDER BY r.id",
                      (submission_id,)).fetchall()


def log(db: sqlite3.Connection, user: str | None, action: str, target: str = "",
        detail: str = "") -> None:
    db.execute("INSERT INTO audit (at, user, action, target, detail) VALUES (?, ?, ?, ?, ?)",
               (now(), user, action, target, detail))
    db.commit()


def audit_log(db: sqlite3.Connection, limit: int = 500) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
