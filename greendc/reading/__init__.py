"""Read a submission (a workbook or a CSV of the Energy table) into a :class:`Submission`.

The reader knows files, sheets, headers and units; it knows nothing of metrics or rules.  It
finds the energy table wherever its header is, maps source headers to canonical column names
through the alias table (``columns.toml``), converts every value to the canonical unit of its
column, and records the sheet and row each value came from, so that every later finding can name
its place.

Structural problems (not a workbook, no energy table, no IT column, an unknown unit) raise
:class:`~greendc.errors.InputError`.  Cell-level problems (text in a number cell, an unreadable
date, a register running backwards) are collected as error findings, all of them in one pass.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greendc import reference
from greendc.errors import InputError, Place
from greendc.findings import Finding
from greendc.reading import energy as energy_tables
from greendc.reading.cells import SheetError, XlsBook, XlsxBook, column_letter
from greendc.reading.headers import (
    HEADER_SCAN_ROWS,
    ColumnSource,
    cell_text,
    find_header,
    resolve_columns,
    units_row,
)
from greendc.reading.periods import infer_granularity
from greendc.reading.tables import read_key_values, read_records
from greendc.reference import setting

__all__ = ["ColumnSource", "Submission", "infer_granularity", "read_submission"]

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
# fastexcel logs dtype fallbacks (e.g. a text cell in a number column) as warnings; greendc
# reports those cells itself, so they are kept off the console unless the user configures logging.
logging.getLogger("fastexcel").addHandler(logging.NullHandler())
SMALL_TABLES = ("facility", "measures", "meters", "operating_points")


@dataclass
class Submission:
    """Everything read from one submission file.

    Attributes
    ----------
    energy : DataFrame indexed by period start (naive local time), one float column per role
        present, canonical names with units (``facility_energy_kwh``, ``it_energy_kwh`` ...).
    row_numbers, row_sheets : the source row (Excel row or CSV line) and sheet of every value,
        same index as ``energy``, one column per role plus ``period_start``.
    granularity : ``monthly``, ``daily``, ``hourly``, ``30min``, ``15min``, ``5min`` or
        ``irregular``; ``step`` the nominal length of one period.
    """

    path: Path
    sha256: str
    file_type: str
    facility: dict[str, Any]
    energy: pd.DataFrame
    row_numbers: pd.DataFrame
    row_sheets: pd.DataFrame
    energy_sheet: str | None
    columns: dict[str, ColumnSource]
    granularity: str
    step: pd.DateOffset | pd.Timedelta
    measures: list[dict[str, Any]] = field(default_factory=list)
    meters: list[dict[str, Any]] = field(default_factory=list)
    operating_points: list[dict[str, Any]] = field(default_factory=list)
    operating_sheet: str | None = None
    measures_sheet: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def rows(self) -> np.ndarray:
        """Source row of each period (of the IT column when the data span several sheets)."""
        return self.row_numbers["period_start"].to_numpy()

    def place(self, column: str | None = None, positions: np.ndarray | None = None) -> Place:
        """A :class:`Place` for canonical ``column`` at row ``positions`` of ``energy``."""
        header = self.columns[column].header if column in self.columns else column
        key = column if column in self.row_numbers else "period_start"
        picked = np.asarray(positions if positions is not None else [], dtype=int)
        numbers = self.row_numbers[key].to_numpy()[picked]
        sheets = self.row_sheets[key].to_numpy()[picked]
        names = [s for s in dict.fromkeys(sheets) if isinstance(s, str)]
        sheet = ", ".join(names) if names else self.energy_sheet
        return Place.for_rows(sheet, [r for r in numbers if r == r], header)

    @classmethod
    def from_frame(cls, energy: pd.DataFrame, facility: dict[str, Any] | None = None,
                   name: str = "frame") -> Submission:
        """A submission from a DataFrame already in canonical form (period-start index, columns
        such as ``facility_energy_kwh`` and ``it_energy_kwh`` in their canonical units)."""
        energy = energy.copy()
        energy.index = pd.DatetimeIndex(energy.index, name="period_start")
        granularity, step = infer_granularity(energy.index)
        rows = np.arange(len(energy)) + 2
        roles = [*energy.columns, "period_start"]
        columns = {c: ColumnSource(c, c, column_letter(i + 1), reference.columns()[c].unit,
                                   1.0, sheet=name) for i, c in enumerate(energy.columns)}
        return cls(path=Path(name), sha256="", file_type="frame", facility=dict(facility or {}),
                   energy=energy, row_numbers=pd.DataFrame({r: rows for r in roles},
                                                           index=energy.index),
                   row_sheets=pd.DataFrame({r: [name] * len(rows) for r in roles},
                                           index=energy.index, dtype=object),
                   energy_sheet=name, columns=columns, granularity=granularity, step=step)

    def select(self, mask: np.ndarray) -> Submission:
        """The submission restricted to the energy rows in ``mask``."""
        from dataclasses import replace

        return replace(self, energy=self.energy.loc[mask], row_numbers=self.row_numbers.loc[mask],
                       row_sheets=self.row_sheets.loc[mask])


# ---------------------------------------------------------------------------- file level


def read_submission(path: str | Path) -> Submission:
    """Read a submission workbook (.xlsx, .xlsm, .xls) or a CSV/TXT file of the Energy table.

    Raises
    ------
    InputError
        The file cannot be read, has no energy table, lacks facility-total or IT energy, or a
        header names a unit greendc does not know.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        limit = setting("limits", "max_file_mb") * 1e6
        if size > limit:
            raise InputError(path, f"the file is {size / 1e6:,.0f} MB, more than the "
                             f"{limit / 1e6:,.0f} MB limit", code="too_large")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found", code="not_found") from None
    except IsADirectoryError:
        raise InputError(path, "this is a folder, not a file", code="not_a_file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror}", code="unreadable") from None
    if not data:
        raise InputError(path, "the file is empty (0 bytes)", code="empty_file")
    sha256 = hashlib.sha256(data).hexdigest()
    kind = _file_type(path, data)
    if kind == "csv":
        return _read_csv(path, data, sha256)
    return _read_workbook(path, data, sha256, kind)


def _file_type(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04":
        if suffix in (".csv", ".txt", ".tsv"):
            raise InputError(path, "the file is a zip archive or workbook, not a CSV text file",
                             code="wrong_type")
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if suffix in (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls"):
        raise InputError(path, f"not an Excel workbook (the content is not that of a {suffix} "
                         "file): open it in Excel and save it again as .xlsx",
                         code="not_a_workbook")
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise InputError(path, f"unsupported file type {suffix or '(no extension)'}: "
                     "give an .xlsx, .xls or .csv file", code="unsupported_type")


# ---------------------------------------------------------------------------- workbooks


def _classify_sheets(names: list[str]) -> dict[str, str]:
    """Canonical sheet key -> sheet name, for the sheets whose names say what they hold."""
    index = reference.sheet_index()
    found: dict[str, str] = {}
    for name in names:
        for variant in reference.name_variants(name):
            key = index.get(variant)
            if key and key not in found:
                found[key] = name
                break
    return found


def _open_book(path: Path, data: bytes, kind: str):
    try:
        return XlsxBook(data) if kind == "xlsx" else XlsBook(data)
    except SheetError as exc:
        if exc.limit:  # refused on purpose: saving it again would not help
            raise InputError(path, f"refused: {exc}", code="beyond_limits") from None
        if kind == "xls":
            hint = ("a password-protected or damaged workbook" if b"EncryptedPackage" in data
                    or "encrypt" in str(exc).lower() else "a damaged or unsupported .xls file")
            raise InputError(path, f"cannot read the workbook: {hint} ({exc}); open it in Excel "
                             "and save it as .xlsx", code="not_a_workbook") from None
        raise InputError(path, f"not a readable Excel workbook ({exc}); open it in Excel and "
                         "save it again as .xlsx", code="not_a_workbook") from None


def _grid(path: Path, book, sheet: str, max_rows: int | None) -> list[tuple[int, list[Any]]]:
    try:
        return list(book.rows(sheet, max_rows))
    except SheetError as exc:
        raise InputError(path, f"cannot read the sheet: {exc}", Place(sheet=sheet),
                         code="unreadable_sheet") from None


def _read_workbook(path: Path, data: bytes, sha256: str, kind: str) -> Submission:
    book = _open_book(path, data, kind)
    names = book.sheet_names
    if not names:
        raise InputError(path, "the workbook has no sheets", code="empty_workbook")
    named = _classify_sheets(names)
    findings: list[Finding] = []

    facility: dict[str, Any] = {}
    if "facility" in named:
        facility, found = read_key_values(_grid(path, book, named["facility"], None),
                                          named["facility"])
        findings += found
    else:
        findings.append(Finding("no_facility_sheet", "warning"))
    declared_unit = facility.get("energy_unit")
    timezone = facility.get("timezone") or setting("ingest", "default_timezone")

    small = {named[k] for k in SMALL_TABLES if k in named}
    candidates = [s for s in names if s not in small]
    if "energy" in named:  # a sheet named like an energy sheet is searched first
        candidates.remove(named["energy"])
        candidates.insert(0, named["energy"])
    raw_tables = []
    for sheet in candidates:
        head = _grid(path, book, sheet, HEADER_SCAN_ROWS)
        header = find_header(head)
        if header is None:
            continue
        raw_tables.append(_raw_table(path, data, book, kind, sheet, head, header, declared_unit))
    if not raw_tables:
        if all(not _grid(path, book, s, HEADER_SCAN_ROWS) for s in names):
            raise InputError(path, "every sheet is empty", code="empty_workbook")
        raise InputError(path, "no energy table found: no sheet has a header row with a period "
                         f"column and energy columns in its first {HEADER_SCAN_ROWS} rows (see "
                         "docs/submission-format.md)", Place(sheet=named.get("energy")),
                         code="no_energy_table")

    tables = {}
    for name in reference.SMALL_TABLE_NAMES:
        tables[name] = []
        if name in named:
            tables[name], found = read_records(_grid(path, book, named[name], None), named[name],
                                               name)
            findings += found
    submission = _assemble(path, sha256, kind, facility, raw_tables, timezone, findings)
    submission.measures = tables["measures"]
    submission.meters = tables["meters"]
    submission.operating_points = tables["operating_points"]
    submission.operating_sheet = named.get("operating_points")
    submission.measures_sheet = named.get("measures")
    return submission


def _raw_table(path: Path, data: bytes, book, kind: str, sheet: str, head, header,
               declared_unit: str | None) -> energy_tables.RawTable:
    index, cells = header
    header_row, row = head[index]
    under = head[index + 1] if index + 1 < len(head) else None
    unit_row = units_row(under[1], cells) if under and under[0] == header_row + 1 else None
    columns, findings = resolve_columns(path, sheet, header_row, row, cells, column_letter,
                                        unit_row, declared_unit)
    first_data_row = header_row + (2 if unit_row else 1)
    frame = rows = None
    if kind == "xlsx":
        loaded = _fastexcel_body(path, data, sheet, head, index, columns, bool(unit_row))
        if loaded is not None:
            frame, rows, cell_findings = loaded
            findings += cell_findings
            if frame[[c for c in columns if c != "period_start"]].isna().any(axis=None):
                findings += _formula_cells(book, sheet, columns)
    if frame is None:  # .xls, or a sheet fastexcel names differently: read every cell
        grid = [(r, cells_) for r, cells_ in _grid(path, book, sheet, None)
                if r >= first_data_row]
        _check_rows(path, sheet, len(grid))
        positions = {c.position: c.role for c in cells}
        rows = np.array([r for r, _ in grid], dtype=int)
        frame = pd.DataFrame({role: [cells_[p] if p < len(cells_) else None
                                     for _, cells_ in grid] for p, role in positions.items()})
        if frame.empty:
            frame = pd.DataFrame({role: [] for role in positions.values()}, dtype=object)
    return energy_tables.RawTable(sheet, columns, frame, rows, findings,
                                  hidden=sheet in book.hidden)


def _fastexcel_body(path: Path, data: bytes, sheet: str, head, index: int,
                    columns: dict[str, ColumnSource], skip_units: bool):
    """The data rows read by fastexcel, or None when its view of the sheet differs from ours."""
    from greendc.reading.isolate import IsolationError, run_bounded

    first_row = head[0][0]  # fastexcel's rows start at the first row holding a value
    header_row = head[index][0]
    wanted = {c.header: role for role, c in columns.items()}
    try:
        loaded = run_bounded(_fastexcel_load, data, sheet, header_row - first_row, skip_units,
                             list(wanted))
    except IsolationError as exc:
        raise InputError(path, str(exc), Place(sheet=sheet), code="reader_failed") from None
    if loaded is None:
        return None  # fall back to reading every cell ourselves
    frame, names, total_height, errors = loaded
    if sorted(names) != sorted(wanted):
        return None
    _check_rows(path, sheet, total_height)
    frame = frame.rename(columns=wanted)
    rows = np.arange(len(frame)) + header_row + (2 if skip_units else 1)
    bad: dict[str, list[tuple[int, str]]] = {}
    for position, name, detail in errors:
        text = _CELL_TEXT.search(detail)
        bad.setdefault(wanted[name], []).append((position, text[1] if text else detail))
    findings = []
    for role, cells in bad.items():
        mask = np.zeros(len(frame), dtype=bool)
        mask[[r for r, _ in cells]] = True
        findings.append(Finding("text_in_number", "error",
                                energy_tables.rows_place(sheet, rows, mask, columns[role].header),
                                {"count": len(cells), "text": cells[0][1]}))
    return frame, rows, findings


_CELL_TEXT = __import__("re").compile(r'String\("(.*)"\)')


def _fastexcel_load(data: bytes, sheet: str, header_row: int, skip_units: bool,
                    columns: list[str]):
    """fastexcel's view of the table (run in a bounded child): the frame, its column names,
    the sheet's height and the cells that did not fit their column's type; None when fastexcel
    cannot read the sheet."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        sheet_data = reader.load_sheet(sheet, header_row=header_row,
                                       skip_rows=1 if skip_units else None,
                                       use_columns=columns, dtype_coercion="coerce")
        batch, cell_errors = sheet_data.to_arrow_with_errors()
    except BaseException as exc:  # fastexcel's own errors, and Rust panics on damaged files
        if type(exc).__name__ == "PanicException" or type(exc).__module__.startswith(
                ("fastexcel", "_fastexcel")):
            return None
        raise
    by_index = {c.index: c.name for c in sheet_data.selected_columns}
    errors = [(e.offset_position[0], by_index[e.offset_position[1]], e.detail)
              for e in (cell_errors.errors if cell_errors else ())]
    return (batch.to_pandas(), [c.name for c in sheet_data.selected_columns],
            sheet_data.total_height, errors)


def _formula_cells(book, sheet: str, columns: dict[str, ColumnSource]) -> list[Finding]:
    letters = {c.letter for c in columns.values()}
    refs = [r for r in book.formula_cells_without_value(sheet, limit=200)
            if r.rstrip("0123456789") in letters]
    if not refs:
        return []
    return [Finding("formula_without_value", "error",
                    Place(sheet=sheet, column=", ".join(refs[:10])
                          + (f" … ({len(refs)} cells)" if len(refs) > 10 else "")),
                    {"count": len(refs)})]


def _check_rows(path: Path, sheet: str | None, rows: int) -> None:
    limit = setting("limits", "max_rows")
    if rows > limit:
        raise InputError(path, f"the table has {rows:,} rows, more than the {limit:,} limit",
                         Place(sheet=sheet), code="too_many_rows")


# ---------------------------------------------------------------------------- CSV


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in."""
    if b"\x00" in data[:4096]:
        raise InputError(path, "the file holds NUL bytes: it is binary or UTF-16 text; save it "
                         "as UTF-8 CSV", code="binary_text")
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 mark in front of GBK text
        try:
            return data[3:].decode("gb18030"), "gb18030 after a misleading UTF-8 mark"
        except UnicodeDecodeError:
            pass
    raise InputError(path, "the text is neither UTF-8 nor GB18030/GBK; save it as UTF-8 CSV",
                     code="bad_encoding")


def _read_csv(path: Path, data: bytes, sha256: str) -> Submission:
    text, encoding = _decode(path, data)
    lines = text.splitlines()
    head_lines = lines[:HEADER_SCAN_ROWS]
    delimiter = max((",", ";", "\t"), key="\n".join(head_lines).count)
    try:
        head = [(i + 1, row) for i, row in enumerate(csv.reader(head_lines,
                                                                 delimiter=delimiter))
                if any(cell_text(v) for v in row)]
    except csv.Error as exc:
        raise InputError(path, f"the text cannot be read as CSV: {exc}", code="bad_csv") from None
    width = setting("limits", "max_columns")
    for number, row in head:
        if len(row) > width:
            raise InputError(path, f"line {number} has {len(row):,} fields, more than the "
                             f"{width:,} column limit", Place(row=number),
                             code="too_many_columns")
    header = find_header(head)
    if header is None:
        if not head:
            raise InputError(path, "the file holds no data", code="empty_file")
        raise InputError(path, "no energy table found: no line names a period column and energy "
                         f"columns in the first {HEADER_SCAN_ROWS} lines", code="no_energy_table")
    index, cells = header
    header_line, header_cells = head[index]
    if len(header_cells) > setting("limits", "max_columns"):
        raise InputError(path, f"the header has {len(header_cells):,} columns, more than the "
                         f"{setting('limits', 'max_columns'):,} limit", Place(row=header_line),
                         code="too_many_columns")
    under = head[index + 1] if index + 1 < len(head) else None
    unit_row = units_row(under[1], cells) if under and under[0] == header_line + 1 else None
    columns, findings = resolve_columns(path, None, header_line, header_cells, cells,
                                        lambda i: str(i + 1), unit_row, None)
    if encoding.startswith("gb18030 after"):
        findings.append(Finding("encoding_mismatch", "warning", Place(), {}))
    positions = {c.position: c.role for c in cells}
    skip = header_line + (1 if unit_row else 0)
    body = [line for line in lines[skip:] if line.strip()]
    if not body:
        raise InputError(path, "the energy table has a header but no data rows",
                         Place(row=header_line), code="no_data_rows")
    findings += _ragged(lines, skip, len(header_cells), delimiter)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, skiprows=skip,
                            usecols=sorted(positions), skip_blank_lines=False,
                            dtype={p: object for p, r in positions.items() if r == "period_start"},
                            on_bad_lines="error", keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(path, f"the CSV cannot be parsed: {exc}", code="bad_csv") from None
    frame = frame.rename(columns=positions)
    for role in positions.values():  # rows shorter than the header: the ragged error says so
        if role not in frame:
            frame[role] = None
    _check_rows(path, None, len(frame))
    rows = np.arange(len(frame)) + skip + 1
    raw = energy_tables.RawTable(None, columns, frame, rows, findings)
    timezone = setting("ingest", "default_timezone")
    return _assemble(path, sha256, "csv", {}, [raw], timezone,
                     [Finding("no_facility_sheet", "info")])


def _ragged(lines: list[str], skip: int, width: int, delimiter: str) -> list[Finding]:
    """Rows with more or fewer fields than the header: an error naming them."""
    suspects = [i for i, line in enumerate(lines[skip:], start=skip + 1)
                if line.strip() and line.count(delimiter) != width - 1]
    if not suspects:
        return []
    bad = [n for n in suspects
           if len(next(csv.reader([lines[n - 1]], delimiter=delimiter))) != width]
    if not bad:
        return []  # quoted delimiters only
    return [Finding("ragged_rows", "error", Place.for_rows(None, bad),
                    {"count": len(bad), "width": width})]


# ---------------------------------------------------------------------------- assembly


def _assemble(path: Path, sha256: str, file_type: str, facility: dict[str, Any],
              raw_tables: list[energy_tables.RawTable], timezone: str,
              findings: list[Finding]) -> Submission:
    tables = []
    for raw in raw_tables:
        table, found = energy_tables.build(path, raw, timezone)
        findings += found
        if table is not None:
            tables.append(table)
    columns: dict[str, ColumnSource] = {}
    for t in tables:
        for role, source in t.columns.items():
            columns.setdefault(role, source)
    for role in (c.name for c in reference.columns().values() if c.required):
        if role not in columns and tables:
            column = reference.columns()[role]
            raise InputError(path, f'no column for {column.en} ({column.zh}); name one '
                             f'"{column.header("en")}" or add its name to the column alias table',
                             Place(sheet=tables[0].sheet), code="missing_column")
    if tables:
        energy, row_numbers, row_sheets, found = energy_tables.combine(tables)
        findings += found
        if len(tables) > 1:
            findings.append(Finding("combined_sheets", "info", Place(
                sheet=", ".join(str(t.sheet) for t in tables)), {"count": len(tables)}))
    else:
        energy = pd.DataFrame(index=pd.DatetimeIndex([], name="period_start"))
        row_numbers = pd.DataFrame({"period_start": []})
        row_sheets = pd.DataFrame({"period_start": []}, dtype=object)
    required = [c.name for c in reference.columns().values() if c.required and c.kind != "time"]
    if tables and not energy.reindex(columns=required).notna().any(axis=None) \
            and not any(f.severity == "error" for f in findings):
        raise InputError(path, "the energy table has periods but no data rows: fill in facility "
                         "total and IT energy", Place(sheet=tables[0].sheet), code="no_data_rows")
    granularity, step = infer_granularity(energy.index)
    sheets = [t.sheet for t in tables if t.sheet]
    primary = next((t.sheet for t in tables if "it_energy_kwh" in t.columns), None)
    return Submission(path=path, sha256=sha256, file_type=file_type, facility=facility,
                      energy=energy, row_numbers=row_numbers, row_sheets=row_sheets,
                      energy_sheet=primary or (sheets[0] if sheets else None), columns=columns,
                      granularity=granularity, step=step, findings=findings)
