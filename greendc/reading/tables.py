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
from greendc.reference.messages import LANGS, message
from greendc.reference.names import name_variants, normalise
from greendc.reference.places import country_code

Grid = list[tuple[int, list[Any]]]
_VALUE_HEADERS = {"值", "value", "数值", "填报值", "填报内容", "内容"}


Problem = tuple[str, dict[str, Any]]  # (catalogue key under ``cell_problem``, its values)


def problem_words(problem: Problem) -> dict[str, str]:
    """A cell's problem in every language, for a finding's ``problem_en`` / ``problem_zh``.

    Parameters
    ----------
    problem : (key, values) as :func:`parse_field` gives it

    Returns
    -------
    dict
        ``{"problem_en": ..., "problem_zh": ...}``
    """
    key, values = problem
    out = {}
    for lang in LANGS:
        shown = {k: v[lang] if isinstance(v, dict) else v for k, v in values.items()}
        out[f"problem_{lang}"] = message(f"cell_problem.{key}", lang, **shown)
    return out


def parse_field(spec: Field, value: object) -> tuple[Any, Problem | None]:
    """(parsed value, problem) for one cell of a Facility, Measures or Meters field.

    Parameters
    ----------
    spec : Field
        The field: its ``type`` (text, country, number, integer, date, bool or enum), bounds
        and choices.
    value : object
        The cell as read (str, float, bool, datetime, None or a formula without a result).

    Returns
    -------
    value : object
        str, float, int, ISO date str, bool, the canonical enum value or an ISO country code;
        None when the cell is blank or has a problem.
    problem : (str, dict) or None
        What is wrong with the cell as a catalogue key and its values (see
        :func:`problem_words`); None when it is fine or blank.
    """
    if value is FORMULA_WITHOUT_VALUE:
        return None, ("formula", {})
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if spec.type == "country":  # a known name becomes its ISO code; other text stays
        text = str(value).strip()
        return country_code(text) or text, None
    if spec.type == "text":
        if isinstance(value, float) and value.is_integer():
            return str(int(value)), None
        if isinstance(value, dt.datetime):
            return value.date().isoformat(), None
        return str(value).strip(), None
    if spec.type in ("number", "integer"):
        number = to_number(value)
        if number is None:
            return None, ("not_number", {"value": value})
        if spec.type == "integer" and not float(number).is_integer():
            return None, ("not_whole", {"value": value})
        if spec.min is not None and number < spec.min:
            return None, ("below_min", {"value": value, "limit": spec.min})
        if spec.max is not None and number > spec.max:
            return None, ("above_max", {"value": value, "limit": spec.max})
        return (int(number) if spec.type == "integer" else float(number)), None
    if spec.type == "date":
        stamp = to_timestamp(value)
        if stamp is None:
            return None, ("not_date", {"value": value})
        return stamp.date().isoformat(), None
    if spec.type == "bool":
        if isinstance(value, bool):
            return value, None
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else value
        flag = bool_spellings().get(normalise(text))
        if flag is None:
            return None, ("not_bool", {"value": value})
        return flag, None
    # enum
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else value
    key = normalise(text)
    for canonical, spellings in spec.choices.items():
        if key in {normalise(s) for s in (canonical, *spellings)}:
            return canonical, None
    options = {"zh": "、".join(s[0] for s in spec.choices.values()),
               "en": ", ".join(s[min(1, len(s) - 1)] for s in spec.choices.values())}
    return None, ("not_choice", {"value": value, "options": options})


def to_number(value: object) -> float | None:
    """A cell's value as a finite number, or None.

    Parameters
    ----------
    value : object
        A number, or text with optional thousands separators (``,`` or ``，``).

    Returns
    -------
    float or None
        None for booleans, text that is no number, NaN and infinities.
    """
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
    """A cell's value as a date, or None.

    Parameters
    ----------
    value : object
        A date or datetime, or text: a :func:`~greendc.reading.periods.parse_period_text`
        spelling, or ISO-like with ``-``, ``/`` or ``.`` separators.

    Returns
    -------
    Timestamp or None
        Naive timestamp; None when the text is no date, names an impossible one
        (``2025年13月``, ``32.01.2025``) or is a missing-value word (``NaN``, ``NaT``).
    """
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else stamp
    text = str(value).strip()
    try:
        stamp = parse_period_text(text)
        if stamp is None:
            stamp = pd.Timestamp(text.replace("/", "-").replace(".", "-"))
    except (ValueError, TypeError, OverflowError):
        return None
    return None if pd.isna(stamp) else stamp


def _key(label: object, index: dict[str, str]) -> str | None:
    if not isinstance(label, str):
        return None
    bare = units.split_header(label)[0]
    return next((index[v] for v in name_variants(bare) if v in index), None)


def read_key_values(grid: Grid, sheet: str) -> tuple[dict[str, Any], list[Finding]]:
    """The Facility sheet: a field name in one cell and its value in the ``值 Value`` column,
    else in the next cell to the right.

    Parameters
    ----------
    grid : list of tuple of (int, list)
        (1-based row number, cell values) of the sheet's rows.
    sheet : str
        The sheet's name, for findings.

    Returns
    -------
    fields : dict of str to object
        Parsed values by canonical Facility field name; blank and bad cells are left out.
    findings : list of Finding
        ``bad_field`` and ``field_given_twice`` (different values) errors.
    """
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
            findings.append(Finding("bad_field", "error", place, problem_words(problem)))
        elif parsed is not None:
            if key in out and out[key] != parsed:
                findings.append(Finding("field_given_twice", "error", place, {}))
            out[key] = parsed
    return out, findings


def read_records(grid: Grid, sheet: str, table: str) -> tuple[list[dict[str, Any]],
                                                               list[Finding]]:
    """Rows of the Measures, Meters or Operating points table as dicts of canonical fields.

    Parameters
    ----------
    grid : list of tuple of (int, list)
        (1-based row number, cell values) of the sheet's rows.
    sheet : str
        The sheet's name, for findings.
    table : str
        The field table: ``measures``, ``meters`` or ``operating_points``.

    Returns
    -------
    records : list of dict
        One per non-blank row under the header (the first row naming two fields): ``row``
        (1-based) and every header field, None when blank or bad.  Empty with no header.
    findings : list of Finding
        A ``bad_field`` error per cell that cannot be parsed.
    """
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
                header = cell_text(grid[header_at][1][c]) or specs[key].en  # as the file has it
                findings.append(Finding("bad_field", "error",
                                        Place(sheet=sheet, row=r, column=header),
                                        problem_words(problem)))
            record[key] = parsed
        records.append(record)
    return records, findings
