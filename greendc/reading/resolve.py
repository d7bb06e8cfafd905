"""From the header found to column sources: units, meters summed, what was left out.

Each recognised header cell becomes a :class:`~greendc.reading.sources.ColumnSource`: its unit
from the header, the row under it or the Facility sheet, what it holds (energy, mean power or
register readings), and, for a role measured by several meters, one source per meter.  Headers
that take no role become findings (not energy, ambiguous, unrecognised).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from greendc.errors import InputError
from greendc.findings import Finding, Place, input_error
from greendc.reading.headers import Header, HeaderCell, bare_unit, cell_text
from greendc.reading.recognise import MEANING, Recognition
from greendc.reading.sources import ColumnSource
from greendc.reference import units
from greendc.reference.columns import Column, is_summable, role_names
from greendc.reference.columns import columns as column_roles
from greendc.reference.messages import message
from greendc.reference.vocabulary import vocabulary


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
        bare = bare_unit(text)
        if bare is None:
            return None
        found[cell.position] = bare
    return found or None


def table_columns(path: Path, sheet: str | None, head: list[tuple[int, list[Any]]],
                  header: Header, letter, declared_unit: str | None
                  ) -> tuple[dict[str, ColumnSource], list[Finding], int]:
    """The columns of a table found in ``head``, with a units row under its header taken in.

    Parameters
    ----------
    path : the file, for messages
    sheet : the sheet (None for a text file)
    head : (1-based row number, cell values) of the rows searched
    header : the header found in them (:func:`find_header`)
    letter : column position -> the column's name as the user sees it
    declared_unit : the energy unit declared on the Facility sheet

    Returns
    -------
    tuple
        Role -> :class:`ColumnSource`, the findings of :func:`resolve_columns`, and the first
        data row (1-based: after the header's rows and a units row).
    """
    header_row = head[header.index][0]
    last = header_row + header.height - 1
    below = header.index + header.height
    under = head[below] if below < len(head) else None
    unit_row = units_row(under[1], header.cells) if under and under[0] == last + 1 else None
    columns, findings = resolve_columns(path, sheet, header_row, header, letter, unit_row,
                                        declared_unit)
    return columns, findings, last + (2 if unit_row else 1)


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
        cells, numbered = _one_meter_set(path, sheet, header_row, role, cells, letter, findings)
        parts = [_source(path, sheet, header_row, c, letter, (unit_row, header.units_from),
                         declared_unit, findings) for c in cells]
        for cell in cells:
            if cell.how == MEANING and cell.recognition is not None:
                findings.append(Finding("role_from_meaning", "info",
                                        Place(sheet=sheet, row=header_row, column=cell.text),
                                        {"header": cell.text, **role_names(role),
                                         "words": ", ".join(cell.recognition.words),
                                         "score": cell.recognition.score}))
        if len(parts) == 1:
            checks = _checks(path, sheet, header_row, numbered, letter,
                             (unit_row, header.units_from), declared_unit)
            sources[role] = replace(parts[0], checks=checks) if checks else parts[0]
            continue
        holds = {p.holds for p in parts}
        unit = parts[0].unit if len({p.unit for p in parts}) == 1 else None
        sources[role] = ColumnSource(
            role, " + ".join(p.header for p in parts), "+".join(p.letter for p in parts),
            unit, 1.0, holds.pop() if len(holds) == 1 else "mixed", sheet,
            parts[0].how, parts[0].unit_origin, tuple(parts))
        findings.append(Finding("meters_summed", "info", Place(sheet=sheet, row=header_row),
                                {**role_names(role), "count": len(parts),
                                 "headers": ", ".join(f'"{p.header}" ({p.letter})'
                                                      for p in parts)}))
    if header.height == 2:
        findings.append(Finding("header_rows_combined", "info",
                                Place(sheet=sheet, rows=(header_row, header_row + 1))))
    return sources, findings


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
                   cells: list[HeaderCell], letter, findings: list[Finding]
                   ) -> tuple[list[HeaderCell], list[HeaderCell]]:
    """The cells that together measure ``role`` (one column, or meters with distinct numbers),
    and the numbered meters beside a total, which check it.

    A column without a meter number beside numbered ones is their total: it is used, the
    numbered ones are listed as not summed and read only to check the total against their sum.
    """
    if len(cells) == 1:
        return cells, []
    whole = [c for c in cells if not c.part]
    numbered = [c for c in cells if c.part]
    if len(whole) == 1 and numbered:
        findings.append(Finding("parts_not_summed", "info",
                                Place(sheet=sheet, row=header_row, column=whole[0].text),
                                {"headers": ", ".join(f'"{c.text}"' for c in numbered)}))
        distinct = len({c.part for c in numbered}) == len(numbered)
        # a sum checks a total of energy, water or fuel; temperatures are not added up
        return whole, numbered if is_summable(role) and distinct else []
    if role != "period_start" and not whole and len({c.part for c in numbered}) == len(cells):
        return cells, []
    names = ", ".join(f'"{c.text}" ({letter(c.position)})' for c in cells)
    raise input_error(path, "duplicate_column", Place(sheet=sheet, row=header_row),
                      role={"en": column_roles()[role].en, "zh": column_roles()[role].zh},
                      names=names)


def _checks(path: Path, sheet: str | None, header_row: int, numbered: list[HeaderCell], letter,
            units_beside: tuple[dict[int, str] | None, str], declared_unit: str | None
            ) -> tuple[ColumnSource, ...]:
    """The numbered meters beside a total as sources, or none when one has no usable unit
    (they are not used, so their unit is no reason to stop)."""
    try:
        return tuple(_source(path, sheet, header_row, c, letter, units_beside, declared_unit, [])
                     for c in numbered)
    except InputError:
        return ()


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
    below = unit_row.get(cell.position) if unit_row else None
    if unit is not None and below is not None and (
            units.factor_to_canonical(unit, column.kind)
            != units.factor_to_canonical(below, column.kind)):  # (kWh) over 万kWh: which?
        raise input_error(path, "unit_conflict", Place(sheet=sheet, row=header_row,
                                                       column=cell.text),
                          header=cell.text, unit=unit, below=below)
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
