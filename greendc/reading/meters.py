"""Roles measured by several meters, totals checked, and values that settle what the headers
left open.

The meters of one role (``1#进线`` and ``2#进线``) are added up after each is converted; a total
column beside numbered meters (``总进线``) is used and checked against their sum, and a totals
row (合计) against the sum of the rows; when the facility total and the IT energy were both
recognised by meaning and the values put IT above the total in most periods, the values decide
which is which, and a warning says so.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place
from greendc.reading.recognise import MAPPING, MEANING, VALUES
from greendc.reading.sources import CHECK, ColumnSource, Locator, frame_keys
from greendc.reference.columns import columns as column_roles
from greendc.reference.columns import is_summable, role_names
from greendc.reference.names import FACILITY, IT
from greendc.reference.settings import setting


def sum_parts(energy: pd.DataFrame, columns: dict[str, ColumnSource], rows: np.ndarray,
              where: Locator) -> tuple[pd.DataFrame, dict[str, ColumnSource], list[Finding]]:
    """One column per role: the meters of a role added up (a period missing on any meter is
    missing for the role, never a partial sum), and a total checked against the numbered
    meters beside it.

    Parameters
    ----------
    energy : DataFrame
        Canonical values [kWh, m3, degC] by frame key (a role, ``role@letter`` per meter,
        ``role~letter`` per meter read only to check a total).
    columns : dict of str to ColumnSource
        The table's roles; a role read from several meters has ``parts``, a total beside
        numbered meters has ``checks``.
    rows : ndarray of int
        Source row (or, periods as columns, column position) of each period.
    where : Locator
        Turns frame keys and ``rows`` into the finding's place.

    Returns
    -------
    energy : DataFrame
        One column per role, in canonical order.
    columns : dict of str to ColumnSource
        A total its meters contradict is ``contradicted`` (``meters_disagree``).
    findings : list of Finding
        ``total_differs_parts`` (warning) per such total.
    """
    findings: list[Finding] = []
    for role, source in columns.items():
        if source.checks:
            keys = [k for k in source.frame_keys() if CHECK in k]
            meters = energy[keys].sum(axis=1, skipna=False, min_count=len(keys))
            energy = energy.drop(columns=keys)
            found = _total_against_meters(energy[role], meters, source, rows, where)
            if found is not None:
                columns = {**columns, role: contradicted(source, "meters_disagree")}
                findings.append(found)
        if source.parts:
            keys = list(source.frame_keys())
            energy[role] = energy[keys].sum(axis=1, skipna=False, min_count=len(keys))
            energy = energy.drop(columns=keys)
    return energy[[c for c in column_roles() if c in energy.columns]], columns, findings


def contradicted(source: ColumnSource, code: str) -> ColumnSource:
    """``source`` marked as contradicted by something else in the file.

    Parameters
    ----------
    source : ColumnSource
        The column.
    code : str
        What contradicts it (``meters_disagree``, ``totals_row_differs``).

    Returns
    -------
    ColumnSource
        A copy with ``code`` added to ``contradicted`` (once).
    """
    return replace(source, contradicted=tuple(dict.fromkeys((*source.contradicted, code))))


def _total_against_meters(total: pd.Series, meters: pd.Series, source: ColumnSource,
                          rows: np.ndarray, where: Locator) -> Finding | None:
    """A warning when a total and the sum of its numbered meters differ beyond the meters'
    accuracy over the periods both cover, or beyond rounding in the direction that favours
    the PUE (a facility total below its incomers, an IT total above its UPS outputs: the
    reading used is then the one a false pass would rest on); None when they agree or share
    no period."""
    both = total.notna().to_numpy() & meters.notna().to_numpy()
    summed, stated = float(meters[both].sum()), float(total[both].sum())
    if not both.any() or summed <= 0:
        return None
    difference = (stated - summed) / summed
    tolerance = setting("plausibility", "total_against_meters_tolerance")
    rounding = setting("ingest", "totals_tolerance")
    favours = {FACILITY: difference < -rounding, IT: difference > rounding}.get(source.name)
    code = "total_differs_parts" if abs(difference) > tolerance else (
        "total_favours_pue" if favours else None)
    if code is None:
        return None
    apart = both & (np.abs(total.to_numpy() - meters.to_numpy())
                    > tolerance * np.abs(meters.to_numpy()))
    return Finding(code, "warning", where(source.name, rows[apart] if apart.any() else rows), {
        "total": source.header, "meters": ", ".join(f'"{p.header}"' for p in source.checks),
        "meters_zh": "、".join(f"“{p.header}”" for p in source.checks),
        "stated": stated, "summed": summed, "difference": difference,
        "periods": int(both.sum()), "apart": int(apart.sum()), "tolerance": tolerance,
        "unit": column_roles()[source.name].unit or "", **role_names(source.name)})


def values_decide(energy: pd.DataFrame, columns: dict[str, ColumnSource], sheet: str | None
                   ) -> tuple[pd.DataFrame, dict[str, ColumnSource], list[Finding]]:
    """Facility and IT recognised by meaning, with IT above the total in most periods: the
    values decide, the larger column is the total, and a warning says so.

    Parameters
    ----------
    energy : DataFrame
        One column per role [kWh].
    columns : dict of str to ColumnSource
        The table's roles and how each was recognised.
    sheet : str or None
        The table's sheet, for the finding.

    Returns
    -------
    energy : DataFrame
        The values, facility and IT swapped when the values decided.
    columns : dict of str to ColumnSource
        The sources, swapped likewise (``how`` becomes ``values``).
    findings : list of Finding
        A ``values_decided`` warning when they were swapped.
    """
    facility, it = columns.get(FACILITY), columns.get(IT)
    if facility is None or it is None or FACILITY not in energy or IT not in energy:
        return energy, columns, []
    if MEANING not in (facility.how, it.how) or MAPPING in (facility.how, it.how):
        return energy, columns, []
    both = energy[[FACILITY, IT]].dropna()
    if both.empty or (both[IT] > both[FACILITY]).mean() <= 0.5:
        return energy, columns, []
    swapped_pue = both[IT].sum() / both[FACILITY].sum() if both[FACILITY].sum() > 0 else 0.0
    if not setting("plausibility", "pue_min") <= swapped_pue <= setting("plausibility",
                                                                         "pue_max"):
        return energy, columns, []  # swapping would not make sense either: the error stands
    energy = energy.rename(columns={FACILITY: IT, IT: FACILITY})
    columns = {**columns, FACILITY: replace(it, name=FACILITY, how=VALUES),
               IT: replace(facility, name=IT, how=VALUES)}
    finding = Finding("values_decided", "warning", Place(sheet=sheet),
                      {"facility": it.header, "it": facility.header})
    return energy[[c for c in column_roles() if c in energy.columns]], columns, [finding]


def totals_row_against(totals: pd.DataFrame, totals_rows: np.ndarray, energy: pd.DataFrame,
                       columns: dict[str, ColumnSource], where: Locator
                       ) -> tuple[list[Finding], dict[str, ColumnSource]]:
    """Each totals row set aside (合计, Total) as an info, and a warning per energy column whose
    stated total differs from the sum of its rows beyond rounding: the file contradicts itself,
    and the role is marked ``totals_row_differs``.

    Parameters
    ----------
    totals : the totals rows, raw cell values by frame key
    totals_rows : their source row numbers
    energy : the table's values in canonical units by frame key
    columns : the table's roles (frame keys via :func:`~greendc.reading.sources.frame_keys`)
    where : turns frame keys and row numbers (column positions across) into places

    Returns
    -------
    findings : list of Finding
        ``totals_row_excluded`` (info) per row, ``totals_mismatch`` (warning) per difference.
    columns : dict of str to ColumnSource
        The roles, those whose totals row differs marked.
    """
    findings: list[Finding] = []
    sources = {k: s for k, s in frame_keys(columns).items() if k != "period_start"}
    tolerance = setting("ingest", "totals_tolerance")
    for (_, row), number in zip(totals.iterrows(), totals_rows, strict=True):
        findings.append(Finding("totals_row_excluded", "info", where("period_start", [number]),
                                {"text": str(row["period_start"])}))
        for key, source in sources.items():
            if source.holds != "energy" or not is_summable(source.name) or key not in energy:
                continue
            stated = pd.to_numeric(pd.Series([row[key]]), errors="coerce").iloc[0]
            if pd.isna(stated):
                continue
            stated *= source.factor
            summed = float(energy[key].sum())
            if abs(stated - summed) > tolerance * max(abs(summed), 1e-9):
                findings.append(Finding("totals_mismatch", "warning", where(key, [number]),
                                        {"stated": stated, "summed": summed}))
                if CHECK not in key:  # a meter read only as a check decides nothing
                    columns = {**columns, source.name: contradicted(columns[source.name],
                                                                    "totals_row_differs")}
    return findings, columns
