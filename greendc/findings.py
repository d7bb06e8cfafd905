"""Findings: data-quality and validation results that travel with a submission.

A finding has a stable reason ``code``, a ``severity`` (``error`` stops the assessment of the
file, ``warning`` and ``info`` travel into the result and the report), the :class:`Place` it
refers to, and its message in English and Chinese from the message catalogue
(``messages.toml``, section ``finding``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from greendc.errors import Place
from greendc.reference import message

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    place: Place = field(default_factory=Place)
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        message(f"finding.{self.code}", "en", **self.params)  # fail early on a missing entry

    def message(self, lang: str = "en") -> str:
        return message(f"finding.{self.code}", lang, **self.params)

    def describe(self, lang: str = "en") -> str:
        """One line: place and message, as the CLI prints it."""
        where = self.place.describe(lang)
        return f"{where}: {self.message(lang)}" if where else self.message(lang)

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
