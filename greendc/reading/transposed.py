"""Tables with the periods as columns and the quantities as rows: the usual summary sheet.

::

    项目          单位   1月    2月   ...  12月   全年合计
    总用电量      kWh    ...
    IT设备用电量  kWh    ...

The header row is the first row with three or more period cells (``1月``, ``2025-01``, ``Jan``,
dates); the label column is the one left of the periods whose cells name the most roles; a
``单位``/``Unit`` column between them gives units.  A totals column (``全年合计``, ``Total``) is
checked like a totals row.  The table is turned into the usual one row per period and read on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place
from greendc.reading.energy import RawTable
from greendc.reading.headers import (
    Header,
    HeaderCell,
    cell_text,
)
from greendc.reading.periods import ISO_LIKE, month_only, parse_period_text
from greendc.reading.recognise import recognise
from greendc.reading.resolve import resolve_columns
from greendc.reading.sources import ColumnSource, frame_keys
from greendc.reference import units
from greendc.reference.names import normalise
from greendc.reference.options import Options
from greendc.reference.settings import setting

MIN_PERIODS = 3
_UNIT_HEADERS = {"单位", "unit", "units", "计量单位"}


@dataclass(frozen=True)
class Across:
    """A table with periods as columns: its header row's index in the grid and row number,
    the label and unit columns, the period columns and the totals column."""

    index: int
    row: int
    label_column: int
    unit_column: int | None
    periods: tuple[int, ...]
    totals: int | None


def _period_like(value: Any) -> bool:
    if isinstance(value, dt.datetime | dt.date):
        return True
    if not isinstance(value, str) or not value.strip():
        return False
    text = value.strip()
    if month_only(text) is not None or ISO_LIKE.match(text):
        return True
    try:
        return parse_period_text(text) is not None
    except (ValueError, OverflowError):
        return False


def find_transposed(grid: list[tuple[int, list[Any]]], options: Options) -> Across | None:
    """The first table in ``grid`` with periods as columns and roles as rows, or None.

    Parameters
    ----------
    grid : list
        (1-based row number, cell values) of the first rows of a sheet.
    options : Options
        The run's options (extra column names).

    Returns
    -------
    Across or None
        Where the table is; None when no row holds three periods over rows naming a role.
    """
    totals_words = {normalise(w) for w in setting("ingest", "totals_words")}
    for i, (number, row) in enumerate(grid):
        periods = [c for c, v in enumerate(row) if _period_like(v)]
        if len(periods) < MIN_PERIODS or periods[0] == 0:
            continue
        below = grid[i + 1:]
        counts = {}
        for c in range(periods[0]):
            roles = {recognise(cell_text(r[c]), options.aliases).role
                     for _, r in below if c < len(r) and isinstance(r[c], str)}
            counts[c] = len(roles - {None, "period_start"})
        label = max(counts, key=lambda c: (counts[c], -c))
        if counts[label] == 0:
            continue
        unit = next((c for c in range(label + 1, periods[0])
                     if normalise(cell_text(row[c])) in _UNIT_HEADERS), None)
        after = [c for c in range(periods[-1] + 1, len(row))
                 if normalise(cell_text(row[c])) in totals_words]
        return Across(i, number, label, unit, tuple(periods), after[0] if after else None)
    return None


def transposed_table(path: Path, sheet: str, grid: list[tuple[int, list[Any]]], across: Across,
                     letter, declared_unit: str | None,
                     year: tuple[int, str] | None) -> RawTable:
    """The table turned to one row per period, as a :class:`RawTable`.

    Parameters
    ----------
    path : Path
        The file, for messages.
    sheet : str
        The sheet.
    grid : list
        Every row of the sheet: (1-based row number, cell values).
    across : Across
        Where the table is (:func:`find_transposed`).
    letter : callable
        Column position -> the column's name (for the periods' places).
    declared_unit : str or None
        The energy unit declared on the Facility sheet.
    year : tuple or None
        The year of months written without one, and where it came from.

    Returns
    -------
    RawTable
        ``period_start`` holds the period headers (and the totals header last); each quantity
        row is a column; ``rows`` holds each period's column position, named by ``letter``
        (``column_name``), so that a value is placed at its quantity's row and its column.
    """
    rows_below = [(r, row) for r, row in grid if r > across.row]
    cells, texts, unit_row, values = [], {}, {}, {}
    findings: list[Finding] = []
    group = ""
    for r, row in rows_below:
        label = cell_text(row[across.label_column]) if across.label_column < len(row) else ""
        left = [v.strip() for v in row[:across.label_column]
                if isinstance(v, str) and v.strip() and not v.strip().isdigit()]
        if left:  # a group cell (A栋, merged down over its rows) left of the quantities
            group = left[-1]
        if not label:
            continue
        if group:
            label = f"{group} {label}"
        found = recognise(label, ())
        numbers = [row[c] for c in across.periods if c < len(row) and row[c] is not None]
        if found.role is None or found.role == "period_start":
            if numbers and not found.excluded:
                findings.append(Finding("unrecognised_column", "warning",
                                        Place(sheet=sheet, row=r, column=label),
                                        {"header": label, "roles": ""}))
            elif found.excluded:
                findings.append(Finding("column_not_energy", "info",
                                        Place(sheet=sheet, row=r, column=label),
                                        {"header": label, "word": found.excluded}))
            continue
        cells.append(HeaderCell(r, label, found.role, found.unit, found.register, found.part,
                                found.how, found))
        texts[r] = label
        if across.unit_column is not None and across.unit_column < len(row):
            unit = cell_text(row[across.unit_column])
            if unit and units.unit_kind(unit) is not None:
                unit_row[r] = unit
        positions = [*across.periods, *([across.totals] if across.totals is not None else [])]
        values[r] = [row[c] if c < len(row) else None for c in positions]
    header = Header(across.index, 1, cells, texts, units_from="unit column")
    columns, more = resolve_columns(path, sheet, across.row, header, str, unit_row or None,
                                    declared_unit)
    columns = {role: _with_row(source) for role, source in columns.items()}
    head = next(row for r, row in grid if r == across.row)
    period_cells = [head[c] for c in across.periods]
    if across.totals is not None:
        period_cells.append(head[across.totals])
    frame = {"period_start": pd.Series(period_cells, dtype=object)}
    for key, source in frame_keys(columns).items():
        if key != "period_start":
            frame[key] = pd.Series(values[int(source.letter)], dtype=object)
    positions = [*across.periods, *([across.totals] if across.totals is not None else [])]
    rows = np.array(positions, dtype=int)  # each period's column: the Locator names it
    findings = [*more, *findings,
                Finding("transposed_table", "info", Place(sheet=sheet, row=across.row),
                        {"count": len(across.periods)})]
    columns["period_start"] = _period_source(sheet, across, head, letter)
    return RawTable(sheet, columns, pd.DataFrame(frame), rows, findings, year=year,
                    column_name=letter)


def _with_row(source: ColumnSource) -> ColumnSource:
    """A quantity's source names its row (its "letter" is the row number)."""
    return replace(source, row=int(source.letter) if source.letter.isdigit() else None,
                   parts=tuple(_with_row(p) for p in source.parts))


def _period_source(sheet: str, across: Across, head: list[Any], letter) -> ColumnSource:
    first, last = across.periods[0], across.periods[-1]
    return ColumnSource("period_start", f"{cell_text(head[first])} … {cell_text(head[last])}",
                        f"{letter(first)}:{letter(last)}", None, 1.0, "time", sheet,
                        row=across.row)
