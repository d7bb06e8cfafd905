"""Column roles of the Energy table and fields of the Facility, Measures and Meters sheets.

Both are data (``columns.toml``, ``fields.toml``), checked once per process and handed out as
read-only views, together with the indexes that map a header or a key to its canonical name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from greendc.errors import ConfigError
from greendc.reference.loading import load_toml
from greendc.reference.names import alias_index, normalise

FIELD_TYPES = ("text", "country", "enum", "date", "number", "integer", "bool")
SMALL_TABLE_NAMES = ("measures", "meters", "operating_points")  # record tables besides Facility
COLUMN_KINDS = ("time", "energy", "water", "fuel_volume", "gas_volume", "temperature")
Aliases = tuple[tuple[str, tuple[str, ...]], ...]  # (role, extra header names) pairs


@dataclass(frozen=True)
class Column:
    """One role of the Energy table (see ``columns.toml``)."""

    name: str
    zh: str
    en: str
    kind: str
    unit: str | None
    required: bool
    help_zh: str
    help_en: str
    aliases: tuple[str, ...]
    short: str = ""

    def header(self, lang: str = "zh") -> str:
        """The bilingual header greendc writes, primary language first, unit in brackets."""
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return f"{first} {second}" + (f" ({self.unit})" if self.unit else "")


@dataclass(frozen=True)
class Field:
    """One field of the Facility, Measures or Meters table (see ``fields.toml``)."""

    name: str
    zh: str
    en: str
    type: str
    unit: str
    help_zh: str
    help_en: str
    aliases: tuple[str, ...]
    choices: MappingProxyType  # canonical value -> accepted spellings
    min: float | None = None
    max: float | None = None

    def label(self, lang: str = "zh") -> str:
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return f"{first} {second}"


def _require(table: dict, keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if k not in table]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")


@cache
def columns() -> MappingProxyType:
    """Roles of the Energy table, in template order: name -> :class:`Column`."""
    out = {}
    for name, spec in load_toml("columns.toml").items():
        _require(spec, ("zh", "en", "kind", "aliases"), f"columns.toml [{name}]")
        if spec["kind"] not in COLUMN_KINDS:
            raise ConfigError(
                f"columns.toml [{name}]: kind {spec['kind']!r} is not one of "
                f"{', '.join(COLUMN_KINDS)}"
            )
        out[name] = Column(
            name=name,
            zh=spec["zh"],
            en=spec["en"],
            kind=spec["kind"],
            unit=spec.get("unit"),
            required=bool(spec.get("required", False)),
            help_zh=spec.get("help_zh", ""),
            help_en=spec.get("help_en", ""),
            aliases=tuple(spec["aliases"]),
            short=spec.get("short", name),
        )
    return MappingProxyType(out)


def role_named(name: str) -> str | None:
    """The canonical role for a name a user types: its short name (``it``), its canonical name
    (``it_energy_kwh``) or its template header (``IT设备用电量``); None when none matches."""
    key = normalise(name)
    for column in columns().values():
        if key in {normalise(column.short), normalise(column.name), normalise(column.zh),
                   normalise(column.en)}:
            return column.name
    return None


@cache
def _fields_file() -> dict[str, Any]:
    return load_toml("fields.toml")


@cache
def fields(table: str) -> MappingProxyType:
    """Fields of ``facility``, ``measures`` or ``meters``: name -> :class:`Field`."""
    out = {}
    for name, spec in _fields_file()[table].items():
        where = f"fields.toml [{table}.{name}]"
        _require(spec, ("zh", "en", "type"), where)
        if spec["type"] not in FIELD_TYPES:
            raise ConfigError(
                f"{where}: type {spec['type']!r} is not one of {', '.join(FIELD_TYPES)}"
            )
        choices = spec.get("choices", {})
        if spec.get("choices_from") == "columns":
            choices = {c.name: [c.zh, c.en, *c.aliases] for c in columns().values()
                       if c.kind != "time"}
        if spec["type"] == "enum" and not choices:
            raise ConfigError(f"{where}: an enum needs choices")
        out[name] = Field(
            name=name,
            zh=spec["zh"],
            en=spec["en"],
            type=spec["type"],
            unit=spec.get("unit", ""),
            help_zh=spec.get("help_zh", ""),
            help_en=spec.get("help_en", ""),
            aliases=tuple(spec.get("aliases", ())),
            choices=MappingProxyType({k: tuple(v) for k, v in choices.items()}),
            min=spec.get("min"),
            max=spec.get("max"),
        )
    return MappingProxyType(out)


def field_label(name: str, lang: str = "en") -> str:
    """The zh or en label of a Facility field; unknown names are returned as given."""
    spec = fields("facility").get(name)
    if spec is None:
        return name
    return spec.zh if lang == "zh" else spec.en


@cache
def sheets() -> MappingProxyType:
    """Canonical sheets: key (facility, energy, measures, meters) -> {zh, en, aliases}."""
    return MappingProxyType(_fields_file()["sheets"])


@cache
def bool_spellings() -> MappingProxyType:
    spec = _fields_file()["bool"]
    return MappingProxyType({normalise(s): value for value in (True, False)
                             for s in spec[str(value).lower()]})


@cache
def column_index(extra: Aliases = ()) -> dict[str, str]:
    """Normalised header name -> column role, from ``columns.toml`` and a user's ``extra``
    aliases (see :func:`read_alias_file`).

    Raises
    ------
    ConfigError
        One name would mean two roles.
    """
    more = dict(extra)
    return alias_index({c.name: (c.zh, c.en, *c.aliases, *more.get(c.name, ()))
                        for c in columns().values()})


def columns_of_kind(*kinds: str) -> tuple[str, ...]:
    """Canonical names of the Energy-table roles of the given kinds, in template order.

    >>> columns_of_kind("temperature")
    ('outdoor_temp_degc',)
    """
    return tuple(c.name for c in columns().values() if c.kind in kinds)


def role_names(role: str) -> dict[str, str]:
    """A role's name for messages: ``role``, ``role_en``, ``role_zh``.

    Parameters
    ----------
    role : str
        A canonical column name, e.g. ``facility_energy_kwh``.

    Returns
    -------
    dict of str to str
        The name itself and its words in each language.
    """
    column = columns()[role]
    return {"role": role, "role_en": column.en, "role_zh": column.zh}


def is_summable(column: str) -> bool:
    """Whether values of ``column`` add up over periods (energy, water, fuel; not temperature).

    Computed columns (``dc_energy_kwh``, ``fuel_energy_kwh``) are energies and add up.
    """
    spec = columns().get(column)
    return spec is None or spec.kind not in ("temperature", "time")


def read_alias_file(path: str | Path) -> Aliases:
    """A user's extra column names from a TOML file, checked against the column roles.

    The file has one table per canonical column with an ``aliases`` list, e.g.::

        [it_energy_kwh]
        aliases = ["机房IT总电量", "Server hall load"]

    Returns
    -------
    tuple of (role, tuple of names)
        Ready for :class:`~greendc.reference.options.Options` ``aliases``.

    Raises
    ------
    ConfigError
        The file cannot be read, names an unknown column, or an alias means two columns.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the alias file: {exc}") from None
    added: list[tuple[str, tuple[str, ...]]] = []
    for role, spec in data.items():
        if role not in columns():
            raise ConfigError(f"{path}: [{role}] is not a column; valid: {', '.join(columns())}")
        aliases = spec.get("aliases") if isinstance(spec, dict) else None
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError(f"{path}: [{role}] needs aliases = [\"...\", ...]")
        added.append((role, tuple(aliases)))
    try:
        column_index(tuple(added))
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return tuple(added)


def merge_aliases(*groups: Aliases) -> Aliases:
    """Several alias groups as one (names of one role gathered in order).

    Raises
    ------
    ConfigError
        One name would mean two roles.
    """
    merged: dict[str, list[str]] = {}
    for group in groups:
        for role, names in group:
            merged.setdefault(role, []).extend(names)
    out = tuple((role, tuple(names)) for role, names in merged.items())
    column_index(out)
    return out


@cache
def field_index(table: str) -> dict[str, str]:
    return alias_index({f.name: (f.zh, f.en, f.label("zh"), *f.aliases)
                        for f in fields(table).values()})


@cache
def sheet_index() -> dict[str, str]:
    return alias_index({k: (v["zh"], v["en"], *v.get("aliases", ())) for k, v in sheets().items()})
