"""Batch inputs: every file under an inbox, zip archives opened in memory and safely.

An archive's members are never written to disk: each becomes an :class:`Item` that names the
archive and the member, and the worker reads the member's bytes itself.  Unsafe members (paths
outside the archive, links, nested archives) become items with a problem, so they are reported
like any other bad file.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from greendc.batch.mapping import MAPPING_FILE
from greendc.findings import input_error
from greendc.reference.settings import Limits

SUBMISSION_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
                  RuntimeError)


@dataclass(frozen=True)
class Item:
    """One input: its display name (``folder/file.xlsx`` or ``archive.zip!member``), where its
    bytes are (a file, or a member of an archive), or why it cannot be read at all."""

    name: str
    path: Path | None
    member: str | None = None  # the member's name inside the archive at ``path``
    problem: str | None = None  # why it cannot be read: a key of ``batch.*`` in the catalogue
    details: dict[str, Any] = field(default_factory=dict)  # the values in that message
    code: str = "not_a_submission"  # the code its record's error carries

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.member or self.name).suffix.lower()

    def read(self, limits: Limits) -> bytes | Path:
        """The item's source for the reader: the file's path, or an archive member's bytes.

        Raises
        ------
        InputError
            The member is larger than the ``max_file_mb`` limit or cannot be extracted.
        """
        assert self.path is not None
        if self.member is None:
            return self.path
        limit = int(limits["max_file_mb"] * 1e6)
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as stream:
                data = stream.read(limit + 1)
        except ARCHIVE_ERRORS as exc:
            raise input_error(self.name, "not_a_submission", error=str(exc)) from None
        if len(data) > limit:
            raise input_error(self.name, "member_too_large", limit=limit / 1e6)
        return data

    def sha256(self) -> str:
        """The SHA-256 of the item's bytes, read as a stream ("" when it has none)."""
        if self.path is None:
            return ""
        digest = hashlib.sha256()
        try:
            if self.member is None:
                with open(self.path, "rb") as stream:
                    for chunk in iter(lambda: stream.read(1 << 20), b""):
                        digest.update(chunk)
            else:
                with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as stream:
                    for chunk in iter(lambda: stream.read(1 << 20), b""):
                        digest.update(chunk)
        except ARCHIVE_ERRORS:
            return ""
        return digest.hexdigest()


def discover(inbox: Path) -> list[Item]:
    """Every file under ``inbox``, in name order; zip archives give one item per member.

    Parameters
    ----------
    inbox : the folder to search (recursively)

    Returns
    -------
    list of Item
        Every file but the inbox's ``greendc-columns.toml``.
    """
    items: list[Item] = []
    for path in sorted(p for p in inbox.rglob("*") if p.is_file() or p.is_symlink()):
        name = path.relative_to(inbox).as_posix()
        if name == MAPPING_FILE:
            continue  # the reviewer's column mapping, read by the batch
        if path.is_symlink():
            items.append(Item(name, None, problem="symlink"))
        elif path.suffix.lower() == ".zip":
            items.extend(_members(path, name))
        else:
            items.append(Item(name, path))
    return items


def _members(path: Path, name: str) -> Iterator[Item]:
    """Members of an archive as items; unsafe or nested members become items with a problem."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except ARCHIVE_ERRORS as exc:
        yield Item(name, None, problem="bad_archive", details={"error": str(exc)})
        return
    if not members:
        yield Item(name, None, problem="empty_archive")
        return
    for info in members:
        member = f"{name}!{info.filename}"
        pure = PurePosixPath(info.filename.replace("\\", "/"))
        if info.is_dir():
            continue
        if pure.is_absolute() or ".." in pure.parts or info.filename.startswith(("/", "\\")):
            yield Item(member, None, problem="zip_slip")
        elif (info.external_attr >> 16) & 0o170000 == 0o120000:
            yield Item(member, None, problem="archive_symlink")
        elif pure.suffix.lower() == ".zip":
            yield Item(member, None, problem="nested_archive")
        else:
            yield Item(member, path, member=info.filename)
