"""Where a submission's bytes come from and what kind of file they are.

:func:`load_source` accepts a path, bytes or a binary file object alike (batch reads archive
members in memory); :func:`file_type` tells a workbook from a legacy .xls or a text table by its
first bytes, and refuses a file whose content contradicts its name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from greendc.findings import input_error
from greendc.reference.settings import Limits

Source = str | Path | bytes | bytearray | BinaryIO
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls")


@dataclass(frozen=True)
class Loaded:
    """A submission's bytes, the name they go by and their SHA-256."""

    path: Path
    data: bytes
    sha256: str


def load_source(source: Source, limits: Limits, name: str | None = None) -> Loaded:
    """The bytes of a submission given as a path, bytes or a binary file object.

    Parameters
    ----------
    source : a file path, the file's bytes, or a binary file object open for reading
    limits : the run's limits (``max_file_mb``)
    name : the name the file goes by in messages and results (default: the path, the file
        object's ``name``, else ``submission``); its extension decides how text is read

    Returns
    -------
    Loaded
        The bytes, the name as a path and the SHA-256 of the bytes.

    Raises
    ------
    InputError
        The file is missing, a folder, unreadable, empty or larger than the limit.
    """
    limit = limits["max_file_mb"] * 1e6
    if isinstance(source, bytes | bytearray):
        path, data = Path(name or "submission"), bytes(source)
    elif isinstance(source, str | Path):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > limit:
                raise input_error(path, "too_large", size=size / 1e6, limit=limit / 1e6)
            data = path.read_bytes()
        except FileNotFoundError:
            raise input_error(path, "not_found") from None
        except IsADirectoryError:
            raise input_error(path, "not_a_file") from None
        except OSError as exc:
            raise input_error(path, "unreadable", error=exc.strerror) from None
        if name:
            path = Path(name)
    else:
        path = Path(name or getattr(source, "name", None) or "submission")
        data = source.read(int(limit) + 1)
        if not isinstance(data, bytes):
            raise TypeError("read_submission needs a binary file object (open(..., 'rb'))")
    if len(data) > limit:
        raise input_error(path, "too_large", size=len(data) / 1e6, limit=limit / 1e6)
    if not data:
        raise input_error(path, "empty_file")
    return Loaded(path, data, hashlib.sha256(data).hexdigest())


def file_type(path: Path, data: bytes) -> str:
    """``xlsx`` (any zip workbook), ``xls`` (the legacy binary format) or ``csv`` (text).

    Parameters
    ----------
    path : Path
        The file's name; its extension is checked against the content.
    data : bytes
        The file's content (its first 8 bytes decide).

    Returns
    -------
    str
        ``xlsx``, ``xls`` or ``csv``.

    Raises
    ------
    InputError
        The content contradicts the name (a zip named .csv, text named .xlsx), or the name has
        no supported extension.
    """
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04":
        if suffix in TEXT_SUFFIXES:
            raise input_error(path, "wrong_type")
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if suffix in WORKBOOK_SUFFIXES:
        raise input_error(path, "not_a_workbook", suffix=suffix)
    if suffix in TEXT_SUFFIXES:
        return "csv"
    raise input_error(path, "unsupported_type", suffix=suffix or "-")
