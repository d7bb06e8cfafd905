"""Units at the edges: the package's one pint registry and header-unit parsing.

Values inside greendc are plain floats in the unit named by the column (``it_energy_kwh``).
pint is used only here: to turn the unit text of a spreadsheet header into a conversion factor,
and to format figures for output.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

from greendc.errors import ConfigError
from greendc.reference.loading import DATA_PACKAGE, load_toml


@cache
def registry():
    """The package's single :class:`pint.UnitRegistry`, built once per process.

    pint is imported here, at the first conversion, and keeps its parsed definitions in the
    user's cache folder (``:auto:``), which cuts building the registry from about 0.3-0.7 s to
    0.05 s; where that cache cannot be used, for any reason, the registry is built without it.
    """
    import pint

    try:
        ureg = pint.UnitRegistry(cache_folder=":auto:")
    except Exception:  # an unwritable folder, or a cache file half written by another process
        ureg = pint.UnitRegistry(cache_folder=None)
    with resources.as_file(resources.files(DATA_PACKAGE).joinpath("units.txt")) as path:
        ureg.load_definitions(str(path))
    return ureg


# "IT energy (kWh)", "总用电量（万千瓦时）", "Facility [MWh]", "Water, m3", "IT energy / kWh"
_UNIT_IN_HEADER = re.compile(r"^(?P<label>.*?)\s*(?:\((?P<p>[^()]*)\)|\[(?P<b>[^\[\]]*)\])\s*$")
_UNIT_AFTER_SEP = re.compile(r"^(?P<label>.*?)\s*[,/]\s*(?P<u>[^,/]{1,12})\s*$")
_UNIT_AFTER_SPACE = re.compile(r"^(?P<label>.*\S)\s+(?P<u>\S{1,8})$")  # "Utility Feed A kWh"


def split_header(text: str) -> tuple[str, str | None]:
    """Split a header into its label and its unit text (None when it gives no unit).

    >>> split_header("IT energy (kWh)")
    ('IT energy', 'kWh')
    >>> split_header("总用电量（万千瓦时）")
    ('总用电量', '万千瓦时')
    """
    text = unicodedata.normalize("NFKC", str(text)).strip()
    m = _UNIT_IN_HEADER.match(text)
    if m:
        return m["label"].strip(), (m["p"] if m["p"] is not None else m["b"]).strip()
    for pattern in (_UNIT_AFTER_SEP, _UNIT_AFTER_SPACE):
        m = pattern.match(text)
        if m and unit_kind(m["u"]) is not None:
            return m["label"].strip(), m["u"].strip()
    return text, None


def _unit_key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", "", key).replace("³", "3")


@cache
def _alias_tables() -> dict[str, tuple[str, dict[str, str]]]:
    """Unit spelling -> pint expression per kind; looked up without pint (a header's unit is
    known or not before any conversion), checked by pint when converted."""
    tables = {}
    for kind, spec in load_toml("units.toml").items():
        aliases = {_unit_key(k): v for k, v in spec["aliases"].items()}
        tables[kind] = (spec["canonical"], aliases)
    return tables


def unit_kind(text: str) -> str | None:
    """The first unit table (energy, power, water, ...) that knows ``text``, or None."""
    key = _unit_key(text)
    for kind, (_, aliases) in _alias_tables().items():
        if key in aliases:
            return kind
    return None


def known_units(kind: str) -> list[str]:
    """Spellings accepted for ``kind``, for error messages and docs."""
    return list(_alias_tables()[kind][1])


@cache
def factor_to_canonical(unit_text: str, kind: str) -> float | None:
    """Multiplier from ``unit_text`` to the canonical unit of ``kind``; None if unknown.

    >>> factor_to_canonical("万千瓦时", "energy")
    10000.0
    >>> factor_to_canonical("GJ", "energy")  # doctest: +ELLIPSIS
    277.77...
    """
    canonical, aliases = _alias_tables()[kind]
    expr = aliases.get(_unit_key(unit_text))
    if expr is None:
        return None
    ureg = registry()
    try:
        return float(ureg.Quantity(1.0, expr).to(canonical).magnitude)
    except Exception as exc:  # pint's UndefinedUnitError, DimensionalityError ...
        raise ConfigError(f"units.toml [{kind}]: {expr!r} does not convert to {canonical}: "
                          f"{exc}") from exc
