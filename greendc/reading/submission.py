"""The :class:`Submission`: everything read from one submission file, in canonical form."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place
from greendc.reading.excel import column_letter
from greendc.reading.periods import infer_granularity
from greendc.reading.sources import ColumnSource
from greendc.reference.columns import columns as column_roles


@dataclass
class Submission:
    """Everything read from one submission file.

    Attributes
    ----------
    energy : DataFrame indexed by period start (naive local time), one float column per role
        present, canonical names with units (``facility_energy_kwh``, ``it_energy_kwh`` ...).
    row_numbers, row_sheets : the source row (Excel row or CSV line) and sheet of every value,
        same index as ``energy``, one column per role plus ``period_start``.
    granularity : ``monthly``, ``daily``, ``hourly``, ``30min``, ``15min``, ``5min`` or
        ``irregular``; ``step`` the nominal length of one period.
    """

    path: Path
    sha256: str
    file_type: str
    facility: dict[str, Any]
    energy: pd.DataFrame
    row_numbers: pd.DataFrame
    row_sheets: pd.DataFrame
    energy_sheet: str | None
    columns: dict[str, ColumnSource]
    granularity: str
    step: pd.DateOffset | pd.Timedelta
    measures: list[dict[str, Any]] = field(default_factory=list)
    meters: list[dict[str, Any]] = field(default_factory=list)
    operating_points: list[dict[str, Any]] = field(default_factory=list)
    operating_sheet: str | None = None
    measures_sheet: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def rows(self) -> np.ndarray:
        """Source row of each period (of the IT column when the data span several sheets)."""
        return self.row_numbers["period_start"].to_numpy()

    def place(self, column: str | None = None, positions: np.ndarray | None = None) -> Place:
        """A :class:`Place` for canonical ``column`` at row ``positions`` of ``energy``."""
        header = self.columns[column].header if column in self.columns else column
        key = column if column in self.row_numbers else "period_start"
        picked = np.asarray(positions if positions is not None else [], dtype=int)
        numbers = self.row_numbers[key].to_numpy()[picked]
        sheets = self.row_sheets[key].to_numpy()[picked]
        names = [s for s in dict.fromkeys(sheets) if isinstance(s, str)]
        sheet = ", ".join(names) if names else self.energy_sheet
        return Place.for_rows(sheet, [r for r in numbers if r == r], header)

    @classmethod
    def from_frame(cls, energy: pd.DataFrame, facility: dict[str, Any] | None = None,
                   name: str = "frame") -> Submission:
        """A submission from a DataFrame already in canonical form (period-start index, columns
        such as ``facility_energy_kwh`` and ``it_energy_kwh`` in their canonical units)."""
        energy = energy.copy()
        energy.index = pd.DatetimeIndex(energy.index, name="period_start")
        granularity, step = infer_granularity(energy.index)
        rows = np.arange(len(energy)) + 2
        roles = [*energy.columns, "period_start"]
        columns = {c: ColumnSource(c, c, column_letter(i + 1), column_roles()[c].unit,
                                   1.0, sheet=name) for i, c in enumerate(energy.columns)}
        return cls(path=Path(name), sha256="", file_type="frame", facility=dict(facility or {}),
                   energy=energy, row_numbers=pd.DataFrame({r: rows for r in roles},
                                                           index=energy.index),
                   row_sheets=pd.DataFrame({r: [name] * len(rows) for r in roles},
                                           index=energy.index, dtype=object),
                   energy_sheet=name, columns=columns, granularity=granularity, step=step)

    def select(self, mask: np.ndarray) -> Submission:
        """The submission restricted to the energy rows in ``mask``."""
        return replace(self, energy=self.energy.loc[mask], row_numbers=self.row_numbers.loc[mask],
                       row_sheets=self.row_sheets.loc[mask])
