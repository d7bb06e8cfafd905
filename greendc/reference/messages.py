"""The message catalogue (``messages.toml``): every user-visible sentence in zh and en."""

from __future__ import annotations

from functools import cache
from types import MappingProxyType

from greendc.errors import ConfigError
from greendc.reference.loading import load_toml

LANGS = ("zh", "en")


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
