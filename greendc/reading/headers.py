"""Finding the header of an energy table and what each column holds.

A header cell is split into its label and unit (``IT energy (kWh)``); the label is matched to a
column role through the alias table (``columns.toml``), after taking off words that mark
register readings (``读数``, ``reading``).  The unit decides what the column holds: energy per
period (kWh, MWh ...), average power over the period (kW, MW), or, with a register word, a
cumulative meter register.  A unit may also stand in the row under the header, or be declared
once on the Facility sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greendc.findings import Finding, Place, input_error
from greendc.reference import units
from greendc.reference.columns import Aliases, Column, column_index
from greendc.reference.columns import columns as column_roles
from greendc.reference.names import name_variants
from greendc.reference.options import Options
from greendc.reference.settings import setting

HEADER_SCAN_ROWS = 50  # rows searched for the header of a table


@dataclass(frozen=True)
class ColumnSource:
    """Where a canonical column came from and how its values become canonical units.

    ``holds`` is ``energy`` (per period), ``power`` (mean power over the period, integrated
    over the period's hours) or ``register`` (cumulative readings, differenced).
    """

    name: str
    header: str
    letter: str
    unit: str | None
    factor: float
    holds: str = "energy"
    sheet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"header": self.header, "sheet": self.sheet, "column": self.letter,
                "unit": self.unit, "holds": self.holds, "factor_to_canonical": self.factor}


@dataclass(frozen=True)
class HeaderCell:
    position: int       # 0-based column
    text: str
    role: str
    unit: str | None
    register: bool


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


def _strip_register_words(label: str) -> tuple[str, bool]:
    """The label without register words (读数, reading ...), and whether it had any."""
    register = False
    for word in sorted(setting("ingest", "register_words"), key=len, reverse=True):
        pattern = re.compile(re.escape(word), re.IGNORECASE)
        if pattern.search(label):
            label = pattern.sub(" ", label)
            register = True
    return " ".join(label.split()), register


def match_header(text: str, aliases: Aliases = ()) -> tuple[str | None, str | None, bool,
                                                             str | None]:
    """(role, unit text, register?, conflict) for one header cell.

    Parameters
    ----------
    text : the header cell's text, e.g. ``"IT energy (kWh)"``
    aliases : a user's extra column names

    Returns
    -------
    tuple
        The column role (None when no name matches), the unit text (None when the header gives
        none), whether register words were found, and the roles named when it matches several.
    """
    label, unit = units.split_header(text)
    bare, register = _strip_register_words(label)
    index = column_index(aliases)
    roles = {index[v] for v in name_variants(bare) if v in index} if bare else set()
    if len(roles) > 1:
        return None, unit, register, " and ".join(sorted(roles))
    return (roles.pop() if roles else None), unit, register, None


def find_header(grid: list[tuple[int, list[Any]]],
                options: Options) -> tuple[int, list[HeaderCell]] | None:
    """The first row of ``grid`` that names a period and an energy role.

    Parameters
    ----------
    grid : (1-based row number, cell values) of the first rows of a sheet
    options : the run's options (extra column names, the column limit)

    Returns
    -------
    tuple or None
        (index of the header row in ``grid``, its matched cells), or None when no row matches.
    """
    width = options.limits["max_columns"]
    for i, (_, row) in enumerate(grid):
        cells = []
        for c, value in enumerate(row[:width]):
            if not isinstance(value, str) or not value.strip():
                continue
            role, unit, register, _ = match_header(value, options.aliases)
            if role:
                cells.append(HeaderCell(c, value.strip(), role, unit, register))
        roles = {h.role for h in cells}
        if "period_start" in roles and len(roles) >= 2:
            return i, cells
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


def resolve_columns(path: Path, sheet: str | None, header_row: int, row: list[Any],
                    cells: list[HeaderCell], letter, unit_row: dict[int, str] | None,
                    declared_unit: str | None,
                    aliases: Aliases = ()) -> tuple[dict[str, ColumnSource], list[Finding]]:
    """Check the matched header cells and turn them into :class:`ColumnSource` objects.

    Parameters
    ----------
    path : the file, for messages
    sheet : the sheet (None for a text file)
    header_row : the header's 1-based row number
    row : every value of the header row
    cells : the matched cells (:func:`find_header`)
    letter : column position -> the column's name as the user sees it (``C``, or ``3``)
    unit_row : units written in the row under the header, by position
    declared_unit : the energy unit declared on the Facility sheet
    aliases : a user's extra column names

    Returns
    -------
    tuple
        Role -> :class:`ColumnSource`, and findings on headers not recognised.

    Raises
    ------
    InputError
        Two columns mean one role, or a unit is missing or unknown.
    """
    findings: list[Finding] = []
    by_role: dict[str, list[HeaderCell]] = {}
    for cell in cells:
        by_role.setdefault(cell.role, []).append(cell)
    for role, found in by_role.items():
        if len(found) > 1:
            names = ", ".join(f'"{c.text}" ({letter(c.position)})' for c in found)
            raise input_error(path, "duplicate_column", Place(sheet=sheet, row=header_row),
                              role=role, names=names)
    matched = {c.position for c in cells}
    for c, value in enumerate(row):
        text = cell_text(value)
        if text and c not in matched:
            conflict = match_header(text, aliases)[3] if isinstance(value, str) else None
            code = "ambiguous_column" if conflict else "unrecognised_column"
            findings.append(Finding(code, "warning",
                                    Place(sheet=sheet, row=header_row, column=text),
                                    {"header": text, "roles": conflict or ""}))
    sources = {}
    for role, (cell,) in by_role.items():
        column = column_roles()[role]
        if column.kind == "time":
            sources[role] = ColumnSource(role, cell.text, letter(cell.position), None, 1.0,
                                         "time", sheet)
            continue
        unit, origin = cell.unit, "header"
        if unit is None and unit_row and cell.position in unit_row:
            unit, origin = unit_row[cell.position], "units row"
        if unit is None and declared_unit and column.kind == "energy":
            unit, origin = declared_unit, "Facility sheet"
        factor, holds = _unit_factor(path, sheet, header_row, cell, column, unit)
        if origin != "header":
            findings.append(Finding("unit_from_elsewhere", "info",
                                    Place(sheet=sheet, row=header_row, column=cell.text),
                                    {"unit": unit, "origin": origin}))
        sources[role] = ColumnSource(role, cell.text, letter(cell.position), unit, factor,
                                     "register" if cell.register else holds, sheet)
    return sources, findings


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
