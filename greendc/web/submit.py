"""Receiving a workbook: checked, stored under its content hash, queued as a new version.

The same path serves the upload form and ``POST /api/submissions``: an enterprise user creates
a submission for its own organisation or adds a version to one of its organisation's; the file
is refused by size and type first (nothing is stored), then written once as
``DATA/uploads/<sha256><suffix>`` and queued for the worker pool.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from starlette.datastructures import UploadFile

from greendc.batch.outputs import atomic_write
from greendc.web import store
from greendc.web.security import content_name, upload_problem

FORM_OVERHEAD = 64 * 1024  # bytes of multipart framing and form fields beside the file


class UploadRefused(Exception):
    """An upload refused before it was stored: ``key`` and ``values`` of its ``web.*`` message."""

    def __init__(self, key: str, values: dict | None = None, status: int = 400):
        super().__init__(key)
        self.key, self.values, self.status = key, values or {}, status


def body_too_large(request, bench) -> bool:
    """Whether the request announces a body beyond the upload limit (refused before it is read;
    a reverse proxy's body limit covers requests that announce none)."""
    try:
        length = int(request.headers.get("content-length", "0"))
    except ValueError:
        return True
    return length > bench.options.limits["max_file_mb"] * 1e6 + FORM_OVERHEAD


async def receive(bench, user: sqlite3.Row, upload: object,
                  submission_id: int | None = None) -> tuple[int, int]:
    """Store ``upload`` as a new version of ``submission_id`` (or of a new submission).

    Parameters
    ----------
    bench : Workbench
        The application's state.
    user : sqlite3.Row
        An enterprise account (the caller checks the role and, for an existing submission,
        the organisation).
    upload : UploadFile
        The form's ``file`` field.
    submission_id : int or None
        The submission to add a version to; None creates one.

    Returns
    -------
    tuple of (int, int)
        The submission's and the new version's ids.

    Raises
    ------
    UploadRefused
        No file, a file too large, or not a workbook or CSV by its suffix and first bytes.
    """
    if not isinstance(upload, UploadFile):
        raise UploadRefused("web.upload_missing")
    limit = bench.options.limits["max_file_mb"]
    data = await upload.read(int(limit * 1e6) + 1)
    filename = Path(upload.filename or "").name[:200]
    problem = upload_problem(filename, data, limit)
    if problem:
        raise UploadRefused(*problem, status=413 if problem[0] == "web.upload_too_large" else 400)
    sha, stored = content_name(data, filename)
    target = bench.data / "uploads" / stored
    if not target.exists():
        atomic_write(target, data)
    db = bench.db
    if submission_id is None:
        submission_id = store.create_submission(db, user["org"], user["id"])
    version_id = store.add_version(db, submission_id, sha, filename, stored, user["id"])
    store.log(db, user["name"], "upload", f"submission {submission_id}",
              f"version {version_id}, {filename}, sha256 {sha[:16]}")
    if bench.dispatcher is not None:
        bench.dispatcher.wake()
    return submission_id, version_id
