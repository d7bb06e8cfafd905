"""Cells of a workbook with their exact coordinates: the reader's low-level layer.

:class:`XlsxBook` streams an .xlsx/.xlsm sheet's XML and stops after the rows it needs, so
finding a header in a 35,000-row sheet costs a few milliseconds; the bulk of a big energy table is
left to fastexcel.  :class:`~greendc.reading.xls.XlsBook` reads legacy .xls through
python-calamine with the same interface.  Both give every
cell's real row number and column, so findings can name the place a person sees in Excel.

Values come back as ``str``, ``float``, ``bool``, ``datetime`` (date-formatted numbers),
``None`` (empty) or :data:`FORMULA_WITHOUT_VALUE` (a formula saved without its result, as
scripts often write them).  Nothing here ever evaluates a formula or runs a macro.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterator
from functools import cached_property
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as _defused_iterparse

from greendc.reading.excel import (
    BUILTIN_DATE_FORMATS,
    column_index,
    excel_datetime,
    is_date_format,
)
from greendc.reference.settings import Limits

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class _FormulaWithoutValue:
    """A formula cell saved without a cached result."""

    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()
Row = tuple[int, list[Any]]  # (1-based row number, values by 0-based column)

_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_CELL_REF_BYTES = re.compile(rb'r="([A-Z]+[0-9]+)"')
_CACHED_VALUE = re.compile(rb"<v>[^<]")


# What zipfile and zlib raise on a damaged archive while it is read: a bad or truncated archive,
# a corrupt deflate stream, an unsupported compression method (NotImplementedError), an
# encrypted member (RuntimeError) or a member name that is not valid UTF-8.  A missing part is
# a KeyError, caught only where a part is looked up (XlsxBook._read).  Anything else raised
# while a workbook is read is a bug of greendc's and keeps its traceback.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
              RuntimeError, UnicodeDecodeError)


class SheetError(Exception):
    """The workbook's structure cannot be read (the reader turns this into an InputError).

    ``limit`` is True when the workbook was refused on purpose (a limit, a DTD), not damaged.
    """

    def __init__(self, message: str, limit: bool = False) -> None:
        super().__init__(message)
        self.limit = limit


def iterparse(source, events=("end",)):
    """XML events with DTDs and entities forbidden (no billion laughs, no external entities).

    Parameters
    ----------
    source : file-like or str
        The XML stream (or a path to it).
    events : tuple of str
        Events to report, as for :func:`xml.etree.ElementTree.iterparse`.

    Returns
    -------
    Iterator of tuple of (str, Element)
        Each (event, element) pair, lazily; iteration raises :class:`SheetError` (``limit``
        True) when the XML declares a DTD or entities.
    """
    try:
        yield from _defused_iterparse(source, events=events, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise SheetError(f"the workbook's XML declares a DTD or entities, which greendc does "
                         f"not accept ({type(exc).__name__})", limit=True) from None


def _check_archive(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse zip bombs before anything is inflated."""
    limit = limits["max_inflated_mb"] * 1e6
    ratio = limits["max_compression_ratio"]
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if total > limit:
        raise SheetError(f"the workbook inflates to {total / 1e6:,.0f} MB, more than the "
                         f"{limit / 1e6:,.0f} MB limit", limit=True)
    for info in infos:
        packed = max(info.compress_size, 1)
        if info.file_size > 1e6 and info.file_size > ratio * packed:
            raise SheetError(f"{info.filename} is compressed {info.file_size / packed:,.0f} to 1, "
                             f"beyond the {ratio} to 1 limit (a zip bomb?)", limit=True)


def _check_dimension(sheet: str, ref: str, limits: Limits) -> None:
    """Refuse a sheet whose declared extent is beyond the row or column limit."""
    last = ref.split(":")[-1]
    m = _CELL_REF.match(last)
    if not m:
        return
    rows, columns = int(m[2]), column_index(m[1]) + 1
    if rows > limits["max_rows"] or columns > limits["max_columns"]:
        raise SheetError(f"sheet {sheet!r} declares {rows:,} rows and {columns:,} columns "
                         f"({ref}), beyond the limits of {limits['max_rows']:,} rows "
                         f"and {limits['max_columns']:,} columns", limit=True)


def _integer(text: str, what: str) -> int:
    """An integer attribute of the sheet's XML; a damaged one makes the sheet unreadable."""
    try:
        return int(text)
    except ValueError:
        raise SheetError(f"a damaged {what} in the sheet's XML: {text[:40]!r}") from None


def _number(text: str) -> float | str:
    """A numeric cell's value; text that is no number stays text (reported as such later)."""
    try:
        return float(text)
    except ValueError:
        return text


class XlsxBook:
    """An .xlsx or .xlsm workbook held in memory, read sheet by sheet as a stream."""

    def __init__(self, data: bytes, limits: Limits | None = None) -> None:
        self._limits = limits or Limits()
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            names = set(self._zip.namelist())
            _check_archive(self._zip, self._limits)
            workbook = self._read("xl/workbook.xml")
        except SheetError:
            raise
        except ZIP_ERRORS as exc:
            if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
                raise SheetError("the workbook is password-protected or encrypted: save an "
                                 "unprotected copy") from None
            raise SheetError(f"{type(exc).__name__}: {exc}") from None
        self._names = names
        self._sheets: dict[str, str] = {}
        self.hidden: set[str] = set()
        self.date1904 = False
        try:
            rels = self._relationships()
            for _, element in iterparse(io.BytesIO(workbook)):
                if element.tag == f"{NS}sheet":
                    name = element.get("name", "")
                    target = rels.get(element.get(f"{REL_NS}id", ""), "")
                    self._sheets[name] = target
                    if element.get("state") in ("hidden", "veryHidden"):
                        self.hidden.add(name)
                elif element.tag == f"{NS}workbookPr":
                    self.date1904 = element.get("date1904") in ("1", "true")
        except ParseError as exc:
            raise SheetError(f"xl/workbook.xml is not valid XML: {exc}") from None
        except ZIP_ERRORS as exc:
            raise SheetError(f"the workbook's parts cannot be read: {exc}") from None
        if len(self._sheets) > self._limits["max_sheets"]:
            raise SheetError(f"the workbook has {len(self._sheets)} sheets, more than the "
                             f"{self._limits['max_sheets']} limit", limit=True)

    def _read(self, name: str) -> bytes:
        with self._open(name) as stream:
            return stream.read()

    def _open(self, name: str) -> IO[bytes]:
        """Open a part of the archive; a missing part or a damaged directory is a SheetError.

        zipfile raises ValueError ("negative seek value") when the central directory points
        before the start of the file; that is damage, not a bug of greendc's.
        """
        try:
            return self._zip.open(name)
        except KeyError as exc:
            raise SheetError(f"KeyError: {exc}") from None
        except ValueError as exc:
            raise SheetError(f"the archive's directory is damaged ({name}): {exc}") from None

    def _relationships(self) -> dict[str, str]:
        out = {}
        rels = "xl/_rels/workbook.xml.rels"
        if rels not in self._names:
            return out
        for _, element in iterparse(io.BytesIO(self._read(rels))):
            if element.tag == f"{PKG_REL_NS}Relationship":
                target = element.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                out[element.get("Id", "")] = target
        return out

    @property
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    @cached_property
    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self._names:
            return []
        strings: list[str] = []
        parts: list[str] = []
        depth_phonetic = 0
        with self._open("xl/sharedStrings.xml") as stream:
            for event, element in iterparse(stream, events=("start", "end")):
                tag = element.tag
                if tag == f"{NS}rPh":
                    depth_phonetic += 1 if event == "start" else -1
                elif event == "end" and tag == f"{NS}t" and not depth_phonetic:
                    parts.append(element.text or "")
                elif event == "end" and tag == f"{NS}si":
                    strings.append("".join(parts))
                    parts = []
                    element.clear()
        return strings

    @cached_property
    def _date_styles(self) -> set[int]:
        if "xl/styles.xml" not in self._names:
            return set()
        custom: dict[int, str] = {}
        xfs: list[int] = []
        in_cell_xfs = False
        for event, element in iterparse(io.BytesIO(self._read("xl/styles.xml")),
                                        events=("start", "end")):
            if element.tag == f"{NS}numFmt" and event == "end":
                custom[_integer(element.get("numFmtId", "0"), "number format")] = element.get(
                    "formatCode", "")
            elif element.tag == f"{NS}cellXfs":
                in_cell_xfs = event == "start"
            elif element.tag == f"{NS}xf" and event == "start" and in_cell_xfs:
                xfs.append(_integer(element.get("numFmtId", "0"), "number format"))
        return {i for i, fmt in enumerate(xfs)
                if fmt in BUILTIN_DATE_FORMATS or (fmt in custom and is_date_format(custom[fmt]))}

    def rows(self, sheet: str, max_rows: int | None = None) -> Iterator[Row]:
        """Rows of ``sheet`` that hold at least one cell, up to row number ``max_rows``."""
        target = self._sheets[sheet]
        if target not in self._names:
            raise SheetError(f"sheet {sheet!r} points to {target!r}, which is missing")
        shared = None
        row_number = 0
        values: dict[int, Any] = {}
        next_col = 0
        try:
            dates = self._date_styles
            with self._open(target) as stream:
                for _, element in iterparse(stream):
                    tag = element.tag
                    if tag == f"{NS}dimension":
                        _check_dimension(sheet, element.get("ref", ""), self._limits)
                    if tag == f"{NS}c":
                        ref = element.get("r")
                        if ref:
                            m = _CELL_REF.match(ref)
                            col = column_index(m[1]) if m else next_col
                        else:
                            col = next_col
                        next_col = col + 1
                        kind = element.get("t", "n")
                        v = element.find(f"{NS}v")
                        text = v.text if v is not None else None
                        if kind == "inlineStr":
                            node = element.find(f"{NS}is")
                            value: Any = "".join(t.text or "" for t in node.iter(f"{NS}t")) \
                                if node is not None else None
                        elif text is None:
                            value = (FORMULA_WITHOUT_VALUE
                                     if element.find(f"{NS}f") is not None else None)
                        elif kind == "s":
                            if shared is None:
                                shared = self._shared_strings
                            index = _integer(text, "shared-string index")
                            value = shared[index] if 0 <= index < len(shared) else None
                        elif kind in ("str", "e", "d"):
                            value = text
                        elif kind == "b":
                            value = text == "1"
                        else:
                            number = _number(text)
                            style = _integer(element.get("s", "0"), "style index")
                            value = number
                            if isinstance(number, float) and style in dates \
                                    and math.isfinite(number):
                                with contextlib.suppress(OverflowError, ValueError):
                                    value = excel_datetime(number, self.date1904)
                        if value is not None and value != "":
                            values[col] = value
                        element.clear()
                    elif tag == f"{NS}row":
                        r = element.get("r")
                        row_number = _integer(r, "row number") if r else row_number + 1
                        if max_rows is not None and row_number > max_rows:
                            break
                        if values:
                            width = max(values) + 1
                            yield row_number, [values.get(c) for c in range(width)]
                        values = {}
                        next_col = 0
                        element.clear()
        except SheetError:
            raise
        except (ParseError, *ZIP_ERRORS) as exc:
            raise SheetError(f"sheet {sheet!r} cannot be read: {exc}") from None

    def formula_cells_without_value(self, sheet: str, limit: int = 20) -> list[str]:
        """References of formula cells saved without a result (e.g. ``["C14", "C15"]``)."""
        try:
            data = self._read(self._sheets[sheet])
        except (SheetError, *ZIP_ERRORS):
            return []
        found: list[str] = []
        pos = data.find(b"<f")
        while pos != -1 and len(found) < limit:
            start = data.rfind(b"<c ", 0, pos)
            end = data.find(b"</c>", pos)
            if start != -1 and end != -1 and not _CACHED_VALUE.search(data, start, end):
                ref = _CELL_REF_BYTES.search(data, start, pos)
                if ref:
                    found.append(ref[1].decode())
            pos = data.find(b"<f", end if end != -1 else pos + 2)
        return found
