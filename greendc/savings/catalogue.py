"""The technology catalogue (``technologies.toml``): energy-saving technologies, the subsystem
each acts on and, where a source gives one, its indicative range of effect."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from greendc.reference.loading import load_toml
from greendc.reference.names import COOLING, DC, IT, OTHER, POWER_LOSSES, alias_index, name_variants

# The energy-table column each catalogue subsystem's savings are measured on.
SUBSYSTEM_COLUMNS = {"cooling": COOLING, "power_losses": POWER_LOSSES, "lighting": OTHER,
                     "fans": COOLING, "site": DC, "it": IT}


@dataclass(frozen=True)
class Technology:
    id: str
    zh: str
    en: str
    subsystem: str
    effect: tuple[float, float] | None
    source: str
    confidence: str
    source_zh: str  # the source in Chinese, for zh pages


@cache
def catalogue() -> dict[str, Technology]:
    """Every technology of ``technologies.toml``, read once.

    Returns
    -------
    dict of str to Technology
        By catalogue id; ``effect`` is the (low, high) share of the subsystem's energy saved
        [-], None when no source gives one.
    """
    out = {}
    for key, spec in load_toml("technologies.toml").items():
        effect = tuple(spec["effect"]) if "effect" in spec else None
        out[key] = Technology(key, spec["zh"], spec["en"], spec["subsystem"], effect,
                              spec["source"], spec["confidence"], spec["source_zh"])
    return out


@cache
def _technology_index() -> dict[str, str]:
    specs = load_toml("technologies.toml")
    return alias_index({k: (v["zh"], v["en"], *v.get("aliases", ()))
                                  for k, v in specs.items()})


def identify(text: str | None) -> Technology | None:
    """The catalogued technology a free-text name means, or None (kept as uncatalogued).

    Parameters
    ----------
    text : str or None
        A technology as written on the Measures sheet.

    Returns
    -------
    Technology or None
        An exact match of a name or alias first, else the longest known alias (3 characters
        or more) found inside the text; None for an empty text or no match.
    """
    if not text:
        return None
    index = _technology_index()
    for variant in name_variants(text):
        if variant in index:
            return catalogue()[index[variant]]
    for variant in name_variants(text):  # a known name inside a longer text
        for alias, key in sorted(index.items(), key=lambda kv: -len(kv[0])):
            if len(alias) >= 3 and alias in variant:
                return catalogue()[key]
    return None
