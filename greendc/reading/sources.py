"""Where each canonical column of a submission came from: :class:`ColumnSource`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from greendc.findings import Place

CHECK = "~"  # frame keys of meters read only to check a total: ``role~letter``


@dataclass(frozen=True)
class ColumnSource:
    """Where a canonical column came from and how its values become canonical units.

    ``holds`` is ``energy`` (per period), ``power`` (mean power over the period, integrated
    over the period's hours) or ``register`` (cumulative readings, differenced).  A role read
    from several meters has ``parts``, one source each, summed after conversion.
    """

    name: str
    header: str
    letter: str
    unit: str | None
    factor: float
    holds: str = "energy"
    sheet: str | None = None
    how: str | None = None          # how the role was recognised (see recognise.MAPPING ...)
    unit_origin: str = "header"
    parts: tuple[ColumnSource, ...] = ()
    row: int | None = None          # the row of a quantity in a table with periods as columns
    # numbered meters beside this total: read only to check the total against their sum
    checks: tuple[ColumnSource, ...] = ()
    # what in the file contradicts this column's values: "meters_disagree" (the numbered
    # meters beside a total), "totals_row_differs" (its totals row)
    contradicted: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {"header": self.header, "sheet": self.sheet, "column": self.letter,
               "unit": self.unit, "holds": self.holds, "factor_to_canonical": self.factor,
               "recognised_by": self.how, "unit_from": self.unit_origin}
        if self.row is not None:
            out["row"] = self.row
        if self.parts:
            out["parts"] = [p.to_dict() for p in self.parts]
        if self.checks:
            out["checked_against"] = [p.to_dict() for p in self.checks]
        if self.contradicted:
            out["contradicted_by"] = list(self.contradicted)
        return out

    def frame_keys(self) -> dict[str, ColumnSource]:
        """The raw-frame column of each meter of this role: the role itself, or one per part;
        then one per meter the total is checked against (``role~letter``)."""
        keys = ({self.name: self} if not self.parts
                else {f"{self.name}@{p.letter}": p for p in self.parts})
        return {**keys, **{f"{self.name}{CHECK}{p.letter}": p for p in self.checks}}


def frame_keys(columns: dict[str, ColumnSource]) -> dict[str, ColumnSource]:
    """Every raw-frame column of ``columns`` with its source (parts listed one by one).

    Parameters
    ----------
    columns : dict of str to ColumnSource
        Role -> source.

    Returns
    -------
    dict of str to ColumnSource
        Frame key (the role, or ``role@letter`` for each meter of a summed role) -> source.
    """
    return {k: s for source in columns.values() for k, s in source.frame_keys().items()}


@dataclass(frozen=True)
class Locator:
    """Where a table's values stand, as a :class:`~greendc.findings.Place`: rows of a column,
    or, in a table with the periods as columns, columns of the quantity's row.

    Attributes
    ----------
    sheet : the table's sheet (None for a text file)
    sources : frame key -> source (``period_start`` included)
    column_name : for a table with the periods as columns, column position -> its name (the
        table's row numbers then hold each period's column position); None otherwise
    """

    sheet: str | None
    sources: dict[str, ColumnSource]
    column_name: Callable[[int], str] | None = None

    def __call__(self, key: str | None, positions: Iterable[int]) -> Place:
        """The place of frame key ``key``'s values at ``positions`` (row numbers, or the
        periods' column positions); no key names the rows (columns) alone."""
        source = self.sources.get(key) if key else None
        if self.column_name is None:
            return Place.for_rows(self.sheet, positions, source.header if source else None)
        return Place.for_columns(self.sheet, source.row if source else None,
                                 [self.column_name(int(p)) for p in positions])
