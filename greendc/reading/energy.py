"""Turning raw energy-table columns into canonical per-period values.

Per table: blank rows dropped; totals rows (合计, Total) set aside and checked against the sum;
periods parsed; text in number cells located; units converted; power integrated over each
period's hours; register readings differenced (a register that goes backwards is an error naming
its row).  Several tables (data split by month or by meter over several sheets) are combined
per column on the period, and a period given twice for one column is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place, input_error
from greendc.findings import errors as error_findings
from greendc.reading.cells import FORMULA_WITHOUT_VALUE
from greendc.reading.meters import sum_parts, totals_row_against, values_decide
from greendc.reading.periods import infer_granularity, parse_periods, period_hours
from greendc.reading.sources import CHECK, ColumnSource, Locator, frame_keys
from greendc.reference.columns import columns as column_roles
from greendc.reference.columns import is_summable, role_names
from greendc.reference.messages import message
from greendc.reference.names import normalise
from greendc.reference.settings import setting


@dataclass
class RawTable:
    """An energy table as found: raw cell values by frame key, with their source rows.

    ``frame`` has ``period_start`` and one column per meter (:func:`~greendc.reading.headers.
    frame_keys`); ``text_cells`` holds, by frame key, the (position, text) of cells the reader
    took out of a number column; ``year`` is the year of months written without one and where
    it came from.
    """

    sheet: str | None
    columns: dict[str, ColumnSource]
    frame: pd.DataFrame
    rows: np.ndarray
    findings: list[Finding] = field(default_factory=list)
    hidden: bool = False
    text_cells: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    year: tuple[int, str] | None = None
    # periods as columns: ``rows`` holds each period's column position, and this names it
    column_name: Callable[[int], str] | None = None


@dataclass
class Table:
    """An energy table in canonical form, indexed by period start."""

    sheet: str | None
    columns: dict[str, ColumnSource]
    energy: pd.DataFrame
    rows: np.ndarray
    granularity: str
    step: pd.DateOffset | pd.Timedelta
    def row_numbers(self, role: str) -> np.ndarray:
        """The source row of each of ``role``'s values; in a table with the periods as
        columns (its period source names a row, and ``rows`` holds column positions), its
        quantity's row."""
        if self.columns["period_start"].row is None:
            return self.rows
        return np.full(len(self.rows), self.columns[role].row or 0, dtype=int)


def _rows_named(raw: pd.Series, key: str = "totals_words") -> np.ndarray:
    """Rows whose period cell is one of the ``[ingest] key`` words (合计 Total, or 平均 Average
    ...), or ends with a Chinese one (上半年小计, 全年合计)."""
    if pd.api.types.is_datetime64_any_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
        return np.zeros(len(raw), dtype=bool)  # no text, so no totals row
    words = {normalise(w) for w in setting("ingest", key)}
    endings = tuple(w for w in words if not w.isascii())
    return raw.map(lambda v: isinstance(v, str) and (
        normalise(v) in words or normalise(v).endswith(endings))).to_numpy(dtype=bool)


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


def _with_text_cells(frame: pd.DataFrame, text_cells: dict[str, list[tuple[int, str]]]
                     ) -> pd.DataFrame:
    """The frame with the texts a typed reader took out of its columns put back."""
    if not text_cells:
        return frame
    frame = frame.copy()
    for key, cells in text_cells.items():
        column = frame[key].astype(object)
        positions = [p for p, _ in cells]
        column.iloc[positions] = [t for _, t in cells]
        frame[key] = column
    return frame


def _trailing_notes(periods_ok: np.ndarray, numbers: dict[str, np.ndarray]) -> np.ndarray:
    """Rows after the last data row with no period and no number: notes, footnotes and
    signatures under the table."""
    has_number = np.zeros(len(periods_ok), dtype=bool)
    for values in numbers.values():
        has_number |= ~np.isnan(values)
    data = periods_ok | has_number
    notes = np.zeros(len(periods_ok), dtype=bool)
    if data.any():
        notes[np.flatnonzero(data)[-1] + 1:] = True
    return notes


def build(path: Path, raw: RawTable, timezone: str) -> tuple[Table | None, list[Finding]]:
    """The canonical table of ``raw`` and every finding met (all problems in one pass).

    Parameters
    ----------
    path : Path
        The file, for error messages.
    raw : RawTable
        The table as read: raw cell values by meter and their source rows.
    timezone : str
        The facility's time zone; periods with UTC offsets are converted to it.

    Returns
    -------
    table : Table or None
        Values in canonical units [kWh, m3, degC] indexed by period start (power integrated
        over each period, registers differenced, meters of one role summed); None when errors
        leave no rows.
    findings : list of Finding
        The table's findings, errors included.

    Raises
    ------
    InputError
        The table has no data rows, holds power with irregular periods, or has months
        without a year and nothing says the year.
    """
    findings = list(raw.findings)
    sheet, columns, rows = raw.sheet, raw.columns, raw.rows
    frame = _with_text_cells(raw.frame, raw.text_cells)
    if raw.hidden:
        findings.append(Finding("hidden_sheet", "info", Place(sheet=sheet)))
    where = Locator(sheet, frame_keys(columns), raw.column_name)
    sources = {k: s for k, s in frame_keys(columns).items() if k != "period_start"}
    blank = frame[[*sources, "period_start"]].isna().all(axis=1).to_numpy()
    frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    totals = _rows_named(frame["period_start"])
    totals_frame, totals_rows = frame.loc[totals], rows[totals]
    summary = _rows_named(frame["period_start"], "summary_words")
    for number, text in zip(rows[summary], frame["period_start"][summary], strict=True):
        findings.append(Finding("summary_row_excluded", "info", where("period_start", [number]),
                                {"text": str(text)}))
    frame, rows = (frame.loc[~(totals | summary)].reset_index(drop=True),
                   rows[~(totals | summary)])
    if frame.empty:
        raise input_error(path, "no_data_rows", Place(sheet=sheet))
    period_header = columns["period_start"].header
    year, origin = raw.year or (None, None)
    periods, bad, notes = parse_periods(frame["period_start"], timezone, year)
    if "year_needed" in notes:
        raise input_error(path, "year_needed", Place(sheet=sheet, column=period_header))
    for note in notes:
        params = {"timezone": timezone}
        if note == "months_without_year":
            note = "year_inferred"
            params = {"year": year, "origin": origin, "origin_en": message(f"origin.{origin}"),
                      "origin_zh": message(f"origin.{origin}", "zh")}
        findings.append(Finding(note, "info", Place(sheet=sheet, column=period_header), params))
    missing = pd.isna(periods) & ~bad
    parsed = {key: _numbers(frame[key]) for key in sources}
    notes_mask = _trailing_notes(~(missing | bad), {k: v[0] for k, v in parsed.items()})
    if notes_mask.any():
        findings.append(_notes_finding(frame, where(None, rows[notes_mask]), notes_mask,
                                       sources))
        keep = ~notes_mask
        frame, rows, periods = frame.loc[keep].reset_index(drop=True), rows[keep], periods[keep]
        bad, missing = bad[keep], missing[keep]
        parsed = {k: tuple(a[keep] for a in v) for k, v in parsed.items()}

    def place(key: str, mask: np.ndarray) -> Place:
        return where(key, rows[mask])

    if missing.any():
        findings.append(Finding("missing_period", "error", place("period_start", missing),
                                {"count": int(missing.sum())}))
    if bad.any():
        first = frame["period_start"][bad].iloc[0]
        findings.append(Finding("bad_period", "error", place("period_start", bad),
                                {"count": int(bad.sum()), "text": str(first)}))

    converted: dict[str, np.ndarray] = {}
    for key, source in sources.items():
        numbers, text, formula = parsed[key]
        if CHECK in key:  # read only to check a total: its text cells are not the user's data
            converted[key] = numbers * source.factor
            continue
        if text.any():
            findings.append(Finding("text_in_number", "error", place(key, text),
                                    {"count": int(text.sum()),
                                     "text": str(frame[key][text].iloc[0])}))
        if formula.any():
            findings.append(Finding("formula_without_value", "error", place(key, formula),
                                    {"count": int(formula.sum())}))
        infinite = np.isinf(numbers)
        if infinite.any():
            findings.append(Finding("not_finite", "error", place(key, infinite),
                                    {"count": int(infinite.sum())}))
        # A huge value times a unit factor is inf; the plausibility range check refuses it.
        with np.errstate(over="ignore"):
            converted[key] = numbers * source.factor

    keep = ~(missing | bad)
    index = pd.DatetimeIndex(periods[keep], name="period_start")
    energy = pd.DataFrame({k: v[keep] for k, v in converted.items()}, index=index)
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

    energy, rows, more = _power_and_registers(path, energy, rows, sources, where, granularity,
                                              step)
    findings += more
    found, columns = totals_row_against(totals_frame, totals_rows, energy, columns, where)
    findings += found
    energy, columns, checked = sum_parts(energy, columns, rows, where)
    findings += checked
    energy, columns, swapped = values_decide(energy, columns, sheet)
    findings += swapped
    if error_findings(findings) and energy.empty:
        return None, findings
    return Table(sheet, columns, energy, rows, granularity, step), findings


def _notes_finding(frame: pd.DataFrame, place: Place, mask: np.ndarray,
                   sources: dict[str, ColumnSource]) -> Finding:
    texts = []
    for _, row in frame.loc[mask, ["period_start", *sources]].iterrows():
        texts += [str(v).strip() for v in row if isinstance(v, str) and v.strip()]
    first = texts[0] if texts else ""
    return Finding("notes_ignored", "info", place,
                   {"count": int(mask.sum()), "text": first[:60]})


def _power_and_registers(path: Path, energy: pd.DataFrame, rows: np.ndarray,
                         sources: dict[str, ColumnSource], where: Locator, granularity: str,
                         step) -> tuple[pd.DataFrame, np.ndarray, list[Finding]]:
    findings: list[Finding] = []
    sheet = where.sheet
    power = [k for k, c in sources.items() if c.holds == "power"]
    if power:
        if granularity == "irregular":
            raise input_error(path, "power_needs_regular_periods",
                              Place(sheet=sheet, column=sources[power[0]].header))
        hours = period_hours(energy.index, granularity, step)
        for key in power:
            energy[key] = energy[key].to_numpy() * hours
            findings.append(Finding("power_integrated", "info",
                                    Place(sheet=sheet, column=sources[key].header),
                                    {"unit": sources[key].unit}))
    registers = [k for k, c in sources.items() if c.holds == "register"]
    if not registers:
        return energy, rows, findings
    for key in registers:
        readings = energy[key].to_numpy()
        used = np.append(np.diff(readings), np.nan)  # reading i to i+1 belongs to period i
        backwards = np.append(False, used[:-1] < 0)  # named at the later reading's row
        if backwards.any():
            findings.append(Finding("register_backwards", "error",
                                    where(key, rows[backwards]),
                                    {"count": int(backwards.sum())}))
        energy[key] = used
        findings.append(Finding("register_periods", "info", where(key, rows[-1:]),
                                {"last": _stamp_text(energy.index[-1]) if len(energy) else ""}))
    summed = [k for k, c in sources.items() if is_summable(c.name)]
    if set(summed) <= set(registers) and len(energy):
        energy, rows = energy.iloc[:-1], rows[:-1]  # the last reading closes the last period
    return energy, rows, findings


def _stamp_text(stamp: pd.Timestamp) -> str:
    """A period start as the user wrote it: the date, with the time when it is not midnight."""
    return str(stamp.date()) if stamp == stamp.normalize() else str(stamp)[:16]


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
        row_numbers = pd.DataFrame({r: t.row_numbers(r) for r in roles}, index=t.energy.index)
        row_sheets = pd.DataFrame({r: [t.sheet] * len(t.rows) for r in roles},
                                  index=t.energy.index, dtype=object)
        return t.energy, row_numbers, row_sheets, findings
    per_role: dict[str, list[tuple[pd.Series, pd.Series, pd.Series]]] = {}
    for t in tables:
        sheets = pd.Series(t.sheet, index=t.energy.index, dtype=object)
        for role in t.energy.columns:
            rows = pd.Series(t.row_numbers(role), index=t.energy.index)
            per_role.setdefault(role, []).append((t.energy[role], rows, sheets))
    values, numbers, names = {}, {}, {}
    for role, parts in per_role.items():
        series = pd.concat([p[0] for p in parts])
        row_numbers = pd.concat([p[1] for p in parts])
        sheet_names = pd.concat([p[2] for p in parts])
        dup = series.index.duplicated(keep=False)
        if dup.any() and len(parts) > 1:
            where = sorted({str(s) for s in sheet_names[dup]})
            header = next(t.columns[role].header for t in tables if role in t.columns)
            findings.append(Finding("period_in_two_sheets", "error",
                                    Place(sheet=", ".join(where), column=header,
                                          rows=tuple(int(r) for r in row_numbers[dup][:20])),
                                    {"count": int(dup.sum() // 2), "column": role,
                                     **role_names(role)}))
        elif dup.any():  # a period twice within one sheet, beside other sheets' columns
            findings.append(Finding("duplicate_period", "error", Place.for_rows(
                str(sheet_names.iloc[0]), row_numbers[dup]), {
                    "count": int(series.index[dup].nunique()),
                    "period": str(series.index[dup][0].date())}))
        keep = ~series.index.duplicated(keep="first")  # refused above: only to align the rest
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
