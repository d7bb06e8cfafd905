"""Findings and places: data-quality and validation results that travel with a submission.

A finding has a stable reason ``code``, a ``severity`` (``error`` stops the assessment of the
file, ``warning`` and ``info`` travel into the result and the report), the :class:`Place` it
refers to, and its message in English and Chinese from the message catalogue
(``messages.toml``, section ``finding``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greendc.errors import InputError
from greendc.reference.columns import field_label
from greendc.reference.messages import LANGS, message

SEVERITIES = ("error", "warning", "info")


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
    # column letters in one row: values of a table with the periods as columns
    columns: tuple[str, ...] = ()

    MAX_ROWS = 50

    @classmethod
    def for_columns(cls, sheet: str | None, row: int | None, columns) -> Place:
        """A place for cells of one row (a quantity in a table with the periods as columns)."""
        columns = tuple(columns)
        return cls(sheet=sheet, row=row, columns=columns[:cls.MAX_ROWS],
                   more_rows=max(0, len(columns) - cls.MAX_ROWS))

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
        def say(entry: str, **values: object) -> str:
            return message(f"place.{entry}", lang, **values)

        parts = []
        if self.sheet:
            parts.append(say("sheet", sheet=self.sheet))
        if self.row is not None:
            parts.append(say("row", row=self.row))
        elif self.rows:
            shown = say("row_separator").join(str(r) for r in self.rows[:5])
            more = len(self.rows) + self.more_rows - 5
            parts.append(say("rows", rows=shown, more=say("more", n=more) if more > 0 else ""))
        if self.column:
            parts.append(say("column", column=self.column))
        elif len(self.columns) == 1 and not self.more_rows:
            parts.append(say("column_letter", column=self.columns[0]))
        elif self.columns:
            shown = say("row_separator").join(self.columns[:5])
            more = len(self.columns) + self.more_rows - 5
            parts.append(say("columns", columns=shown,
                             more=say("more_columns", n=more) if more > 0 else ""))
        if self.key:
            parts.append(say("key", key=field_label(self.key, lang)))
        return say("separator").join(parts)

    def lead(self, lang: str = "en") -> str:
        """The place in words followed by the catalogue's colon, or "" for no place."""
        where = self.describe(lang)
        return where + message("place.before_message", lang) if where else ""

    @classmethod
    def from_dict(cls, data: dict) -> Place:
        """The place from its JSON form (:meth:`to_dict`)."""
        return cls(sheet=data.get("sheet"), row=data.get("row"),
                   rows=tuple(data.get("rows") or ()), column=data.get("column"),
                   key=data.get("key"), more_rows=data.get("more_rows") or 0,
                   columns=tuple(data.get("columns") or ()))

    def to_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "rows": list(self.rows),
            "more_rows": self.more_rows,
            "column": self.column,
            "key": self.key,
            **({"columns": list(self.columns)} if self.columns else {}),
        }


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    place: Place = field(default_factory=Place)
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.place is None:  # an InputError about the whole file has no place
            object.__setattr__(self, "place", Place())
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        message(f"finding.{self.code}", "en", **self.params)  # fail early on a missing entry

    def message(self, lang: str = "en") -> str:
        return message(f"finding.{self.code}", lang, **self.params)

    def describe(self, lang: str = "en") -> str:
        """One line: place and message, as the CLI prints it."""
        return self.place.lead(lang) + self.message(lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "place": self.place.to_dict(),
            "message": {"en": self.message("en"), "zh": self.message("zh")},
            "params": {k: v for k, v in self.params.items()},
        }


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def input_error(path: Path | str, key: str, place: Place | None = None, *,
                code: str | None = None, **params: Any) -> InputError:
    """An :class:`~greendc.errors.InputError` whose message is the catalogue entry
    ``input.<key>`` in every language; its reason code is ``code`` (default: ``key``).  A
    parameter given as ``{"en": ..., "zh": ...}`` is filled in per language."""
    def in_(lang: str) -> dict[str, Any]:  # a parameter may itself be given per language
        return {k: v[lang] if isinstance(v, dict) and lang in v else v
                for k, v in params.items()}

    translations = {lang: message(f"input.{key}", lang, **in_(lang)) for lang in LANGS}
    return InputError(path, translations["en"], place, code=code or key,
                      translations=translations)
