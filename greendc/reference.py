"""Reference data shipped with greendc: column roles, fields, unit aliases, messages.

Every table lives in a TOML file under ``greendc/data/``; this module loads each one once per
process, checks its shape and hands out read-only views.  Nothing else in the package opens those
files.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from greendc.errors import ConfigError

FIELD_TYPES = ("text", "enum", "date", "number", "integer", "bool")
SMALL_TABLE_NAMES = ("measures", "meters", "operating_points")  # record tables besides Facility
COLUMN_KINDS = ("time", "energy", "water", "fuel_volume", "gas_volume", "temperature")


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Load ``greendc/data/<name>`` as a dict, once per process (callers must not modify it)."""
    try:
        text = resources.files("greendc.data").joinpath(name).read_text(encoding="utf-8")
        return tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"greendc data file {name}: {exc}") from exc


_DROP = re.compile(r"[\s_\-/\\:：,，、.。·()（）\[\]【】<>《》\"'“”‘’]+")


def normalise(text: object) -> str:
    """Fold a header or key for matching: NFKC, case-folded, without spaces or punctuation.

    >>> normalise("ＩＴ设备 用电量") == normalise("it设备用电量")
    True
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def name_variants(label: str) -> list[str]:
    """The normalised forms under which a header label can match an alias.

    A bilingual header such as ``数据中心总用电量 Facility total energy`` matches on the whole
    label, on its Chinese part and on its Latin part, so either language alone is enough.
    """
    label = unicodedata.normalize("NFKC", label).strip()
    variants = [normalise(label)]
    tokens = label.split()
    if len(tokens) > 1:
        cjk = [t for t in tokens if _CJK.search(t)]
        latin = [t for t in tokens if not _CJK.search(t)]
        # "IT设备用电量" mixes scripts in one token; it stays whole on the Chinese side.
        for part in (" ".join(cjk), " ".join(latin)):
            key = normalise(part)
            if key and key not in variants:
                variants.append(key)
    return [v for v in variants if v]


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
        )
    return MappingProxyType(out)


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


def alias_index(items: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Map every normalised alias to its canonical name; an alias used twice is a config error."""
    index: dict[str, str] = {}
    for name, aliases in items.items():
        for alias in (name, *aliases):
            key = normalise(alias)
            if index.get(key, name) != name:
                raise ConfigError(f"alias {alias!r} is given for both {index[key]} and {name}")
            index[key] = name
    return index


_user_aliases: dict[str, list[str]] = {}


def add_column_aliases(path: str | Path) -> dict[str, list[str]]:
    """Extend the column alias table with a user's TOML file, for this process.

    The file has one table per canonical column with an ``aliases`` list, e.g.::

        [it_energy_kwh]
        aliases = ["机房IT总电量", "Server hall load"]

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
    added: dict[str, list[str]] = {}
    for role, spec in data.items():
        if role not in columns():
            raise ConfigError(f"{path}: [{role}] is not a column; valid: {', '.join(columns())}")
        aliases = spec.get("aliases") if isinstance(spec, dict) else None
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError(f"{path}: [{role}] needs aliases = [\"...\", ...]")
        added[role] = aliases
    previous = {k: list(v) for k, v in _user_aliases.items()}
    for role, aliases in added.items():
        _user_aliases.setdefault(role, []).extend(aliases)
    column_index.cache_clear()
    try:
        column_index()
    except ConfigError as exc:
        _user_aliases.clear()
        _user_aliases.update(previous)
        column_index.cache_clear()
        raise ConfigError(f"{path}: {exc}") from None
    return added


@cache
def column_index() -> dict[str, str]:
    return alias_index({c.name: (c.zh, c.en, *c.aliases, *_user_aliases.get(c.name, ()))
                        for c in columns().values()})


@cache
def field_index(table: str) -> dict[str, str]:
    return alias_index({f.name: (f.zh, f.en, f.label("zh"), *f.aliases)
                        for f in fields(table).values()})


@cache
def sheet_index() -> dict[str, str]:
    return alias_index({k: (v["zh"], v["en"], *v.get("aliases", ())) for k, v in sheets().items()})


_overrides: dict[tuple[str, str], Any] = {}


@cache
def setting(section: str, key: str) -> Any:
    """A value of ``assessment.toml`` (sufficiency rules, tolerances and limits, each with its
    source), or the value a user set with :func:`set_limit`."""
    if (section, key) in _overrides:
        return _overrides[(section, key)]
    try:
        return load_toml("assessment.toml")[section][key]
    except KeyError:
        raise ConfigError(f"assessment.toml has no {section}.{key}") from None


def set_limit(key: str, value: float) -> None:
    """Change one of the ``[limits]`` for this process (``greendc ... --limit KEY=VALUE``)."""
    limits = load_toml("assessment.toml")["limits"]
    valid = [k for k, v in limits.items() if isinstance(v, int | float)]
    if key not in valid:
        raise ConfigError(f"unknown limit {key!r}; valid: {', '.join(valid)}")
    if not value > 0:
        raise ConfigError(f"limit {key} must be positive, not {value}")
    _overrides[("limits", key)] = type(limits[key])(value)
    setting.cache_clear()


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
