"""Write submission workbooks in the canonical format: blank templates and filled examples.

The canonical format is documented in ``docs/submission-format.md``.  One writer serves both
the blank template (``greendc template``) and the synthetic demo submission (``greendc demo``),
so the two can never drift apart.  xlsxwriter writes it: it supports drop-downs, number
validation, comments and frozen panes, and writes a year of 15-minute data in about a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greendc import reference
from greendc.reference.messages import message

GRANULARITIES = {"monthly": "MS", "daily": "D", "hourly": "h", "15min": "15min"}
_PERIOD_FORMATS = {"monthly": "yyyy-mm", "daily": "yyyy-mm-dd"}
_MAX_ROWS_VALIDATED = 40_000
_BLANK_TABLE_ROWS = 30


def _choice_label(spellings: tuple[str, ...], lang: str) -> str:
    return spellings[1] if lang == "en" and len(spellings) > 1 else spellings[0]


def _field_value(spec: reference.Field, value: Any, lang: str) -> Any:
    if value is None:
        return None
    if spec.type == "enum":
        return _choice_label(spec.choices[value], lang)
    if spec.type == "bool":
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if spec.type == "date":
        return dt.date.fromisoformat(value)
    return value


def _validation(spec: reference.Field, lang: str) -> dict[str, Any] | None:
    if spec.type == "enum":
        return {"validate": "list",
                "source": [_choice_label(s, lang) for s in spec.choices.values()]}
    if spec.type == "bool":
        return {"validate": "list", "source": ["是", "否"] if lang == "zh" else ["yes", "no"]}
    if spec.type in ("number", "integer"):
        rule = {"validate": "decimal" if spec.type == "number" else "integer"}
        if spec.min is not None and spec.max is not None:
            rule.update(criteria="between", minimum=spec.min, maximum=spec.max)
        elif spec.min is not None:
            rule.update(criteria=">=", value=spec.min)
        else:
            rule.update(criteria="between", minimum=-1e300, maximum=1e300)
        return rule
    if spec.type == "date":
        return {"validate": "date", "criteria": ">", "value": dt.date(1990, 1, 1)}
    return None


def write_submission(
    path: str | Path,
    *,
    facility: Mapping[str, Any] | None = None,
    energy: pd.DataFrame | None = None,
    measures: Iterable[Mapping[str, Any]] = (),
    meters: Iterable[Mapping[str, Any]] = (),
    operating_points: Iterable[Mapping[str, Any]] | None = None,
    lang: str = "zh",
    granularity: str = "monthly",
    year: int | None = None,
) -> Path:
    """Write a canonical submission workbook.

    Parameters
    ----------
    path : where to write the .xlsx file
    facility : Facility-sheet values by canonical field name (None: blank)
    energy : Energy table indexed by period start with canonical columns (None: a blank table
        whose period column is filled for ``year`` at ``granularity``)
    measures, meters : rows of the Measures and Meters sheets by canonical field name
    operating_points : rows of the optional GB 40879 RM1 sheet (None: the sheet is left out of a
        filled workbook; a blank template always has it)
    lang : ``zh`` or ``en``: sheet names, instructions, the first language of every header
    granularity : monthly, daily, hourly or 15min (blank templates only)
    year : the year pre-filled in a blank template (default: last calendar year)
    """
    import xlsxwriter

    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be zh or en, not {lang!r}")
    path = Path(path)
    # constant_memory streams each row to disk: every sheet is written strictly row by row.
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DCEBDD", "border": 1, "text_wrap": True,
                            "valign": "top"})
    note = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#444444"})
    title = book.add_format({"bold": True, "font_size": 14})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet_names = {k: v[lang] for k, v in reference.sheets().items()}

    # Instructions
    ws = book.add_worksheet(message("template.instructions_sheet", lang))
    ws.set_column(0, 0, 110)
    ws.write(0, 0, message("template.title", lang), title)
    lines = message("template.instructions", lang, **sheet_names).splitlines()
    for r, line in enumerate(lines, start=2):
        ws.write(r, 0, line, note)

    # Facility (key-value)
    ws = book.add_worksheet(sheet_names["facility"])
    headers = [message(f"template.facility_{k}", lang) for k in ("field", "value", "unit", "notes")]
    ws.write_row(0, 0, headers, head)
    ws.set_column(0, 0, 38)
    ws.set_column(1, 1, 36)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 3, 70)
    ws.freeze_panes(1, 0)
    values = dict(facility or {})
    for r, spec in enumerate(reference.fields("facility").values(), start=1):
        ws.write(r, 0, spec.label(lang))
        ws.write_comment(r, 0, spec.help_zh + "\n" + spec.help_en, {"x_scale": 2, "y_scale": 1.5})
        value = _field_value(spec, values.get(spec.name), lang)
        if isinstance(value, dt.date):
            ws.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), date_fmt)
        elif value is not None:
            ws.write(r, 1, value)
        ws.write(r, 2, spec.unit)
        ws.write(r, 3, spec.help_zh if lang == "zh" else spec.help_en, note)
        rule = _validation(spec, lang)
        if rule:
            ws.data_validation(r, 1, r, 1, rule)

    _write_energy(book, sheet_names["energy"], energy, lang, granularity, year, head)
    tables = {"measures": list(measures), "meters": list(meters)}
    if operating_points is not None or energy is None:
        tables["operating_points"] = list(operating_points or ())
    for table, rows in tables.items():
        _write_records(book, sheet_names[table], table, rows, lang, head, date_fmt)
    book.close()
    return path


def _write_energy(book, name: str, energy: pd.DataFrame | None, lang: str, granularity: str,
                  year: int | None, head) -> None:
    ws = book.add_worksheet(name)
    cols = [c for c in reference.columns().values()
            if energy is None or c.name == "period_start" or c.name in energy.columns]
    for c, column in enumerate(cols):
        ws.write(0, c, column.header(lang), head)
        ws.write_comment(0, c, column.help_zh + "\n" + column.help_en,
                         {"x_scale": 2, "y_scale": 1.5})
        ws.set_column(c, c, 22 if c else 18)
    ws.set_row(0, 45)
    ws.freeze_panes(1, 1)
    if energy is None:
        if granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
        year = year or dt.date.today().year - 1
        index = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq=GRANULARITIES[granularity],
                              inclusive="left")
    else:
        index = energy.index
        granularity = "monthly" if len(index) > 1 and (index[1] - index[0]).days >= 28 else "15min"
    period_fmt = book.add_format(
        {"num_format": _PERIOD_FORMATS.get(granularity, "yyyy-mm-dd hh:mm")})
    last = min(len(index), _MAX_ROWS_VALIDATED)
    for c, column in enumerate(cols[1:], start=1):
        rule = ({"validate": "decimal", "criteria": "between", "minimum": -100, "maximum": 70}
                if column.kind == "temperature" else
                {"validate": "decimal", "criteria": ">=", "value": 0})
        rule.update(error_title="greendc", error_message=message("template.number_only", lang))
        ws.data_validation(1, c, last, c, rule)
    stamps = index.to_pydatetime()
    if energy is None:
        for r, stamp in enumerate(stamps, start=1):
            ws.write_datetime(r, 0, stamp, period_fmt)
        return
    data = energy[[c.name for c in cols[1:]]].to_numpy(dtype=float)
    values, present = data.tolist(), np.isfinite(data).tolist()
    write_number, write_datetime = ws.write_number, ws.write_datetime
    for r, (stamp, row, ok) in enumerate(zip(stamps, values, present, strict=True), start=1):
        write_datetime(r, 0, stamp, period_fmt)
        for c, (value, good) in enumerate(zip(row, ok, strict=True), start=1):
            if good:
                write_number(r, c, value)


def _write_records(book, name: str, table: str, rows: list[Mapping[str, Any]], lang: str, head,
                   date_fmt) -> None:
    ws = book.add_worksheet(name)
    specs = list(reference.fields(table).values())
    for c, spec in enumerate(specs):
        label = spec.label(lang) + (f" ({spec.unit})" if spec.unit else "")
        ws.write(0, c, label, head)
        ws.write_comment(0, c, spec.help_zh + "\n" + spec.help_en, {"x_scale": 2, "y_scale": 1.5})
        ws.set_column(c, c, 24)
        rule = _validation(spec, lang)
        if rule:
            ws.data_validation(1, c, _BLANK_TABLE_ROWS + len(rows), c, rule)
    ws.set_row(0, 32)
    ws.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for c, spec in enumerate(specs):
            value = _field_value(spec, row.get(spec.name), lang)
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            elif value is not None:
                ws.write(r, c, value)
