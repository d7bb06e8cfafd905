"""The one exception family of greendc.

Every problem caused by the user's input is a :class:`GreenDCError`.  The CLI turns it into a
single ``Error: ...`` line and a non-zero exit; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Place:
    """Where in a submission something was found.

    All parts are optional; ``row`` is the 1-based row number the user sees in Excel (or the
    line number in a CSV file), ``column`` the header text or the column letter.
    """

    sheet: str | None = None
    row: int | None = None
    rows: tuple[int, ...] = ()
    column: str | None = None
    key: str | None = None  # canonical name of a Facility field, e.g. "declared_pue"
    more_rows: int = 0  # rows left out of ``rows`` (only the first MAX_ROWS are kept)

    MAX_ROWS = 50

    @classmethod
    def for_rows(cls, sheet: str | None, rows, column: str | None = None) -> Place:
        """A place for one or many rows; long lists keep their first rows and a count."""
        rows = tuple(int(r) for r in rows)
        if len(rows) == 1:
            return cls(sheet=sheet, row=rows[0], column=column)
        return cls(sheet=sheet, rows=rows[:cls.MAX_ROWS], column=column,
                   more_rows=max(0, len(rows) - cls.MAX_ROWS))

    def describe(self, lang: str = "en") -> str:
        """The place in words, e.g. ``sheet Energy, row 14, column "IT energy (kWh)"``."""
        from greendc.reference import field_label, message  # they import this module

        def say(entry: str, **values: object) -> str:
            return message(f"place.{entry}", lang, **values)

        parts = []
        if self.sheet:
            parts.append(say("sheet", sheet=self.sheet))
        if self.row is not None:
            parts.append(say("row", row=self.row))
        elif self.rows:
            shown = ", ".join(str(r) for r in self.rows[:5])
            if len(self.rows) + self.more_rows > 5:
                shown += say("more", n=len(self.rows) + self.more_rows - 5)
            parts.append(say("rows", rows=shown))
        if self.column:
            parts.append(say("column", column=self.column))
        if self.key:
            parts.append(say("key", key=field_label(self.key, lang)))
        return say("separator").join(parts)

    def to_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "rows": list(self.rows),
            "more_rows": self.more_rows,
            "column": self.column,
            "key": self.key,
        }


class GreenDCError(Exception):
    """Base class of every error greendc raises for bad input or bad configuration."""


@dataclass
class InputError(GreenDCError):
    """A submission file cannot be read or used.

    Parameters
    ----------
    path : the file
    message : what is wrong and, where possible, what to do
    place : where in the file
    code : a stable reason code (``not_a_workbook``, ``missing_column`` ...)
    """

    path: Path | str
    message: str
    place: Place = field(default_factory=Place)
    code: str = "input_error"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.place.describe()
        name = Path(self.path).name
        return f"{name}: {where}: {self.message}" if where else f"{name}: {self.message}"


class ConfigError(GreenDCError):
    """A greendc data file (unit aliases, column aliases, messages) is malformed."""
