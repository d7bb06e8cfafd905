"""``greendc inspect``: what the reader made of a file, before any figure is computed.

For each table: the sheet, each role with its header, column, unit (and where the unit came
from), how the role was recognised (mapping, known name, meaning) and the meters summed; the
period range and granularity; every inference the reader made and everything it left out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from greendc.reading.read import read_submission
from greendc.reading.sniff import Source
from greendc.reference.columns import columns as column_roles
from greendc.reference.options import Options

INFERENCES = ("role_from_meaning", "meters_summed", "header_rows_combined", "transposed_table",
              "year_inferred", "notes_ignored", "register_periods", "unit_from_elsewhere",
              "power_integrated", "values_decided", "totals_row_excluded", "parts_not_summed",
              "monthly_dates_moved", "combined_sheets", "utc_offsets", "excel_serials",
              "summary_row_excluded")
IGNORED = ("unrecognised_column", "ambiguous_column", "column_not_energy", "blank_columns")


def inspect_file(source: Source, options: Options | None = None, *,
                 name: str | None = None) -> dict[str, Any]:
    """What the reader found in one submission file.

    Parameters
    ----------
    source : path, bytes or binary file object
        The submission.
    options : Options, optional
        The run's options (mapping, year, extra column names, limits).
    name : str, optional
        The name the file goes by (needed with bytes of a text file).

    Returns
    -------
    dict
        ``file``, ``type``, ``sheets`` (sheet -> roles found there), ``columns`` (role ->
        source, with ``role_zh``/``role_en``), ``period`` (start, end, granularity, rows),
        ``inferences``, ``ignored`` and ``problems`` (findings as dicts).

    Raises
    ------
    InputError
        The file cannot be read; a file without an energy table gets an error that lists the
        headers seen, each with its best guess, and the ``--column`` options that would help.
    """
    sub = read_submission(source, options or Options(), name=name)
    roles = column_roles()
    columns = {}
    sheets: dict[str, list[str]] = {}
    for role, source_ in sub.columns.items():
        entry = source_.to_dict()
        entry.update(role_en=roles[role].en, role_zh=roles[role].zh)
        columns[role] = entry
        sheets.setdefault(str(source_.sheet) if source_.sheet else "", []).append(role)
    index = sub.energy.index
    end = None
    if len(index):  # the day the last period ends on, as the assessment states it
        last = index.max()
        closed = last + sub.step - pd.Timedelta(days=1) if sub.step else last
        end = str(max(closed, last).date())
    findings = [f.to_dict() for f in sub.findings]
    return {
        "file": str(sub.path), "type": sub.file_type, "sha256": sub.sha256,
        "sheets": sheets, "columns": columns,
        "period": {"start": str(index.min().date()) if len(index) else None,
                   "end": end,
                   "granularity": sub.granularity, "rows": len(index)},
        "inferences": [f for f in findings if f["code"] in INFERENCES],
        "ignored": [f for f in findings if f["code"] in IGNORED],
        "problems": [f for f in findings if f["severity"] in ("error", "warning")
                     and f["code"] not in IGNORED],
    }
