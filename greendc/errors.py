"""The one exception family of greendc.

Every problem caused by the user's input or configuration is a :class:`GreenDCError`.  The CLI
turns it into a single ``Error: ...`` line and a non-zero exit; anything else is a bug and keeps
its traceback.  This module holds exceptions only and imports nothing of greendc, so every other
module may raise them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class GreenDCError(Exception):
    """Base class of every error greendc raises for bad input or bad configuration."""


@dataclass
class InputError(GreenDCError):
    """A submission file cannot be read or used.

    Parameters
    ----------
    path : the file (or the name given to bytes read from elsewhere)
    message : what is wrong and, where possible, what to do (English)
    place : where in the file (a :class:`~greendc.findings.Place`), None for the whole file
    code : a stable reason code (``not_a_workbook``, ``missing_column`` ...)
    translations : the message by language, ``{"en": ..., "zh": ...}``, when the catalogue has
        it (:func:`greendc.findings.input_error` fills it)
    lang : the language ``str()`` uses
    """

    path: Path | str
    message: str
    place: Any = None  # a greendc.findings.Place (not imported: errors.py imports nothing)
    code: str = "input_error"
    translations: dict[str, str] = field(default_factory=dict)
    lang: str = "en"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (English when the catalogue has no translation)."""
        return self.translations.get(lang or self.lang, self.message)

    def describe(self, lang: str | None = None) -> str:
        """One line: the file's name, the place and the message, in ``lang``."""
        lang = lang or self.lang
        where = self.place.lead(lang) if self.place is not None else ""
        return f"{Path(self.path).name}: {where}{self.text(lang)}"

    def __str__(self) -> str:
        return self.describe()


class ConfigError(GreenDCError):
    """A greendc data file or a user's option file (aliases, limits) is malformed."""


class FactorError(GreenDCError):
    """A requested factor does not exist, or a user-supplied one cannot be parsed."""


class PackError(GreenDCError):
    """A rule pack is malformed: names the file, the rule and the field."""
