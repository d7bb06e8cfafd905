"""Passwords, login rate limits, upload checks and the headers every response carries.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's second recommended
parameter set).  Login failures are counted per account and per address over a window
(``[web]`` in ``assessment.toml``); beyond either limit a login is refused with 429 before the
password is checked.  Uploads are refused by size and type before they are stored, under their
content hash, never a user-chosen path; what is inside a workbook is the reader's to refuse
(zip bombs, sheet and row limits).
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import time
from pathlib import PurePath

from greendc.errors import GreenDCError
from greendc.reference.settings import setting
from greendc.web import store

SUFFIXES = {".xlsx": (b"PK\x03\x04",), ".xlsm": (b"PK\x03\x04",),
            ".xls": (b"\xd0\xcf\x11\xe0",), ".csv": ()}
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
PAGE_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``.

    Raises
    ------
    GreenDCError
        The password is shorter than ``[web] min_password_length``.
    """
    if len(password) < setting("web", "min_password_length"):
        raise GreenDCError(f"the password must have at least "
                           f"{setting('web', 'min_password_length')} characters")
    return _hasher().hash(password)


_DUMMY: list[str] = []


def check_user_password(row, password: str) -> bool:
    """Whether ``row`` is an enabled account whose password is ``password``.  A missing or
    disabled account costs the same hash check, so response times do not reveal which names
    exist."""
    if row is None or row["disabled"]:
        if not _DUMMY:
            _DUMMY.append(_hasher().hash("not a password of anyone"))
        check_password(_DUMMY[0], password)
        return False
    return check_password(row["hash"], password)


def check_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches; a malformed hash never matches."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def login_blocked(db: sqlite3.Connection, username: str, address: str) -> bool:
    """Whether the account or the address has failed too often within the window."""
    since = time.time() - setting("web", "login_window_minutes") * 60
    return (store.failures(db, f"user:{username}", since)
            >= setting("web", "login_failures_per_account")
            or store.failures(db, f"addr:{address}", since)
            >= setting("web", "login_failures_per_address"))


def login_failed(db: sqlite3.Connection, username: str, address: str) -> None:
    store.record_failure(db, [f"user:{username}", f"addr:{address}"], time.time())


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of two CSRF tokens; False when either is missing."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def upload_problem(filename: str, data: bytes, max_mb: float) -> tuple[str, dict] | None:
    """Why an upload is refused before it is stored: (message key, values), or None.

    Parameters
    ----------
    filename : str
        As the browser sent it; only its suffix is used.
    data : bytes
        The file's content.
    max_mb : float
        ``[limits] max_file_mb``.

    Returns
    -------
    tuple or None
        ``web.upload_empty``, ``web.upload_too_large`` or ``web.upload_type`` with its values.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if not data:
        return "web.upload_empty", {}
    if len(data) > max_mb * 1e6:
        return "web.upload_too_large", {"limit": max_mb}
    if suffix not in SUFFIXES:
        return "web.upload_type", {"suffix": suffix or "-"}
    magics = SUFFIXES[suffix]
    if magics and not any(data.startswith(m) for m in magics):
        return "web.upload_type", {"suffix": suffix}
    return None


def content_name(data: bytes, filename: str) -> tuple[str, str]:
    """(sha256, stored file name): the content hash and the checked suffix, nothing else of
    the user's name."""
    sha = hashlib.sha256(data).hexdigest()
    return sha, sha + PurePath(filename).suffix.lower()


def security_headers(report: bool = False) -> dict[str, str]:
    """Headers for every response; reports get a policy with no script source but the page's
    own (they carry none) and no network."""
    return {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin",
            "Content-Security-Policy": REPORT_CSP if report else PAGE_CSP}
