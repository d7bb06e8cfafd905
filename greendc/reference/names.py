"""Canonical names and name matching: how a header, a sheet or a place name is folded.

The canonical column names (``facility_energy_kwh``, ``it_energy_kwh`` ...) serve as DataFrame
columns, JSON keys and rule-file fields alike; the ones the code refers to by name are defined
here once.
"""

from __future__ import annotations

import re
import unicodedata

from greendc.errors import ConfigError

PERIOD = "period_start"
FACILITY = "facility_energy_kwh"
IT = "it_energy_kwh"
COOLING = "cooling_energy_kwh"
POWER_LOSSES = "power_loss_energy_kwh"
OTHER = "other_energy_kwh"
TEMPERATURE = "outdoor_temp_degc"
DC = "dc_energy_kwh"  # E_DC: facility electricity plus fuels entering the boundary (computed)
FUEL = "fuel_energy_kwh"  # energy content of the fuels entering the boundary (computed)
SUBSYSTEMS = (COOLING, POWER_LOSSES, OTHER)  # the metered parts of non-IT energy

_DROP = re.compile(r"[\s_\-/\\:：,，、.。·()（）\[\]【】<>《》\"'“”‘’]+")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def normalise(text: object) -> str:
    """Fold a header or key for matching: NFKC, case-folded, without spaces or punctuation.

    >>> normalise("ＩＴ设备 用电量") == normalise("it设备用电量")
    True
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


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
