"""Turning raw energy-table columns into canonical per-period values.

Per table: blank rows dropped; totals rows (合计, Total) set aside and checked against the sum;
periods parsed; text in number cells located; units converted; power integrated over each
period's hours; register readings differenced (a register that goes backwards is an error naming
its row).  Several tables (data split by month or by meter over several sheets) are combined
per column on the period, and a period given twice for one column is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place, input_error
from greendc.findings import errors as error_findings
from greendc.reading.cells import FORMULA_WITHOUT_VALUE
from greendc.reading.headers import ColumnSource
from greendc.reading.periods import infer_granularity, parse_periods, period_hours
from greendc.reference.columns import columns as column_roles
from greendc.reference.columns import is_summable
from greendc.reference.names import normalise
from greendc.reference.settings import setting


@dataclass
class RawTable:
    """An energy table as found: raw cell values by role, with their source rows."""

    sheet: str | None
    columns: dict[str, ColumnSource]
    frame: pd.DataFrame
    rows: np.ndarray
    findings: list[Finding] = field(default_factory=list)
    hidden: bool = False


@dataclass
class Table:
    """An energy table in canonical form, indexed by period start."""

    sheet: str | None
    columns: dict[str, ColumnSource]
    energy: pd.DataFrame
    rows: np.ndarray
    granularity: str
    step: pd.DateOffset | pd.Timedelta


def rows_place(sheet: str | None, rows: np.ndarray, mask: np.ndarray, header: str) -> Place:
    """The :class:`Place` of the rows picked by ``mask`` in one column.

    Parameters
    ----------
    sheet : str or None
        The table's sheet; None for a CSV file.
    rows : ndarray of int
        Source row number (Excel row or CSV line) of each table row.
    mask : ndarray of bool
        Which table rows to name, same length as ``rows``.
    header : str
        The column's header as written in the file.

    Returns
    -------
    Place
        One row, or the first rows and a count of the rest.
    """
    return Place.for_rows(sheet, rows[mask], header)


def _totals_mask(raw: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
        return np.zeros(len(raw), dtype=bool)  # no text, so no totals row
    words = {normalise(w) for w in setting("ingest", "totals_words")}
    return raw.map(lambda v: isinstance(v, str) and normalise(v) in words).to_numpy(
        dtype=bool)


def _numbers(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(float values, mask of text cells, mask of formula cells without a result)."""
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.to_numpy(dtype="float64", na_value=np.nan)
        none = np.zeros(len(raw), dtype=bool)
        return values, none, none
    formula = raw.map(lambda v: v is FORMULA_WITHOUT_VALUE).to_numpy(dtype=bool)
    cleaned = raw.where(~formula).map(
        lambda v: v.strip().replace(",", "").replace("，", "") if isinstance(v, str) else v)
    values = pd.to_numeric(cleaned.map(lambda v: np.nan if isinstance(v, bool) else v),
                           errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    given = cleaned.map(lambda v: v is not None and v == v and v != "")  # v == v: not NaN
    text = np.isnan(values) & given.to_numpy(dtype=bool)
    return values, text, formula


def build(path: Path, raw: RawTable, timezone: str) -> tuple[Table | None, list[Finding]]:
    """The canonical table of ``raw`` and every finding met (all problems in one pass).

    Parameters
    ----------
    path : Path
        The file, for error messages.
    raw : RawTable
        The table as read: raw cell values by role and their source rows.
    timezone : str
        The facility's time zone; periods with UTC offsets are converted to it.

    Returns
    -------
    table : Table or None
        Values in canonical units [kWh, m3, degC] indexed by period start (power integrated
        over each period, registers differenced); None when errors leave no rows.
    findings : list of Finding
        The table's findings, errors included.

    Raises
    ------
    InputError
        The table has no data rows, or holds power with irregular periods.
    """
    findings = list(raw.findings)
    sheet, columns, frame, rows = raw.sheet, raw.columns, raw.frame, raw.rows
    if raw.hidden:
        findings.append(Finding("hidden_sheet", "info", Place(sheet=sheet)))
    values = [c for c in columns if c != "period_start"]
    blank = frame[[*values, "period_start"]].isna().all(axis=1).to_numpy()
    frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    totals = _totals_mask(frame["period_start"])
    totals_frame, totals_rows = frame.loc[totals], rows[totals]
    frame, rows = frame.loc[~totals].reset_index(drop=True), rows[~totals]
    if frame.empty:
        raise input_error(path, "no_data_rows", Place(sheet=sheet))

    def place(role: str, mask: np.ndarray) -> Place:
        return rows_place(sheet, rows, mask, columns[role].header)

    periods, bad, notes = parse_periods(frame["period_start"], timezone)
    for note in notes:
        findings.append(Finding(note, "info", Place(sheet=sheet,
                                                    column=columns["period_start"].header),
                                {"timezone": timezone}))
    missing = pd.isna(periods) & ~bad
    if missing.any():
        findings.append(Finding("missing_period", "error", place("period_start", missing),
                                {"count": int(missing.sum())}))
    if bad.any():
        first = frame["period_start"][bad].iloc[0]
        findings.append(Finding("bad_period", "error", place("period_start", bad),
                                {"count": int(bad.sum()), "text": str(first)}))

    converted: dict[str, np.ndarray] = {}
    for role in values:
        numbers, text, formula = _numbers(frame[role])
        if text.any():
            findings.append(Finding("text_in_number", "error", place(role, text),
                                    {"count": int(text.sum()),
                                     "text": str(frame[role][text].iloc[0])}))
        if formula.any():
            findings.append(Finding("formula_without_value", "error", place(role, formula),
                                    {"count": int(formula.sum())}))
        infinite = np.isinf(numbers)
        if infinite.any():
            findings.append(Finding("not_finite", "error", place(role, infinite),
                                    {"count": int(infinite.sum())}))
        converted[role] = numbers * columns[role].factor

    keep = ~(missing | bad)
    index = pd.DatetimeIndex(periods[keep], name="period_start")
    energy = pd.DataFrame({r: v[keep] for r, v in converted.items()}, index=index)
    rows = rows[keep]
    if not energy.index.is_monotonic_increasing:
        order = np.argsort(energy.index.to_numpy(), kind="stable")
        energy, rows = energy.iloc[order], rows[order]
        findings.append(Finding("unordered_periods", "warning", Place(sheet=sheet)))
    granularity, step = infer_granularity(energy.index)
    if granularity == "monthly":
        starts = energy.index.to_period("M").to_timestamp()
        if not (starts == energy.index).all():
            findings.append(Finding("monthly_dates_moved", "info", Place(sheet=sheet)))
        energy.index = pd.DatetimeIndex(starts, name="period_start")

    energy, rows, more = _power_and_registers(path, energy, rows, columns, sheet, granularity,
                                              step)
    findings += more
    findings += _check_totals(totals_frame, totals_rows, energy, columns, sheet)
    if error_findings(findings) and energy.empty:
        return None, findings
    return Table(sheet, columns, energy, rows, granularity, step), findings


def _power_and_registers(path: Path, energy: pd.DataFrame, rows: np.ndarray,
                         columns: dict[str, ColumnSource], sheet: str | None, granularity: str,
                         step) -> tuple[pd.DataFrame, np.ndarray, list[Finding]]:
    findings: list[Finding] = []
    power = [r for r, c in columns.items() if c.holds == "power"]
    if power:
        if granularity == "irregular":
            raise input_error(path, "power_needs_regular_periods",
                              Place(sheet=sheet, column=columns[power[0]].header))
        hours = period_hours(energy.index, granularity, step)
        for role in power:
            energy[role] = energy[role].to_numpy() * hours
            findings.append(Finding("power_integrated", "info",
                                    Place(sheet=sheet, column=columns[role].header),
                                    {"unit": columns[role].unit}))
    registers = [r for r, c in columns.items() if c.holds == "register"]
    if not registers:
        return energy, rows, findings
    for role in registers:
        readings = energy[role].to_numpy()
        used = np.diff(readings, prepend=np.nan)
        backwards = used < 0
        if backwards.any():
            findings.append(Finding("register_backwards", "error",
                                    rows_place(sheet, rows, backwards, columns[role].header),
                                    {"count": int(backwards.sum())}))
        energy[role] = used
        findings.append(Finding("register_differenced", "info",
                                Place(sheet=sheet, column=columns[role].header,
                                      row=int(rows[0]) if len(rows) else None)))
    summed = [r for r in energy.columns if is_summable(r)]
    if set(summed) <= set(registers) and len(energy):
        energy, rows = energy.iloc[1:], rows[1:]  # the first reading is the starting point
    return energy, rows, findings


def _check_totals(totals: pd.DataFrame, totals_rows: np.ndarray, energy: pd.DataFrame,
                  columns: dict[str, ColumnSource], sheet: str | None) -> list[Finding]:
    findings: list[Finding] = []
    tolerance = setting("ingest", "totals_tolerance")
    for (_, row), number in zip(totals.iterrows(), totals_rows, strict=True):
        findings.append(Finding("totals_row_excluded", "info", Place(sheet=sheet, row=int(number)),
                                {"text": str(row["period_start"])}))
        for role, source in columns.items():
            if source.holds != "energy" or not is_summable(role) \
                    or role not in energy:
                continue
            stated = pd.to_numeric(pd.Series([row[role]]), errors="coerce").iloc[0]
            if pd.isna(stated):
                continue
            stated *= source.factor
            summed = float(energy[role].sum())
            if abs(stated - summed) > tolerance * max(abs(summed), 1e-9):
                findings.append(Finding("totals_mismatch", "warning",
                                        Place(sheet=sheet, row=int(number), column=source.header),
                                        {"stated": stated, "summed": summed}))
    return findings


def combine(tables: list[Table]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                          list[Finding]]:
    """One energy table from several: per column, concatenated over tables, joined on period.

    Returns the energy, the source row number and the source sheet of every value (same shape,
    plus a ``period_start`` column), and findings (a period given twice for one column).

    Parameters
    ----------
    tables : list of Table
        At least one canonical table.

    Returns
    -------
    energy : DataFrame
        Indexed by period start (sorted), one column per role in canonical order [kWh, m3,
        degC]; NaN where a table lacks the period.
    row_numbers : DataFrame
        Source row of every value, same index, plus ``period_start`` (the IT column's row).
    row_sheets : DataFrame
        Source sheet of every value, laid out as ``row_numbers``.
    findings : list of Finding
        A ``period_in_two_sheets`` error per column given twice for a period (first kept).
    """
    findings: list[Finding] = []
    if len(tables) == 1:
        (t,) = tables
        roles = [*t.energy.columns, "period_start"]
        row_numbers = pd.DataFrame({r: t.rows for r in roles}, index=t.energy.index)
        row_sheets = pd.DataFrame({r: [t.sheet] * len(t.rows) for r in roles},
                                  index=t.energy.index, dtype=object)
        return t.energy, row_numbers, row_sheets, findings
    per_role: dict[str, list[tuple[pd.Series, pd.Series, pd.Series]]] = {}
    for t in tables:
        rows = pd.Series(t.rows, index=t.energy.index)
        sheets = pd.Series(t.sheet, index=t.energy.index, dtype=object)
        for role in t.energy.columns:
            per_role.setdefault(role, []).append((t.energy[role], rows, sheets))
    values, numbers, names = {}, {}, {}
    for role, parts in per_role.items():
        series = pd.concat([p[0] for p in parts])
        row_numbers = pd.concat([p[1] for p in parts])
        sheet_names = pd.concat([p[2] for p in parts])
        dup = series.index.duplicated(keep=False)
        if dup.any() and len(parts) > 1:
            where = sorted({str(s) for s in sheet_names[dup]})
            findings.append(Finding("period_in_two_sheets", "error",
                                    Place(sheet=", ".join(where), column=role,
                                          rows=tuple(int(r) for r in row_numbers[dup][:20])),
                                    {"count": int(dup.sum() // 2), "column": role}))
            keep = ~series.index.duplicated(keep="first")
            series, row_numbers, sheet_names = series[keep], row_numbers[keep], sheet_names[keep]
        values[role], numbers[role], names[role] = series, row_numbers, sheet_names
    energy = pd.DataFrame(values).sort_index()
    energy.index.name = "period_start"
    row_numbers = pd.DataFrame(numbers).reindex(energy.index)
    row_sheets = pd.DataFrame(names).reindex(energy.index)
    primary = "it_energy_kwh" if "it_energy_kwh" in row_numbers else row_numbers.columns[0]
    row_numbers["period_start"] = row_numbers[primary].fillna(
        row_numbers.bfill(axis=1).iloc[:, 0])
    row_sheets["period_start"] = row_sheets[primary].fillna(row_sheets.bfill(axis=1).iloc[:, 0])
    energy = energy[[c for c in column_roles() if c in energy.columns]]
    return energy, row_numbers, row_sheets, findings
