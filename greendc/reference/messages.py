"""The message catalogue (``messages.toml``): every user-visible sentence in zh and en."""

from __future__ import annotations

import math
from functools import cache
from types import MappingProxyType

from greendc.errors import ConfigError
from greendc.reference.loading import load_toml

LANGS = ("zh", "en")
SIGNIFICANT = 3  # digits a number in a sentence keeps below WHOLE_FROM
WHOLE_FROM = 100  # from here on a number is written whole, with thousands separators
POWER_FROM = 1e15  # from here on as a power of ten: nobody reads sixteen digits
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@cache
def messages() -> MappingProxyType:
    """The message catalogue: dotted key -> {"en": ..., "zh": ...}."""
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict) -> None:
        if "en" in node and "zh" in node and all(isinstance(v, str) for v in node.values()):
            flat[prefix] = node
            return
        for key, value in node.items():
            if not isinstance(value, dict):
                raise ConfigError(f"messages.toml: {prefix}.{key} needs both en and zh")
            walk(f"{prefix}.{key}" if prefix else key, value)

    walk("", load_toml("messages.toml"))
    return MappingProxyType(flat)


def message(key: str, lang: str = "en", /, **values: object) -> str:
    """Text of catalogue entry ``key`` in ``lang``, with ``{placeholders}`` filled."""
    try:
        text = messages()[key][lang]
    except KeyError:
        raise ConfigError(f"messages.toml has no entry {key!r} in {lang!r}") from None
    return text.format(**values) if values else text


def stored_reason(record: dict, text_key: str, code_key: str, lang: str) -> str:
    """A reason the result stored as English text (``record[text_key]``) beside its catalogue key
    (``reason.<record[code_key]>``, values in ``<code_key without _code>_params``): the text in
    ``lang``, or the stored text when the record carries no key (results of older versions)."""
    code = record.get(code_key)
    if not code:
        return record.get(text_key) or ""
    params = record.get(code_key.removesuffix("_code") + "_params") or {}
    return message(f"reason.{code}", lang, **params)


def plain_number(value: float) -> str:
    """A number as people write it in a sentence: ``2,100``, ``1.25``, ``0.05``, ``3 × 10¹⁸``
    (never an exponent such as ``2.1e+03``).

    Parameters
    ----------
    value : the number

    Returns
    -------
    str
        Whole numbers and values of 100 or more with thousands separators and no decimals,
        others with three significant digits however small; values from 10¹⁵ on as a power of
        ten, an infinite value as ∞.
    """
    value = float(value)
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "—"
    if abs(value) >= POWER_FROM:
        exponent = math.floor(math.log10(abs(value)))
        mantissa = plain_number(value / 10.0 ** exponent)
        return f"{mantissa} × 10{str(exponent).translate(SUPERSCRIPT)}"
    if value.is_integer() or abs(value) >= WHOLE_FROM:
        return f"{value:,.0f}"
    # three significant digits in fixed notation: 0.0000123, never 1.23e-05
    decimals = SIGNIFICANT - 1 - math.floor(math.log10(abs(value)))
    return f"{value:.{max(decimals, 0)}f}".rstrip("0").rstrip(".")
