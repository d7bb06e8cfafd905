"""Finding the header of an energy table and what each column holds.

Each header cell is recognised (:mod:`~greendc.reading.recognise`): by the user's ``--column``
mapping, by a known name, or by the words in it.  A header may span two rows (a merged group
cell over sub-columns: ``总用电量`` over ``A楼`` and ``B楼``); its labels are combined.  Several
columns of one role with different meter numbers (``1#进线``, ``2#进线``) are parts of the role
and are summed.  The unit decides what a column holds: energy per period (kWh, MWh ...),
average power over the period (kW, MW), or, with a register word, a cumulative meter register.
A unit may also stand in the row under the header, or be declared on the Facility sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greendc.findings import Finding, Place, input_error
from greendc.reading.excel import column_index
from greendc.reading.recognise import MAPPING, MEANING, Recognition, recognise
from greendc.reading.sources import ColumnSource
from greendc.reference import units
from greendc.reference.columns import Column
from greendc.reference.columns import columns as column_roles
from greendc.reference.messages import message
from greendc.reference.names import normalise
from greendc.reference.options import Options
from greendc.reference.vocabulary import vocabulary

HEADER_SCAN_ROWS = 50  # rows searched for the header of a table
_VALUE_LIKE = re.compile(r"^(?=.*\d)[\d\s\-/.:,年月日时分秒T+]+$")  # dates and numbers, not headers
_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")


@dataclass(frozen=True)
class HeaderCell:
    position: int       # 0-based column
    text: str
    role: str
    unit: str | None
    register: bool
    part: str | None = None
    how: str | None = None
    recognition: Recognition | None = None


@dataclass(frozen=True)
class Header:
    """A header found: its first row's index in the grid, how many rows it spans, its cells
    (one per recognised column) and every header text by position."""

    index: int
    height: int
    cells: list[HeaderCell]
    texts: dict[int, str]
    others: list[Recognition] = field(default_factory=list)  # texts that took no role
    units_from: str = "units row"  # where units beside the header stand (a 单位 column across)


def cell_text(value: object) -> str:
    """A cell's value as stripped text.

    Parameters
    ----------
    value : object
        A cell value as read (str, number, datetime, bool or None).

    Returns
    -------
    str
        ``str(value)`` without surrounding white space; ``""`` for None and NaN.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return str(value).strip()


def header_texts(row: list[Any], width: int) -> dict[int, str]:
    """The texts of a row that could be headers: not dates or numbers written as text.

    Parameters
    ----------
    row : list
        The row's cell values by 0-based column.
    width : int
        Columns beyond this are not looked at.

    Returns
    -------
    dict of int to str
        Stripped text by 0-based column.
    """
    return {c: v.strip() for c, v in enumerate(row[:width])
            if isinstance(v, str) and v.strip() and not _VALUE_LIKE.match(v.strip())}


def _match(texts: dict[int, str], options: Options, letter) -> tuple[list[HeaderCell],
                                                                      list[Recognition]]:
    """Recognised cells and the recognitions of the texts that took no role."""
    targets = options.column_mapping()
    by_position: dict[int, str] = {}
    for role, wanted in targets.items():
        for target in wanted:
            if _LETTERS.match(target):
                by_position[column_index(target.upper())] = role
                continue
            key = normalise(target)
            for c, text in texts.items():
                if normalise(text) == key or normalise(units.split_header(text)[0]) == key:
                    by_position[c] = role
    several = {r for r in by_position.values() if list(by_position.values()).count(r) > 1}
    cells, others = [], []
    mapped_roles = set(by_position.values())
    for c, text in texts.items():
        found = recognise(text, options.aliases)
        if c in by_position:  # meters the user named together are parts, by column
            part = letter(c) if by_position[c] in several else found.part
            cells.append(HeaderCell(c, text, by_position[c], found.unit, found.register,
                                    part, MAPPING, found))
        elif found.role and found.role not in mapped_roles:
            cells.append(HeaderCell(c, text, found.role, found.unit, found.register, found.part,
                                    found.how, found))
        else:
            others.append(found)
    for c, role in by_position.items():  # a mapped letter whose header cell is empty
        if c not in texts:
            cells.append(HeaderCell(c, letter(c), role, None, False,
                                    letter(c) if role in several else None, MAPPING))
    return sorted(cells, key=lambda h: h.position), others


def _is_header(cells: list[HeaderCell]) -> bool:
    roles = {h.role for h in cells}
    return "period_start" in roles and len(roles) >= 2


def _sub_labels(row: list[Any], width: int) -> dict[int, str] | None:
    """The labels of a second header row: two or more texts, no numbers, dates or units."""
    values = [v for v in row[:width] if cell_text(v)]
    texts = header_texts(row, width)
    if len(texts) < 2 or len(texts) != len(values):
        return None
    if all(units.unit_kind(t.strip("()（）[]【】 ")) is not None for t in texts.values()):
        return None  # a units row
    return texts


def _combine(top: dict[int, str], sub: dict[int, str]) -> dict[int, str]:
    """One header per column from a group row over a sub-label row (merged group cells leave
    their label in the first cell only: it spans the columns to its right until the next)."""
    out = dict(top)
    group = None
    for c in range(max([*top, *sub]) + 1):
        if c in top:
            group = top[c] if c in sub else None
        if c not in sub:
            continue
        if group is None:
            out[c] = sub[c]
            continue
        label, unit = units.split_header(group)
        sub_label, sub_unit = units.split_header(sub[c])
        unit = sub_unit or unit
        out[c] = f"{label} {sub_label}" + (f" ({unit})" if unit else "")
    return out


def find_header(grid: list[tuple[int, list[Any]]], options: Options,
                letter=str) -> Header | None:
    """The first row of ``grid`` that names a period and an energy role.

    Parameters
    ----------
    grid : (1-based row number, cell values) of the first rows of a sheet
    options : the run's options (mapping, extra column names, the column limit)
    letter : column position -> the column's name as the user sees it

    Returns
    -------
    Header or None
        The header (one or two rows), or None when no row matches.
    """
    width = options.limits["max_columns"]
    for i, (number, row) in enumerate(grid):
        texts = header_texts(row, width)
        if not texts:
            continue
        cells, others = _match(texts, options, letter)
        if not _is_header(cells):
            continue
        below = grid[i + 1] if i + 1 < len(grid) else None
        sub = _sub_labels(below[1], width) if below and below[0] == number + 1 else None
        if sub:
            combined = _combine(texts, sub)
            cells2, others2 = _match(combined, options, letter)
            if _is_header(cells2) and {h.role for h in cells} <= {h.role for h in cells2}:
                return Header(i, 2, cells2, combined, others2)
        return Header(i, 1, cells, texts, others)
    return None


def units_row(row: list[Any], cells: list[HeaderCell]) -> dict[int, str] | None:
    """Units written in the row under the header, by column, when that row holds only units.

    Parameters
    ----------
    row : list
        Every value of the row under the header, by 0-based column.
    cells : list of HeaderCell
        The matched header cells (:func:`find_header`); the period column is skipped.

    Returns
    -------
    dict of int to str or None
        Unit text by 0-based column position, brackets stripped; None when a cell under a
        value column holds anything but a known unit, or when no unit is found.
    """
    found: dict[int, str] = {}
    for cell in cells:
        if cell.role == "period_start":
            continue
        value = row[cell.position] if cell.position < len(row) else None
        text = cell_text(value)
        if not text:
            continue
        if not isinstance(value, str):
            return None
        bare = text.strip("()（）[]【】 ")
        if units.unit_kind(bare) is None:
            return None
        found[cell.position] = bare
    return found or None


def resolve_columns(path: Path, sheet: str | None, header_row: int, header: Header, letter,
                    unit_row: dict[int, str] | None,
                    declared_unit: str | None) -> tuple[dict[str, ColumnSource], list[Finding]]:
    """Check the matched header cells and turn them into :class:`ColumnSource` objects.

    Parameters
    ----------
    path : the file, for messages
    sheet : the sheet (None for a text file)
    header_row : the header's (first) 1-based row number
    header : the header found (:func:`find_header`)
    letter : column position -> the column's name as the user sees it (``C``, or ``3``)
    unit_row : units written in the row under the header, by position
    declared_unit : the energy unit declared on the Facility sheet

    Returns
    -------
    tuple
        Role -> :class:`ColumnSource`, and findings: headers not used, roles found by meaning,
        meters summed, units taken from elsewhere.

    Raises
    ------
    InputError
        Two columns mean one role and are not parts of it, or a unit is missing or unknown.
    """
    findings: list[Finding] = []
    by_role: dict[str, list[HeaderCell]] = {}
    for cell in header.cells:
        by_role.setdefault(cell.role, []).append(cell)
    for found in header.others:
        findings.append(_not_used(found, sheet, header_row))
    sources = {}
    for role, cells in by_role.items():
        cells = _one_meter_set(path, sheet, header_row, role, cells, letter, findings)
        parts = [_source(path, sheet, header_row, c, letter, (unit_row, header.units_from),
                         declared_unit, findings) for c in cells]
        for cell in cells:
            if cell.how == MEANING and cell.recognition is not None:
                findings.append(Finding("role_from_meaning", "info",
                                        Place(sheet=sheet, row=header_row, column=cell.text),
                                        {"header": cell.text, **_role_names(role),
                                         "words": ", ".join(cell.recognition.words),
                                         "score": cell.recognition.score}))
        if len(parts) == 1:
            sources[role] = parts[0]
            continue
        holds = {p.holds for p in parts}
        unit = parts[0].unit if len({p.unit for p in parts}) == 1 else None
        sources[role] = ColumnSource(
            role, " + ".join(p.header for p in parts), "+".join(p.letter for p in parts),
            unit, 1.0, holds.pop() if len(holds) == 1 else "mixed", sheet,
            parts[0].how, parts[0].unit_origin, tuple(parts))
        findings.append(Finding("meters_summed", "info", Place(sheet=sheet, row=header_row),
                                {**_role_names(role), "count": len(parts),
                                 "headers": ", ".join(f'"{p.header}" ({p.letter})'
                                                      for p in parts)}))
    if header.height == 2:
        findings.append(Finding("header_rows_combined", "info",
                                Place(sheet=sheet, rows=(header_row, header_row + 1))))
    return sources, findings


def _role_names(role: str) -> dict[str, str]:
    column = column_roles()[role]
    return {"role": role, "role_en": column.en, "role_zh": column.zh}


def _not_used(found: Recognition, sheet: str | None, header_row: int) -> Finding:
    place = Place(sheet=sheet, row=header_row, column=found.text)
    if found.excluded in vocabulary().multipliers:
        return Finding("multiplier_not_applied", "error", place, {"header": found.text})
    if found.excluded:
        return Finding("column_not_energy", "info", place,
                       {"header": found.text, "word": found.excluded})
    if found.ambiguous:
        roles = [r for r, _ in found.candidates]
        return Finding("ambiguous_column", "warning", place,
                       {"header": found.text, "roles": " / ".join(roles),
                        **{f"roles_{lang}": " / ".join(getattr(column_roles()[r], lang)
                                                       for r in roles) for lang in ("en", "zh")},
                        "options": " ".join(f'--column {column_roles()[r].short}="{found.text}"'
                                            for r in roles)})
    return Finding("unrecognised_column", "warning", place, {"header": found.text, "roles": ""})


def _one_meter_set(path: Path, sheet: str | None, header_row: int, role: str,
                   cells: list[HeaderCell], letter, findings: list[Finding]) -> list[HeaderCell]:
    """The cells that together measure ``role``: one column, or meters with distinct numbers.

    A column without a meter number beside numbered ones is their total: it is used and the
    numbered ones are listed as not summed.
    """
    if len(cells) == 1:
        return cells
    whole = [c for c in cells if not c.part]
    numbered = [c for c in cells if c.part]
    if len(whole) == 1 and numbered:
        findings.append(Finding("parts_not_summed", "info",
                                Place(sheet=sheet, row=header_row, column=whole[0].text),
                                {"headers": ", ".join(f'"{c.text}"' for c in numbered)}))
        return whole
    if role != "period_start" and not whole and len({c.part for c in numbered}) == len(cells):
        return cells
    names = ", ".join(f'"{c.text}" ({letter(c.position)})' for c in cells)
    raise input_error(path, "duplicate_column", Place(sheet=sheet, row=header_row),
                      role={"en": column_roles()[role].en, "zh": column_roles()[role].zh},
                      names=names)


def _source(path: Path, sheet: str | None, header_row: int, cell: HeaderCell, letter,
            units_beside: tuple[dict[int, str] | None, str], declared_unit: str | None,
            findings: list[Finding]) -> ColumnSource:
    unit_row, beside = units_beside
    role = cell.role
    column = column_roles()[role]
    if column.kind == "time":
        return ColumnSource(role, cell.text, letter(cell.position), None, 1.0, "time", sheet,
                            cell.how)
    unit, origin = cell.unit, "header"
    if unit is None and unit_row and cell.position in unit_row:
        unit, origin = unit_row[cell.position], beside
    if unit is None and declared_unit and column.kind == "energy":
        unit, origin = declared_unit, "Facility sheet"
    factor, holds = _unit_factor(path, sheet, header_row, cell, column, unit)
    if origin != "header":
        findings.append(Finding("unit_from_elsewhere", "info",
                                Place(sheet=sheet, row=header_row, column=cell.text),
                                {"unit": unit, "origin": origin,
                                 **{f"origin_{lang}": message(
                                     f"unit_origin.{origin.replace(' ', '_')}", lang)
                                    for lang in ("en", "zh")}}))
    return ColumnSource(role, cell.text, letter(cell.position), unit, factor,
                        "register" if cell.register else holds, sheet, cell.how, origin)


def _unit_factor(path: Path, sheet: str | None, header_row: int, cell: HeaderCell,
                 column: Column, unit: str | None) -> tuple[float, str]:
    """(factor to the canonical unit, what the column holds)."""
    place = Place(sheet=sheet, row=header_row, column=cell.text)
    if unit is None:
        raise input_error(path, "missing_unit", place, header_en=column.header("en"),
                          header_zh=column.header("zh"))
    factor = units.factor_to_canonical(unit, column.kind)
    if factor is not None:
        return factor, "energy"
    if column.kind == "energy" and units.unit_kind(unit) == "power":
        if cell.register:
            raise input_error(path, "register_in_power", place, code="unknown_unit", unit=unit)
        return units.factor_to_canonical(unit, "power"), "power"
    raise input_error(path, "unknown_unit", place, unit=unit, en=column.en, zh=column.zh,
                      known=", ".join(units.known_units(column.kind)))
