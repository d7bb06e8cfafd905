"""Assembly: the energy tables of one file become one :class:`Submission`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from greendc.findings import Finding, Place, input_error
from greendc.reading import energy as energy_tables
from greendc.reading.periods import infer_granularity
from greendc.reading.sources import ColumnSource
from greendc.reading.submission import Submission
from greendc.reference.columns import columns as column_roles
from greendc.reference.settings import Limits


def check_rows(path: Path, sheet: str | None, rows: int, limits: Limits) -> None:
    """Refuse a table with more rows than the ``max_rows`` limit.

    Parameters
    ----------
    path : Path
        The file, for the error message.
    sheet : str or None
        The table's sheet; None for a CSV file.
    rows : int
        Number of rows in the table.
    limits : Limits
        The run's limits; ``max_rows`` is read.

    Raises
    ------
    InputError
        The table is longer than the limit (code ``too_many_rows``).
    """
    limit = limits["max_rows"]
    if rows > limit:
        raise input_error(path, "too_many_rows", Place(sheet=sheet), rows=rows, limit=limit)


def assemble(path: Path, sha256: str, file_type: str, facility: dict[str, Any],
              raw_tables: list[energy_tables.RawTable], timezone: str,
              findings: list[Finding]) -> Submission:
    """The :class:`Submission` from the raw energy tables of one file.

    Parameters
    ----------
    path : the file's name, for messages
    sha256 : digest of the file's bytes
    file_type : ``xlsx``, ``xls`` or ``csv``
    facility : the Facility sheet's fields (canonical names)
    raw_tables : the energy tables found, each as read
    timezone : the facility's time zone (periods with UTC offsets are converted to it)
    findings : what the reader found so far (extended in place)

    Returns
    -------
    Submission
        The energy table in canonical units [kWh, m3, degC], with the source row of every value.

    Raises
    ------
    InputError
        A required column is missing, or the table has periods but no data.
    """
    tables = []
    for raw in raw_tables:
        table, found = energy_tables.build(path, raw, timezone)
        findings += found
        if table is not None:
            tables.append(table)
    columns: dict[str, ColumnSource] = {}
    for t in tables:
        for role, source in t.columns.items():  # a disputed total on any sheet is kept
            if role not in columns or source.contradicted:
                columns[role] = source
    for role in (c.name for c in column_roles().values() if c.required):
        if role not in columns and tables:
            column = column_roles()[role]
            raise input_error(path, "missing_column", Place(sheet=tables[0].sheet),
                              en=column.en, zh=column.zh, header_en=column.header("en"),
                              header_zh=column.header("zh"), short=column.short)
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
    required = [c.name for c in column_roles().values() if c.required and c.kind != "time"]
    if tables and not energy.reindex(columns=required).notna().any(axis=None) \
            and not any(f.severity == "error" for f in findings):
        raise input_error(path, "no_data_in_rows", Place(sheet=tables[0].sheet),
                          code="no_data_rows")
    blank = [c for c in energy.columns if c not in required and energy[c].isna().all()]
    if blank:  # a column left empty (as a filled template leaves them) is no data, never 0
        sheets_of = ", ".join(dict.fromkeys(str(columns[c].sheet) for c in blank
                                            if columns[c].sheet)) or None
        findings.append(Finding("blank_columns", "info", Place(
            sheet=sheets_of, column=", ".join(columns[c].header for c in blank)),
            {"count": len(blank)}))
        energy = energy.drop(columns=blank)
        row_numbers = row_numbers.drop(columns=[c for c in blank if c in row_numbers])
        row_sheets = row_sheets.drop(columns=[c for c in blank if c in row_sheets])
        columns = {k: v for k, v in columns.items() if k not in blank}
    granularity, step = infer_granularity(energy.index)
    sheets = [t.sheet for t in tables if t.sheet]
    primary = next((t.sheet for t in tables if "it_energy_kwh" in t.columns), None)
    return Submission(path=path, sha256=sha256, file_type=file_type, facility=facility,
                      energy=energy, row_numbers=row_numbers, row_sheets=row_sheets,
                      energy_sheet=primary or (sheets[0] if sheets else None), columns=columns,
                      granularity=granularity, step=step, findings=findings)
