"""Places: provinces to grid regions (``factors.toml`` ``[provinces]``) and place names folded
for comparison (河北省 = 河北 = Hebei; 张家口市 = 张家口)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from greendc.reference.loading import load_toml
from greendc.reference.names import normalise

_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "province", "省", "市")
_PLACE_SUFFIXES = ("市", "县", "区", "city", "省")


@cache
def _province_index() -> dict[str, tuple[str | None, str | None]]:
    """normalised province name -> (region scope, province scope or None)."""
    provinces = load_toml("factors.toml")["provinces"]
    index: dict[str, tuple[str | None, str | None]] = {}
    for region, names in provinces["regions"].items():
        for name in names:
            index[normalise(name)] = (region, None)
    for scope, names in provinces["scopes"].items():
        for name in names:
            region = index.get(normalise(name), (None, None))[0]
            index[normalise(name)] = (region, scope)
    return index


def locate(province: str | None) -> tuple[str | None, str | None]:
    """(regional grid scope, province scope) for a province name such as 河北省 or Hebei.

    >>> locate("河北省")
    ('north_china', 'hebei')
    """
    if not province:
        return None, None
    key = normalise(province)
    for suffix in _PROVINCE_SUFFIXES:  # longest first: strip one administrative suffix
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    return _province_index().get(key, (None, None))


# a county or district written after its prefecture (张家口市怀来县): split after these
_PREFECTURE_END = re.compile(r"(?<=市|州|盟)(?=.)|(?<=地区)(?=.)")


def place_keys(text: Any) -> set[str]:
    """Every place a name names, folded: 张家口市怀来县 is 张家口, 怀来 and the whole.

    >>> sorted(place_keys("张家口市怀来县"))
    ['张家口', '张家口市怀来', '怀来']
    """
    if not text:
        return set()
    parts = [p for p in _PREFECTURE_END.split(str(text).strip()) if p]
    return {k for k in (place_key(text), *(place_key(p) for p in parts)) if k}


def place_key(text: Any) -> str | None:
    """A place name folded for comparison: 张家口市 and 张家口 give the same key."""
    if not text:
        return None
    key = normalise(text)
    for suffix in _PLACE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


@cache
def _country_index() -> dict[str, str]:
    """normalised country name or code -> ISO 3166-1 alpha-2 code."""
    index: dict[str, str] = {}
    for code, spec in load_toml("countries.toml")["codes"].items():
        for name in (code, spec["zh"], spec["en"], *spec["names"]):
            index[normalise(name)] = code
    return index


def country_code(text: Any) -> str | None:
    """The ISO code of a country as an operator writes it (中国, China, CN ...), or None.

    >>> country_code("中华人民共和国"), country_code("Deutschland"), country_code("Atlantis")
    ('CN', 'DE', None)
    """
    if not text:
        return None
    return _country_index().get(normalise(text))


def country_name(code: Any, lang: str) -> str:
    """A country's name in ``lang`` for its code; other text as given."""
    spec = load_toml("countries.toml")["codes"].get(str(code or ""))
    return spec[lang] if spec else str(code or "")
