"""Roles measured by several meters, and values that settle what the headers left open.

The meters of one role (``1#进线`` and ``2#进线``) are added up after each is converted; when
the facility total and the IT energy were both recognised by meaning and the values put IT above
the total in most periods, the values decide which is which, and a warning says so.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from greendc.findings import Finding, Place
from greendc.reading.recognise import MAPPING, MEANING, VALUES
from greendc.reading.sources import ColumnSource
from greendc.reference.columns import columns as column_roles
from greendc.reference.names import FACILITY, IT
from greendc.reference.settings import setting


def sum_parts(energy: pd.DataFrame, columns: dict[str, ColumnSource]) -> pd.DataFrame:
    """One column per role: the meters of a role added up (a period missing on any meter is
    missing for the role, never a partial sum).

    Parameters
    ----------
    energy : DataFrame
        Canonical values [kWh, m3, degC] by frame key (a role, or ``role@letter`` per meter).
    columns : dict of str to ColumnSource
        The table's roles; a role read from several meters has ``parts``.

    Returns
    -------
    DataFrame
        One column per role, in canonical order.
    """
    for role, source in columns.items():
        if source.parts:
            keys = list(source.frame_keys())
            energy[role] = energy[keys].sum(axis=1, skipna=False, min_count=len(keys))
            energy = energy.drop(columns=keys)
    return energy[[c for c in column_roles() if c in energy.columns]]


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
