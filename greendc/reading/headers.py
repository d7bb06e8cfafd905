"""Finding the header of an energy table.

Each header cell is recognised (:mod:`~greendc.reading.recognise`): by the user's ``--column``
mapping, by a known name, or by the words in it.  A header may span two rows (a merged group
cell over sub-columns: ``总用电量`` over ``A楼`` and ``B楼``); its labels are combined.  What each
column then holds (unit, meters summed) is settled in :mod:`~greendc.reading.resolve`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from greendc.reading.excel import column_index
from greendc.reading.recognise import MAPPING, Recognition, recognise
from greendc.reference import units
from greendc.reference.names import normalise
from greendc.reference.options import Options

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


def bare_unit(text: str) -> str | None:
    """The unit a cell of a units row writes (``(kWh)``, ``【万kWh】``), brackets stripped, or
    None when it is no unit greendc knows.

    Parameters
    ----------
    text : str
        The cell's text.

    Returns
    -------
    str or None
        The unit without brackets.
    """
    bare = text.strip("()（）[]【】 ")
    return bare if units.unit_kind(bare) is not None else None


def _units_below(row: list[Any] | None, width: int) -> dict[int, str]:
    """The units of a row under a header that holds only units (one label such as 单位 aside),
    brackets stripped, by column; empty for any other row."""
    if row is None:
        return {}
    values = {c: cell_text(v) for c, v in enumerate(row[:width]) if cell_text(v)}
    if any(not isinstance(row[c], str) for c in values):
        return {}
    found = {c: bare_unit(t) for c, t in values.items() if bare_unit(t)}
    return found if found and len(values) - len(found) <= 1 else {}


def _match(texts: dict[int, str], options: Options, letter,
           units_below: dict[int, str] | None = None) -> tuple[list[HeaderCell],
                                                               list[Recognition]]:
    """Recognised cells and the recognitions of the texts that took no role.  A text without
    a unit that takes no role is tried again with the unit written under it (``可再生能源`` over
    ``(MWh)`` is energy, as ``可再生能源(MWh)`` is)."""
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
        if found.role is None and found.unit is None and c in (units_below or {}):
            again = recognise(f"{text} ({units_below[c]})", options.aliases)
            if again.role is not None:
                found = replace(again, text=text)
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
    if _units_below(row, width):
        return None  # a units row (one label such as 单位 aside)
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
        below = grid[i + 1] if i + 1 < len(grid) else None
        next_row = below[1] if below and below[0] == number + 1 else None
        cells, others = _match(texts, options, letter, _units_below(next_row, width))
        if not _is_header(cells):
            continue
        sub = _sub_labels(below[1], width) if below and below[0] == number + 1 else None
        if sub:
            combined = _combine(texts, sub)
            cells2, others2 = _match(combined, options, letter)
            if _is_header(cells2) and {h.role for h in cells} <= {h.role for h in cells2}:
                return Header(i, 2, cells2, combined, others2)
        return Header(i, 1, cells, texts, others)
    return None
