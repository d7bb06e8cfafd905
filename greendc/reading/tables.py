"""The small tables of a submission: Facility (key-value), Measures, Meters, Operating points."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place
from greendc.reading.cells import FORMULA_WITHOUT_VALUE
from greendc.reading.headers import HEADER_SCAN_ROWS, cell_text
from greendc.reading.periods import parse_period_text
from greendc.reference import units
from greendc.reference.columns import Field, bool_spellings, field_index, fields
from greendc.reference.names import name_variants, normalise

Grid = list[tuple[int, list[Any]]]
_VALUE_HEADERS = {"值", "value", "数值", "填报值", "填报内容", "内容"}


def parse_field(spec: Field, value: object) -> tuple[Any, str | None]:
    """(parsed value, problem) for one cell of a Facility, Measures or Meters field."""
    if value is FORMULA_WITHOUT_VALUE:
        return None, "a formula without a saved result: open the file in Excel and save it"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if spec.type == "text":
        if isinstance(value, float) and value.is_integer():
            return str(int(value)), None
        if isinstance(value, dt.datetime):
            return value.date().isoformat(), None
        return str(value).strip(), None
    if spec.type in ("number", "integer"):
        number = to_number(value)
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
        stamp = to_timestamp(value)
        if stamp is None:
            return None, f'"{value}" is not a date (write it as 2025-01-31)'
        return stamp.date().isoformat(), None
    if spec.type == "bool":
        if isinstance(value, bool):
            return value, None
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else value
        flag = bool_spellings().get(normalise(text))
        if flag is None:
            return None, f'"{value}" is not yes/no (是/否)'
        return flag, None
    # enum
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else value
    key = normalise(text)
    for canonical, spellings in spec.choices.items():
        if key in {normalise(s) for s in (canonical, *spellings)}:
            return canonical, None
    options = ", ".join(f"{s[0]} ({c})" for c, s in spec.choices.items())
    return None, f'"{value}" is not one of: {options}'


def to_number(value: object) -> float | None:
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


def to_timestamp(value: object) -> pd.Timestamp | None:
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return pd.Timestamp(value)
    text = str(value).strip()
    stamp = parse_period_text(text)
    if stamp is not None:
        return stamp
    try:
        return pd.Timestamp(text.replace("/", "-").replace(".", "-"))
    except (ValueError, TypeError):
        return None


def _key(label: object, index: dict[str, str]) -> str | None:
    if not isinstance(label, str):
        return None
    bare = units.split_header(label)[0]
    return next((index[v] for v in name_variants(bare) if v in index), None)


def read_key_values(grid: Grid, sheet: str) -> tuple[dict[str, Any], list[Finding]]:
    """The Facility sheet: a field name in one cell and its value in the ``值 Value`` column,
    else in the next cell to the right."""
    specs = fields("facility")
    index = field_index("facility")
    out: dict[str, Any] = {}
    findings: list[Finding] = []
    value_column: int | None = None
    for r, row in grid:
        cells = [(c, v) for c, v in enumerate(row) if cell_text(v)]
        if not cells:
            continue
        c0, label = cells[0]
        key = _key(label, index)
        if key is None:
            heads = [c for c, v in cells if isinstance(v, str)
                     and set(name_variants(v)) & _VALUE_HEADERS]
            if heads:
                value_column = heads[0]
            continue  # titles, notes, the header row of the table
        at = value_column if value_column is not None and value_column > c0 else c0 + 1
        value = row[at] if at < len(row) else None
        parsed, problem = parse_field(specs[key], value)
        place = Place(sheet=sheet, row=r, key=key)
        if problem:
            findings.append(Finding("bad_field", "error", place, {"problem": problem}))
        elif parsed is not None:
            if key in out and out[key] != parsed:
                findings.append(Finding("field_given_twice", "error", place, {}))
            out[key] = parsed
    return out, findings


def read_records(grid: Grid, sheet: str, table: str) -> tuple[list[dict[str, Any]],
                                                               list[Finding]]:
    """Rows of the Measures, Meters or Operating points table as dicts of canonical fields."""
    specs = fields(table)
    index = field_index(table)
    findings: list[Finding] = []
    header_at = None
    mapping: dict[int, str] = {}
    for i, (_, row) in enumerate(grid[:HEADER_SCAN_ROWS]):
        found = {c: k for c, v in enumerate(row) if (k := _key(v, index))}
        if len(found) >= 2:
            header_at, mapping = i, found
            break
    if header_at is None:
        return [], findings
    records = []
    for r, row in grid[header_at + 1:]:
        if not any(cell_text(v) for v in row):
            continue
        record: dict[str, Any] = {"row": r}
        for c, key in mapping.items():
            value = row[c] if c < len(row) else None
            parsed, problem = parse_field(specs[key], value)
            if problem:
                findings.append(Finding("bad_field", "error",
                                        Place(sheet=sheet, row=r, column=specs[key].en),
                                        {"problem": problem}))
            record[key] = parsed
        records.append(record)
    return records, findings
