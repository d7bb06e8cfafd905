"""Words for the reasons and hints of verdicts: the parameters of a rule's message in every
language (a metric's label, a field's label, an operator, an enumeration's value), so that a
report in one language shows no id or word of the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from greendc.reference.columns import field_label, fields
from greendc.reference.messages import LANGS, message, messages, stored_reason


def words(key: str, **values: Any) -> dict[str, str]:
    """A catalogue entry in every language.

    Parameters
    ----------
    key : the entry's dotted key, e.g. ``"label.op.after"``
    values : the values its text names

    Returns
    -------
    dict
        ``{"en": ..., "zh": ...}``
    """
    return {lang: message(key, lang, **values) for lang in LANGS}


def field_words(name: str) -> dict[str, str]:
    """A Facility field's label in every language (the name itself when it is no field).

    Parameters
    ----------
    name : the field's canonical name, e.g. ``"commissioning_date"``

    Returns
    -------
    dict
        ``{"en": ..., "zh": ...}``
    """
    return {lang: field_label(name, lang) for lang in LANGS}


def metric_words(name: str) -> dict[str, str]:
    """A metric's label in every language (a Facility field's, when rules test a field).

    Parameters
    ----------
    name : the metric or field name a rule tests, e.g. ``"ref"``

    Returns
    -------
    dict
        ``{"en": ..., "zh": ...}``
    """
    if f"metric.{name}" in messages():
        return words(f"metric.{name}")
    return field_words(name)


def value_words(name: str, value: Any) -> dict[str, str]:
    """A Facility field's value in words: an enumeration's label, else the value as written.

    Parameters
    ----------
    name : the field's canonical name
    value : its value (canonical enumeration value, date, number or text)

    Returns
    -------
    dict
        ``{"en": ..., "zh": ...}``
    """
    spec = fields("facility").get(name)
    if spec is not None and spec.type == "enum" and value in spec.choices:
        spellings = spec.choices[value]
        return {"zh": spellings[0], "en": spellings[min(1, len(spellings) - 1)]}
    if isinstance(value, bool):
        return words("report.yes" if value else "report.no")
    return {lang: str(value) for lang in LANGS}


def provisional_words(basis: dict[str, Any]) -> dict[str, str] | str:
    """Why an annual figure is provisional, in every language.

    Parameters
    ----------
    basis : a metric's basis (``provisional_code``, ``provisional_params``)

    Returns
    -------
    dict or str
        ``{"en": ..., "zh": ...}``; the stored English text for a basis without a code.
    """
    if not basis.get("provisional_code"):
        return basis.get("provisional_reason") or ""
    return {lang: stored_reason(basis, "provisional_reason", "provisional_code", lang)
            for lang in LANGS}


@dataclass(frozen=True)
class Text:
    """A message in both languages, from the catalogue (``rules.*`` entries)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        """The text in ``lang``; a parameter given per language (``{"en", "zh"}``) takes that
        language's value."""
        params = {k: v[lang] if isinstance(v, dict) and lang in v else v
                  for k, v in self.params.items()}
        return message(f"rules.{self.key}", lang, **params)

    def to_dict(self) -> dict[str, str]:
        return {"en": self.render("en"), "zh": self.render("zh")}
