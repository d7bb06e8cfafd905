"""Read a submission (canonical workbook or a CSV of the Energy table) into a :class:`Submission`.

The reader knows files, sheets, headers and units; it knows nothing of metrics or rules.  It
maps source headers to canonical column names through the alias table (``columns.toml``),
converts every value to the canonical unit of its column, and records where each value came from
so that every later finding can name its sheet, row and column.

Structural problems (not a workbook, no energy table, no IT column, an unknown unit) raise
:class:`~greendc.errors.InputError`.  Cell-level problems (text in a number cell, an unreadable
date) are collected as error findings, all of them in one pass.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greendc import reference, units
from greendc.errors import InputError, Place
from greendc.findings import Finding
from greendc.findings import errors as findings_errors

HEADER_SCAN_ROWS = 50  # rows searched for the header of a table
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class ColumnSource:
    """Where a canonical column came from."""

    name: str
    header: str
    letter: str
    unit: str | None
    factor: float

    def to_dict(self) -> dict[str, Any]:
        return {"header": self.header, "column": self.letter, "unit": self.unit,
                "factor_to_canonical": self.factor}


@dataclass
class Submission:
    """Everything read from one submission file.

    Attributes
    ----------
    energy : DataFrame indexed by period start (naive local time), one float column per role
        present, canonical names with units (``facility_energy_kwh``, ``it_energy_kwh`` ...).
    rows : source row numbers (Excel rows, or CSV lines) aligned with ``energy``.
    granularity : ``monthly``, ``daily``, ``hourly``, ``15min``, ``5min`` or ``irregular``.
    step : the nominal length of one period.
    """

    path: Path
    sha256: str
    file_type: str
    facility: dict[str, Any]
    energy: pd.DataFrame
    rows: np.ndarray
    energy_sheet: str | None
    columns: dict[str, ColumnSource]
    granularity: str
    step: pd.DateOffset | pd.Timedelta
    measures: list[dict[str, Any]] = field(default_factory=list)
    meters: list[dict[str, Any]] = field(default_factory=list)
    operating_points: list[dict[str, Any]] = field(default_factory=list)
    operating_sheet: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def place(self, column: str | None = None, positions: np.ndarray | None = None) -> Place:
        """A :class:`Place` in the energy table for canonical ``column`` and row positions."""
        header = self.columns[column].header if column in self.columns else column
        mask = np.zeros(len(self.rows), dtype=bool)
        if positions is not None:
            mask[np.asarray(positions)] = True
        return _rows_place(self.energy_sheet, self.rows, mask, header)


# ---------------------------------------------------------------------------- file level


def read_submission(path: str | Path) -> Submission:
    """Read a submission workbook (.xlsx, .xlsm) or a CSV/TXT file holding the Energy table.

    Raises
    ------
    InputError
        The file cannot be read, has no energy table, lacks facility-total or IT energy, or a
        header names a unit greendc does not know.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found", code="not_found") from None
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror}", code="unreadable") from None
    if not data:
        raise InputError(path, "the file is empty (0 bytes)", code="empty_file")
    sha256 = hashlib.sha256(data).hexdigest()
    kind = _file_type(path, data)
    if kind == "xlsx":
        return _read_workbook(path, data, sha256)
    return _read_csv(path, data, sha256)


def _file_type(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04":
        if suffix in (".csv", ".txt"):
            raise InputError(path, "the file is a zip archive or workbook, not a CSV text file",
                             code="wrong_type")
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(path, "legacy .xls workbooks (or password-protected workbooks) are not "
                         "read yet: open the file in Excel and save it as .xlsx",
                         code="unsupported_xls")
    if suffix in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        raise InputError(path, "not an Excel workbook (an .xlsx file is a zip archive; this one "
                         "is not): save it again from Excel as .xlsx", code="not_a_workbook")
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise InputError(path, f"unsupported file type {suffix or '(no extension)'}: "
                     "give an .xlsx workbook or a .csv file", code="unsupported_type")


# ---------------------------------------------------------------------------- header matching


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return str(value).strip()


@dataclass(frozen=True)
class _HeaderCell:
    position: int       # 0-based column position in the scanned grid
    text: str
    role: str
    unit: str | None


def _match_header(text: str) -> tuple[str | None, str | None, str | None]:
    """(role, unit text, conflict) for one header cell."""
    label, unit = units.split_header(text)
    index = reference.column_index()
    roles = {index[v] for v in reference.name_variants(label) if v in index}
    if len(roles) > 1:
        return None, unit, " and ".join(sorted(roles))
    return (roles.pop() if roles else None), unit, None


def _find_header(grid: list[list[object]]) -> tuple[int, list[_HeaderCell]] | None:
    """The first row that names a period column and at least one energy role."""
    for r, row in enumerate(grid):
        cells = []
        for c, value in enumerate(row):
            text = _cell_text(value)
            if not text or not isinstance(value, str):
                continue
            role, unit, _ = _match_header(text)
            if role:
                cells.append(_HeaderCell(c, text, role, unit))
        roles = {h.role for h in cells}
        if "period_start" in roles and len(roles) >= 2:
            return r, cells
    return None


def _column_letter(index0: int) -> str:
    letters = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _resolve_columns(path: Path, sheet: str | None, header_row: int, row: list[object],
                     cells: list[_HeaderCell], letter) -> tuple[dict[str, ColumnSource],
                                                                 list[Finding]]:
    """Check the matched header cells and turn them into :class:`ColumnSource` objects."""
    findings: list[Finding] = []
    by_role: dict[str, list[_HeaderCell]] = {}
    for cell in cells:
        by_role.setdefault(cell.role, []).append(cell)
    for role, found in by_role.items():
        if len(found) > 1:
            names = ", ".join(f'"{c.text}" ({letter(c.position)})' for c in found)
            raise InputError(path, f"several columns mean the same quantity ({role}): {names}; "
                             "keep one or rename the others",
                             Place(sheet=sheet, row=header_row), code="duplicate_column")
    matched = {c.position for c in cells}
    for c, value in enumerate(row):
        text = _cell_text(value)
        if text and c not in matched:
            _, _, conflict = _match_header(text) if isinstance(value, str) else (None, None, None)
            code = "ambiguous_column" if conflict else "unrecognised_column"
            findings.append(Finding(code, "warning",
                                    Place(sheet=sheet, row=header_row, column=text),
                                    {"header": text, "roles": conflict or ""}))
    for role in (c.name for c in reference.columns().values() if c.required):
        if role not in by_role:
            col = reference.columns()[role]
            raise InputError(
                path,
                f'no column for {col.en} ({col.zh}); name one "{col.header("en")}" '
                "or add its name to the column alias table",
                Place(sheet=sheet, row=header_row), code="missing_column")
    sources = {}
    for role, (cell,) in by_role.items():
        column = reference.columns()[role]
        factor = 1.0
        if column.kind != "time":
            factor = _unit_factor(path, sheet, header_row, cell, column)
        sources[role] = ColumnSource(role, cell.text, letter(cell.position), cell.unit, factor)
    return sources, findings


def _unit_factor(path: Path, sheet: str | None, header_row: int, cell: _HeaderCell,
                 column: reference.Column) -> float:
    place = Place(sheet=sheet, row=header_row, column=cell.text)
    if cell.unit is None:
        raise InputError(path, f"the header gives no unit; write it in brackets, e.g. "
                         f'"{column.header("en")}"', place, code="missing_unit")
    factor = units.factor_to_canonical(cell.unit, column.kind)
    if factor is None:
        other = units.unit_kind(cell.unit)
        if other == "power" and column.kind == "energy":
            hint = ("this column holds power; give energy per period "
                    "(reading power columns is not supported yet)")
        else:
            hint = "known units: " + ", ".join(units.known_units(column.kind))
        raise InputError(path, f'unknown unit "{cell.unit}" for {column.en}: {hint}', place,
                         code="unknown_unit")
    return factor


# ---------------------------------------------------------------------------- workbooks


def _read_workbook(path: Path, data: bytes, sha256: str) -> Submission:
    import openpyxl  # read-only scans of headers and small key-value sheets

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputError(path, f"not a readable Excel workbook ({type(exc).__name__}: {exc}); "
                         "open it in Excel and save it again as .xlsx",
                         code="not_a_workbook") from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException and friends
        if type(exc).__module__.startswith("openpyxl"):
            raise InputError(path, f"not a readable Excel workbook: {exc}",
                             code="not_a_workbook") from None
        raise
    try:
        return _read_book(path, data, sha256, book)
    finally:
        book.close()


def _sheet_grid(ws, max_rows: int | None) -> list[list[object]]:
    """Cell values of the first rows of a read-only sheet, row 1 first, column A first."""
    grid: list[list[object]] = []
    for row in ws.iter_rows(min_row=1, max_row=max_rows, values_only=True):
        grid.append(list(row))
    return grid


def _classify_sheets(book) -> dict[str, str]:
    """Canonical sheet key -> sheet name, for the sheets whose names say what they hold."""
    index = reference.sheet_index()
    found: dict[str, str] = {}
    for name in book.sheetnames:
        for variant in reference.name_variants(name):
            key = index.get(variant)
            if key and key not in found:
                found[key] = name
                break
    return found


def _read_book(path: Path, data: bytes, sha256: str, book) -> Submission:
    if not book.sheetnames:
        raise InputError(path, "the workbook has no sheets", code="empty_workbook")
    named = _classify_sheets(book)
    findings: list[Finding] = []

    # The energy sheet: by name first, else the first sheet with an energy table header.
    candidates = ([named["energy"]] if "energy" in named else []) + [
        s for s in book.sheetnames if s != named.get("energy")]
    header = None
    sheet = None
    grid: list[list[object]] = []
    for name in candidates:
        grid = _sheet_grid(book[name], HEADER_SCAN_ROWS)
        header = _find_header(grid)
        if header:
            sheet = name
            break
    if header is None:
        if all(not any(_cell_text(v) for row in _sheet_grid(book[s], HEADER_SCAN_ROWS) for v in row)
               for s in book.sheetnames):
            raise InputError(path, "every sheet is empty", code="empty_workbook")
        where = Place(sheet=named.get("energy"))
        raise InputError(path, "no energy table found: no sheet has a header row with a period "
                         "column and energy columns in its first "
                         f"{HEADER_SCAN_ROWS} rows (see docs/submission-format.md)", where,
                         code="no_energy_table")
    header_index, cells = header
    header_row = header_index + 1
    columns, header_findings = _resolve_columns(path, sheet, header_row, grid[header_index],
                                                cells, _column_letter)
    findings += header_findings
    body, rows, cell_findings = _load_body(path, data, sheet, grid, header_index, columns)
    findings += cell_findings

    facility: dict[str, Any] = {}
    if "facility" in named:
        facility, found = _read_key_values(book[named["facility"]], named["facility"])
        findings += found
    else:
        findings.append(Finding("no_facility_sheet", "warning"))
    tables: dict[str, list[dict[str, Any]]] = {}
    for key in ("measures", "meters", "operating_points"):
        tables[key] = []
        if key in named:
            tables[key], found = _read_records(book[named[key]], named[key], key)
            findings += found
    submission = _assemble(path, sha256, "xlsx", sheet, facility, body, rows, columns,
                           tables["measures"], tables["meters"], findings)
    submission.operating_points = tables["operating_points"]
    submission.operating_sheet = named.get("operating_points")
    return submission


def _load_body(path: Path, data: bytes, sheet: str, grid: list[list[object]], header_index: int,
               columns: dict[str, ColumnSource]) -> tuple[pd.DataFrame, np.ndarray, list[Finding]]:
    """The data rows of the energy table, read by fastexcel, one column per role.

    fastexcel types each column from its cells; a text cell in a number column comes back as a
    cell error (never a silent NaN), which becomes a located ``text_in_number`` finding.
    """
    import fastexcel

    # fastexcel's rows start at the first non-empty row of the sheet; find it in the scan.
    first = next(i for i, row in enumerate(grid) if any(_cell_text(v) for v in row))
    wanted = {c.header: role for role, c in columns.items()}
    try:
        reader = fastexcel.read_excel(data)
        sheet_data = reader.load_sheet(sheet, header_row=header_index - first,
                                       use_columns=list(wanted), dtype_coercion="coerce")
        batch, cell_errors = sheet_data.to_arrow_with_errors()
    except Exception as exc:
        # fastexcel reports malformed sheets through several exception types of its own.
        if type(exc).__module__.startswith(("fastexcel", "_fastexcel")):
            raise InputError(path, f"cannot read the sheet's data: {exc}",
                             Place(sheet=sheet), code="unreadable_sheet") from None
        raise
    frame = batch.to_pandas().rename(columns=wanted)
    rows = np.arange(len(frame)) + header_index + 2  # Excel row numbers of the data rows
    by_index = {c.index: wanted[c.name] for c in sheet_data.selected_columns}
    bad: dict[str, list[tuple[int, str]]] = {}
    for error in cell_errors.errors if cell_errors else ():
        row, col = error.offset_position
        text = _CELL_TEXT.search(error.detail)
        bad.setdefault(by_index[col], []).append((row, text[1] if text else error.detail))
    findings = []
    for role, cells in bad.items():
        mask = np.zeros(len(frame), dtype=bool)
        mask[[r for r, _ in cells]] = True
        findings.append(Finding("text_in_number", "error", _rows_place(sheet, rows, mask,
                                                                       columns[role].header),
                                {"count": len(cells), "text": cells[0][1]}))
    return frame, rows, findings


_CELL_TEXT = re.compile(r'String\("(.*)"\)')


def _rows_place(sheet: str | None, rows: np.ndarray, mask: np.ndarray, header: str) -> Place:
    hit = tuple(int(r) for r in rows[mask])
    if len(hit) == 1:
        return Place(sheet=sheet, row=hit[0], column=header)
    return Place(sheet=sheet, rows=hit, column=header)


# ---------------------------------------------------------------------------- small tables


def _parse_field(spec: reference.Field, value: object) -> tuple[Any, str | None]:
    """(parsed value, problem) for one cell of a Facility, Measures or Meters field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if spec.type == "text":
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        return text, None
    if spec.type in ("number", "integer"):
        number = _to_number(value)
        if number is None:
            return None, f'"{value}" is not a number'
        if spec.type == "integer" and not float(number).is_integer():
            return None, f"{value} is not a whole number"
        if spec.min is not None and number < spec.min:
            return None, f"{value} is below the smallest allowed value {spec.min}"
        if spec.max is not None and number > spec.max:
            return None, f"{value} is above the largest allowed value {spec.max}"
        return (int(number) if spec.type == "integer" else float(number)), None
    if spec.type == "date":
        stamp = _to_timestamp(value)
        if stamp is None:
            return None, f'"{value}" is not a date (write it as 2025-01-31)'
        return stamp.date().isoformat(), None
    if spec.type == "bool":
        if isinstance(value, bool):
            return value, None
        flag = reference.bool_spellings().get(reference.normalise(value))
        if flag is None:
            return None, f'"{value}" is not yes/no (是/否)'
        return flag, None
    # enum
    key = reference.normalise(value)
    for canonical, spellings in spec.choices.items():
        if key in {reference.normalise(s) for s in (canonical, *spellings)}:
            return canonical, None
    options = ", ".join(f"{s[0]} ({c})" for c, s in spec.choices.items())
    return None, f'"{value}" is not one of: {options}'


def _to_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.number):
        number = float(value)
        return number if np.isfinite(number) else None
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?\s*$")


def _to_timestamp(value: object) -> pd.Timestamp | None:
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return pd.Timestamp(value)
    text = str(value).strip()
    m = _CN_DATE.match(text)
    if m:
        text = f"{m[1]}-{int(m[2]):02d}-{int(m[3] or 1):02d}"
    try:
        return pd.Timestamp(text)
    except (ValueError, TypeError):
        return None


_VALUE_HEADERS = {"值", "value", "数值", "填报值", "填报内容", "内容"}


def _read_key_values(ws, sheet: str) -> tuple[dict[str, Any], list[Finding]]:
    specs = reference.fields("facility")
    index = reference.field_index("facility")
    out: dict[str, Any] = {}
    findings: list[Finding] = []
    value_column: int | None = None  # from a "值 Value" header, else the cell right of the key
    for r, row in enumerate(_sheet_grid(ws, None), start=1):
        cells = [(c, v) for c, v in enumerate(row) if _cell_text(v)]
        if not cells:
            continue
        c0, label = cells[0]
        key = next((index[v] for v in reference.name_variants(units.split_header(str(label))[0])
                    if v in index), None)
        if key is None:
            heads = [c for c, v in cells if isinstance(v, str)
                     and set(reference.name_variants(v)) & _VALUE_HEADERS]
            if heads:
                value_column = heads[0]
            continue  # titles, notes, the header row of the table
        at = value_column if value_column is not None and value_column > c0 else c0 + 1
        value = row[at] if at < len(row) else None
        parsed, problem = _parse_field(specs[key], value)
        place = Place(sheet=sheet, row=r, key=key)
        if problem:
            findings.append(Finding("bad_field", "error", place, {"problem": problem}))
        elif parsed is not None:
            if key in out and out[key] != parsed:
                findings.append(Finding("field_given_twice", "error", place, {}))
            out[key] = parsed
    return out, findings


def _read_records(ws, sheet: str, table: str) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Rows of the Measures or Meters table as dicts of canonical field names."""
    specs = reference.fields(table)
    index = reference.field_index(table)
    grid = _sheet_grid(ws, None)
    findings: list[Finding] = []
    header_at = None
    mapping: dict[int, str] = {}
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        found = {}
        for c, v in enumerate(row):
            if isinstance(v, str):
                label = units.split_header(v)[0]
                key = next((index[x] for x in reference.name_variants(label) if x in index), None)
                if key:
                    found[c] = key
        if len(found) >= 2:
            header_at, mapping = r, found
            break
    if header_at is None:
        return [], findings
    records = []
    for r, row in enumerate(grid[header_at + 1:], start=header_at + 2):
        if not any(_cell_text(v) for v in row):
            continue
        record: dict[str, Any] = {"row": r}
        for c, key in mapping.items():
            value = row[c] if c < len(row) else None
            parsed, problem = _parse_field(specs[key], value)
            if problem:
                findings.append(Finding("bad_field", "error",
                                        Place(sheet=sheet, row=r, column=specs[key].en),
                                        {"problem": problem}))
            record[key] = parsed
        records.append(record)
    return records, findings


# ---------------------------------------------------------------------------- CSV


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise InputError(path, "the file holds NUL bytes: it is binary or UTF-16 text; save it "
                         "as UTF-8 CSV", code="binary_text")
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(path, "the text is neither UTF-8 nor GB18030/GBK; save it as UTF-8 CSV",
                     code="bad_encoding")


def _read_csv(path: Path, data: bytes, sha256: str) -> Submission:
    text = _decode(path, data)
    head = text.splitlines()[:HEADER_SCAN_ROWS]
    sample = "\n".join(head)
    delimiter = max((",", ";", "\t"), key=sample.count)
    grid: list[list[object]] = list(csv.reader(head, delimiter=delimiter))
    header = _find_header(grid)
    if header is None:
        if not any(line.strip() for line in head):
            raise InputError(path, "the file holds no data", code="empty_file")
        raise InputError(path, "no energy table found: no line names a period column and energy "
                         f"columns in the first {HEADER_SCAN_ROWS} lines", code="no_energy_table")
    header_index, cells = header
    columns, findings = _resolve_columns(path, None, header_index + 1, grid[header_index], cells,
                                         lambda i: str(i + 1))
    positions = {c.position: c.role for c in cells}
    frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None,
                        skiprows=header_index + 1, usecols=sorted(positions),
                        skip_blank_lines=False, dtype={p: str for p, r in positions.items()
                                                        if r == "period_start"},
                        )
    frame = frame.rename(columns=positions)
    rows = np.arange(len(frame)) + header_index + 2  # CSV line numbers
    return _assemble(path, sha256, "csv", None, {}, frame, rows, columns, [], [],
                     [*findings, Finding("no_facility_sheet", "info")])


# ---------------------------------------------------------------------------- assembly


def _assemble(path: Path, sha256: str, file_type: str, sheet: str | None,
              facility: dict[str, Any], body: pd.DataFrame, rows: np.ndarray,
              columns: dict[str, ColumnSource], measures: list, meters: list,
              findings: list[Finding]) -> Submission:
    """Type, convert and index the energy table; collect cell-level findings."""
    values = [c for c in columns if c != "period_start"]
    blank = body[[*values, "period_start"]].isna().all(axis=1).to_numpy()
    body, rows = body.loc[~blank].reset_index(drop=True), rows[~blank]
    if body.empty:
        raise InputError(path, "the energy table has a header but no data rows",
                         Place(sheet=sheet), code="no_data_rows")

    def place(role: str, mask: np.ndarray) -> Place:
        return _rows_place(sheet, rows, mask, columns[role].header)

    periods, bad = _parse_periods(body["period_start"])
    missing = body["period_start"].isna().to_numpy()
    if missing.any():
        findings.append(Finding("missing_period", "error", place("period_start", missing),
                                {"count": int(missing.sum())}))
    if bad.any():
        first = body["period_start"][bad].iloc[0]
        findings.append(Finding("bad_period", "error", place("period_start", bad),
                                {"count": int(bad.sum()), "text": str(first)}))

    energy = {}
    for role in values:
        raw = body[role]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            numbers = raw.astype("float64")
        else:
            cleaned = raw.astype("string").str.strip().str.replace(",", "", regex=False)
            numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
            text = (numbers.isna() & raw.notna() & (cleaned != "")).to_numpy()
            if text.any():
                findings.append(Finding("text_in_number", "error", place(role, text),
                                        {"count": int(text.sum()),
                                         "text": str(raw[text].iloc[0])}))
        infinite = np.isinf(numbers.to_numpy())
        if infinite.any():
            findings.append(Finding("not_finite", "error", place(role, infinite),
                                    {"count": int(infinite.sum())}))
        energy[role] = numbers.to_numpy() * columns[role].factor

    frame = pd.DataFrame(energy, index=pd.DatetimeIndex(periods, name="period_start"))
    required = [c.name for c in reference.columns().values() if c.required and c.kind != "time"]
    if not frame[required].notna().any(axis=None) and not findings_errors(findings):
        raise InputError(path, "the energy table has periods but no data rows: fill in facility "
                         "total and IT energy", Place(sheet=sheet), code="no_data_rows")
    frame = frame[[c for c in reference.columns() if c in frame.columns]]
    keep = ~(missing | bad)
    frame, rows = frame.loc[keep], rows[keep]
    if not frame.index.is_monotonic_increasing:
        order = np.argsort(frame.index.to_numpy(), kind="stable")
        frame, rows = frame.iloc[order], rows[order]
        findings.append(Finding("unordered_periods", "warning", Place(sheet=sheet)))
    granularity, step = infer_granularity(frame.index)
    if granularity == "monthly":
        starts = frame.index.to_period("M").to_timestamp()
        if not (starts == frame.index).all():
            findings.append(Finding("monthly_dates_moved", "info", Place(sheet=sheet)))
        frame.index = pd.DatetimeIndex(starts, name="period_start")
    return Submission(path=path, sha256=sha256, file_type=file_type, facility=facility,
                      energy=frame, rows=rows, energy_sheet=sheet, columns=columns,
                      granularity=granularity, step=step, measures=measures, meters=meters,
                      findings=findings)


def _parse_periods(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps (naive, local) of the period column and a mask of unreadable cells."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        stamps = pd.to_datetime(raw)
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        return stamps.to_numpy(dtype="datetime64[ns]"), np.zeros(len(raw), dtype=bool)
    text = raw.astype("string").str.strip()
    text = text.str.replace(_CN_DATE, lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3] or 1):02d}",
                            regex=True)
    stamps = pd.to_datetime(text, format="ISO8601", errors="coerce")
    retry = stamps.isna() & text.notna()
    if retry.any():
        stamps[retry] = pd.to_datetime(text[retry], format="mixed", errors="coerce")
    bad = (stamps.isna() & text.notna() & (text != "")).to_numpy()
    return stamps.to_numpy(dtype="datetime64[ns]"), bad


_STEPS = (
    ("5min", pd.Timedelta(minutes=5)),
    ("15min", pd.Timedelta(minutes=15)),
    ("30min", pd.Timedelta(minutes=30)),
    ("hourly", pd.Timedelta(hours=1)),
    ("daily", pd.Timedelta(days=1)),
)


def infer_granularity(index: pd.DatetimeIndex) -> tuple[str, pd.DateOffset | pd.Timedelta]:
    """Name and step of the spacing of ``index``.

    Rows dated on the first of a month at midnight, at least 28 days apart, are monthly even when
    a month is missing.  Otherwise the most common difference decides, so that gaps do not turn
    15-minute data into something else.
    """
    if len(index) == 0:
        return "irregular", pd.Timedelta(0)
    diffs = pd.Series(index).diff().dropna()
    month_starts = bool(((index.day == 1) & (index == index.normalize())).all())
    if month_starts and (diffs.empty or diffs.min() >= pd.Timedelta(days=28)):
        return "monthly", pd.DateOffset(months=1)
    if diffs.empty:
        return "irregular", pd.Timedelta(0)
    typical = diffs.mode().iloc[0]
    if pd.Timedelta(days=27) <= typical <= pd.Timedelta(days=32):
        return "monthly", pd.DateOffset(months=1)
    for name, step in _STEPS:
        if typical == step:
            return name, step
    return "irregular", typical
