"""Workbooks (.xlsx, .xlsm, .xls): find the energy table on any sheet, read the small sheets.

The header search reads only the first rows of each sheet through the streaming cell layer
(:mod:`~greendc.reading.cells`); fastexcel reads the body of an .xlsx energy table in a bounded
child process (:mod:`~greendc.reading.isolate`); everything else is read cell by cell.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place, input_error
from greendc.reading import energy as energy_tables
from greendc.reading.assemble import assemble, check_rows
from greendc.reading.cells import SheetError, XlsxBook
from greendc.reading.excel import column_index, column_letter
from greendc.reading.headers import (
    HEADER_SCAN_ROWS,
    Header,
    find_header,
)
from greendc.reading.isolate import IsolationError, run_bounded
from greendc.reading.periods import year_hint
from greendc.reading.resolve import table_columns
from greendc.reading.sources import ColumnSource, frame_keys
from greendc.reading.submission import Submission
from greendc.reading.tables import read_key_values, read_records
from greendc.reading.transposed import find_transposed, transposed_table
from greendc.reading.unreadable import best_guesses, no_table_error
from greendc.reading.xls import XlsBook
from greendc.reference.columns import SMALL_TABLE_NAMES, sheet_index
from greendc.reference.names import name_variants
from greendc.reference.options import Options
from greendc.reference.settings import Limits, setting

# fastexcel logs dtype fallbacks (e.g. a text cell in a number column) as warnings; greendc
# reports those cells itself, so they are kept off the console unless the user configures logging.
logging.getLogger("fastexcel").addHandler(logging.NullHandler())


def _classify_sheets(names: list[str]) -> dict[str, str]:
    """Canonical sheet key -> sheet name, for the sheets whose names say what they hold."""
    index = sheet_index()
    found: dict[str, str] = {}
    for name in names:
        for variant in name_variants(name):
            key = index.get(variant)
            if key and key not in found:
                found[key] = name
                break
    return found


def _open_book(path: Path, data: bytes, kind: str, limits: Limits):
    try:
        return XlsxBook(data, limits) if kind == "xlsx" else XlsBook(data, limits)
    except SheetError as exc:
        if exc.limit:  # refused on purpose: saving it again would not help
            raise input_error(path, "beyond_limits", error=str(exc)) from None
        if kind == "xls":
            key = ("xls_encrypted" if b"EncryptedPackage" in data
                   or "encrypt" in str(exc).lower() else "xls_damaged")
            raise input_error(path, key, code="not_a_workbook", error=str(exc)) from None
        raise input_error(path, "unreadable_workbook", code="not_a_workbook",
                          error=str(exc)) from None


def _grid(path: Path, book, sheet: str, max_rows: int | None) -> list[tuple[int, list[Any]]]:
    try:
        return list(book.rows(sheet, max_rows))
    except SheetError as exc:
        raise input_error(path, "unreadable_sheet", Place(sheet=sheet), error=str(exc)) from None


FIRST_LOOK_ROWS = 10  # most headers stand in the first rows: look there before reading 50


def _head(path: Path, book, sheet: str, options: Options) -> tuple[list, Header | None]:
    """The first rows of a sheet and the header in them: the first ten rows are streamed and,
    unless they hold a header with the two rows under it (sub-labels, units), the first 50."""
    head = _grid(path, book, sheet, FIRST_LOOK_ROWS)
    header = find_header(head, options, column_letter)
    if header is None or header.index + 3 > len(head):
        head = _grid(path, book, sheet, HEADER_SCAN_ROWS)
        header = find_header(head, options, column_letter)
    return head, header


def read_workbook(path: Path, data: bytes, sha256: str, kind: str,
                  options: Options) -> Submission:
    """Read a submission workbook (.xlsx, .xlsm or .xls) from its bytes.

    Parameters
    ----------
    path : the file's name, for messages
    data : the file's bytes
    sha256 : their digest
    kind : ``xlsx`` or ``xls`` (see :func:`~greendc.reading.sniff.file_type`)
    options : the run's options (limits, extra column names)

    Returns
    -------
    Submission
        Facility fields, the energy table in canonical units and the record tables.

    Raises
    ------
    InputError
        The workbook cannot be opened, has no energy table or lacks a required column.
    """
    book = _open_book(path, data, kind, options.limits)
    names = book.sheet_names
    if not names:
        raise input_error(path, "no_sheets", code="empty_workbook")
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

    small = {named[k] for k in ("facility", *SMALL_TABLE_NAMES) if k in named}
    candidates = [s for s in names if s not in small]
    if "energy" in named:  # a sheet named like an energy sheet is searched first
        candidates.remove(named["energy"])
        candidates.insert(0, named["energy"])
    raw_tables = []
    seen = []
    for sheet in candidates:
        head, header = _head(path, book, sheet, options)
        if header is not None:
            year = year_hint(options.year, head[:header.index], sheet,
                             facility.get("reporting_period_start"))
            raw_tables.append(_raw_table(path, data, book, kind, sheet, head, header,
                                         declared_unit, options, year))
            continue
        across = find_transposed(head, options)
        if across is not None:
            year = year_hint(options.year, head[:across.index], sheet,
                             facility.get("reporting_period_start"))
            raw_tables.append(transposed_table(path, sheet, _grid(path, book, sheet, None),
                                               across, column_letter, declared_unit, year))
            continue
        seen.append((sheet, best_guesses(head, options)))
    if not raw_tables:
        if all(not _grid(path, book, s, HEADER_SCAN_ROWS) for s in names):
            raise input_error(path, "empty_workbook")
        raise no_table_error(path, "no_energy_table", Place(sheet=named.get("energy")), seen)

    tables = {}
    for name in SMALL_TABLE_NAMES:
        tables[name] = []
        if name in named:
            tables[name], found = read_records(_grid(path, book, named[name], None), named[name],
                                               name)
            findings += found
    submission = assemble(path, sha256, kind, facility, raw_tables, timezone, findings)
    submission.measures = tables["measures"]
    submission.meters = tables["meters"]
    submission.operating_points = tables["operating_points"]
    submission.operating_sheet = named.get("operating_points")
    submission.measures_sheet = named.get("measures")
    return submission


def _raw_table(path: Path, data: bytes, book, kind: str, sheet: str, head, header: Header,
               declared_unit: str | None, options: Options,
               year: tuple[int, str] | None) -> energy_tables.RawTable:
    columns, findings, first_data_row = table_columns(path, sheet, head, header, column_letter,
                                                      declared_unit)
    skip_units = first_data_row > head[header.index][0] + header.height  # a units row
    keys = frame_keys(columns)
    frame = rows = None
    text_cells: dict[str, list[tuple[int, str]]] = {}
    if kind == "xlsx" and header.height == 1:
        loaded = _fastexcel_body(path, data, sheet, head, header.index, keys, skip_units,
                                 options.limits)
        if loaded is not None:
            frame, rows, text_cells = loaded
            if frame[[k for k in keys if k != "period_start"]].isna().any(axis=None):
                findings += _formula_cells(book, sheet, keys)
    if frame is None:  # .xls, two-row headers, or a sheet fastexcel names differently
        grid = [(r, cells_) for r, cells_ in _grid(path, book, sheet, None)
                if r >= first_data_row]
        check_rows(path, sheet, len(grid), options.limits)
        positions = {k: column_index(s.letter) for k, s in keys.items()}
        rows = np.array([r for r, _ in grid], dtype=int)
        frame = pd.DataFrame({k: [cells_[p] if p < len(cells_) else None
                                  for _, cells_ in grid] for k, p in positions.items()},
                             dtype=object if not grid else None)
    return energy_tables.RawTable(sheet, columns, frame, rows, findings,
                                  hidden=sheet in book.hidden, text_cells=text_cells, year=year)


def _fastexcel_body(path: Path, data: bytes, sheet: str, head, index: int,
                    keys: dict[str, ColumnSource], skip_units: bool, limits: Limits):
    """The data rows read by fastexcel and the texts it found in number columns (by frame
    key), or None when its view of the sheet differs from ours."""
    first_row = head[0][0]  # fastexcel's rows start at the first row holding a value
    header_row = head[index][0]
    wanted = {c.header: key for key, c in keys.items()}
    if len(wanted) != len(keys):
        return None  # two columns under one header text
    try:
        loaded = run_bounded(limits, _fastexcel_load, data, sheet, header_row - first_row,
                             skip_units, list(wanted))
    except IsolationError as exc:
        raise input_error(path, "reader_failed", Place(sheet=sheet), error=str(exc)) from None
    if loaded is None:
        return None  # fall back to reading every cell ourselves
    frame, names, total_height, errors = loaded
    if sorted(names) != sorted(wanted):
        return None
    check_rows(path, sheet, total_height, limits)
    frame = frame.rename(columns=wanted)
    rows = np.arange(len(frame)) + header_row + (2 if skip_units else 1)
    bad: dict[str, list[tuple[int, str]]] = {}
    for position, name, detail in errors:
        text = _CELL_TEXT.search(detail)
        bad.setdefault(wanted[name], []).append((position, text[1] if text else detail))
    return frame, rows, bad


_CELL_TEXT = re.compile(r'String\("(.*)"\)')


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


def _formula_cells(book, sheet: str, keys: dict[str, ColumnSource]) -> list[Finding]:
    letters = {c.letter for c in keys.values()}
    refs = [r for r in book.formula_cells_without_value(sheet, limit=200)
            if r.rstrip("0123456789") in letters]
    if not refs:
        return []
    return [Finding("formula_without_value", "error",
                    Place(sheet=sheet),
                    {"count": len(refs), "cells": ", ".join(refs[:10])
                     + (" …" if len(refs) > 10 else "")})]
