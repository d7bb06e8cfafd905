"""What a header means: its role, by known name or by the words in it.

A header is split into its label, its unit and its meter number (``1#进线电量（kWh）`` is label
``进线电量``, unit ``kWh``, part ``1#``), register words are taken off, and then:

1. a name from the user's alias file, or a known name of ``columns.toml``, decides at once;
2. otherwise the words of ``vocabulary.toml`` are scored (see the comments there): exclusion
   words rule the header out, kind words and the unit narrow the roles, and the best role must
   reach the bar and beat the runner-up by the margin.

The :class:`Recognition` says which way was taken, with the words and scores, so that every
inference can be shown to the user (``greendc inspect``, info findings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from greendc.reference import units
from greendc.reference.columns import Aliases, column_index
from greendc.reference.columns import columns as column_roles
from greendc.reference.names import name_variants, normalise
from greendc.reference.settings import setting
from greendc.reference.vocabulary import fold, vocabulary

# How a role was found, strongest first.
MAPPING, USER_ALIAS, KNOWN_NAME, MEANING, VALUES = ("mapping", "user alias", "known name",
                                                    "meaning", "values")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Recognition:
    """What one header cell was taken to mean.

    ``role`` is None when the header takes no role: ``excluded`` then names the word that ruled
    it out, or ``candidates`` holds the roles it stood between (ambiguous), or nothing matched.
    """

    text: str
    role: str | None
    how: str | None                       # MAPPING, USER_ALIAS, KNOWN_NAME or MEANING
    unit: str | None
    register: bool
    part: str | None                      # meter number or building, e.g. "1#", "a楼"
    score: float = 0.0
    words: tuple[str, ...] = ()           # vocabulary words found
    candidates: tuple[tuple[str, float], ...] = ()   # best roles with their scores
    excluded: str | None = None

    @property
    def ambiguous(self) -> bool:
        return self.role is None and len(self.candidates) > 1

    def best_guess(self) -> tuple[str, float] | None:
        """The best-scoring role, even when it did not reach the bar."""
        return self.candidates[0] if self.candidates else None

    def to_dict(self) -> dict:
        return {"header": self.text, "role": self.role, "how": self.how, "score": self.score,
                "part": self.part, "unit": self.unit, "register": self.register,
                "words": list(self.words), "excluded": self.excluded,
                "candidates": [{"role": r, "score": s} for r, s in self.candidates]}


def _strip_register_words(label: str) -> tuple[str, bool]:
    register = False
    for word in sorted(setting("ingest", "register_words"), key=len, reverse=True):
        pattern = re.compile(re.escape(word), re.IGNORECASE)
        if pattern.search(label):
            label = pattern.sub(" ", label)
            register = True
    return " ".join(label.split()), register


def split_part(label: str) -> tuple[str, str | None]:
    """The label without meter numbers and building names, and those (folded), or None.

    Parameters
    ----------
    label : str
        A header label without its unit, e.g. ``"1#进线电量"``.

    Returns
    -------
    tuple of (str, str or None)
        The folded label without the meter numbers, and the numbers found (space-separated),
        or None when there are none.

    >>> split_part("1#进线电量")
    ('进线电量', '1#')
    >>> split_part("UPS2 output")
    ('ups output', '2')
    """
    text = fold(label)
    found = []
    for pattern in vocabulary().parts:
        while (m := pattern.search(text)) is not None:
            found.append(" ".join(m["part"].split()))
            text = text[:m.start("part")] + " " + text[m.end("part"):]
    return " ".join(text.split()), (" ".join(found) or None)


def _unit_and_label(text: str) -> tuple[str, str | None]:
    label, unit = units.split_header(text)
    if unit is not None and units.unit_kind(unit) is None:
        inner = split_part(unit)
        if (inner[1] is not None and not inner[0]) or _CJK.search(unit):
            return f"{label} {unit}", None  # "IT用电量(A楼)": a building, not a unit
    return label, unit


@lru_cache(maxsize=8192)
def recognise(text: str, aliases: Aliases = ()) -> Recognition:
    """The role of one header cell.

    Parameters
    ----------
    text : str
        The header as written, e.g. ``"1#进线电量（kWh）"`` or ``"IT load (MWh)"``.
    aliases : tuple
        A user's extra column names, (role, names) pairs; they win over everything else.

    Returns
    -------
    Recognition
        The role (None when the header takes none) and how it was found.
    """
    label, unit = _unit_and_label(text)
    bare, register = _strip_register_words(label)
    stripped, part = split_part(bare)
    for candidate in dict.fromkeys((bare, stripped)):
        found = _by_name(candidate, aliases)
        if found is not None:
            role, how, conflict = found
            if conflict:
                return Recognition(text, None, None, unit, register, part,
                                   candidates=tuple((r, 0.0) for r in conflict))
            return Recognition(text, role, how, unit, register,
                               part if candidate == stripped else None, score=10.0)
    return _by_meaning(text, stripped, unit, register, part)


def _by_name(label: str, aliases: Aliases) -> tuple[str | None, str, tuple[str, ...]] | None:
    if not label:
        return None
    variants = name_variants(label)
    user = {normalise(n): role for role, names in aliases for n in names}
    roles = {user[v] for v in variants if v in user}
    how = USER_ALIAS
    if not roles:
        index = column_index(aliases)
        roles = {index[v] for v in variants if v in index}
        how = KNOWN_NAME
    if not roles:
        return None
    if len(roles) > 1:
        return None, how, tuple(sorted(roles))
    return roles.pop(), how, ()


def _unit_fits(kind: str, unit: str) -> bool:
    """Whether a unit can be converted for a role of ``kind`` (kWh or kW for energy)."""
    if units.factor_to_canonical(unit, kind) is not None:
        return True
    return kind == "energy" and units.factor_to_canonical(unit, "power") is not None


def _by_meaning(text: str, label: str, unit: str | None, register: bool,
                part: str | None) -> Recognition:
    vocab = vocabulary()
    words = tuple(dict.fromkeys(vocab.scan(label)))
    excluded = next((w for w in words if w in vocab.excluded), None)
    if excluded is None:
        excluded = next((m[0] for p in vocab.exclude_patterns if (m := p.search(label))), None)
    if excluded is not None:
        return Recognition(text, None, None, unit, register, part, words=words,
                           excluded=excluded)
    kinds = set().union(*(vocab.kinds.get(w, ()) for w in words))
    if register:  # meter readings count energy, water or fuel
        kinds |= ({"energy", "water", "fuel_volume", "gas_volume"}
                  if not kinds - {"time"} else set())
    if "temperature" in kinds:  # "return water temperature" is a temperature, not water
        kinds = {"temperature"}
    if unit is not None and units.unit_kind(unit) is None:
        unit = None  # not a unit greendc knows: the words decide, the reader reports the unit
    scores: dict[str, float] = {}
    for word in words:
        for role, weight in vocab.role_weights.get(word, {}).items():
            scores[role] = scores.get(role, 0.0) + weight
    passing = []
    for role, score in scores.items():
        kind = column_roles()[role].kind
        if kind == "time":
            eligible = unit is None and kinds <= {"time"}
            evidence = "time" in kinds
        elif unit is not None:
            eligible = evidence = _unit_fits(kind, unit) and (
                units.unit_kind(unit) != "power" or bool(set(words) & vocab.mean_words))
        else:
            quantity = kinds - {"time"}
            eligible = not quantity or kind in quantity
            evidence = kind in quantity
        if eligible and (score >= vocab.strong or (score >= vocab.threshold and evidence)):
            passing.append((role, score))
    ranked = sorted(passing, key=lambda rs: -rs[1])
    specific = [rs for rs in ranked if rs[0] not in vocab.general_roles]
    ranked = specific or ranked
    everything = tuple(sorted(scores.items(), key=lambda rs: -rs[1]))
    if not ranked:
        return Recognition(text, None, None, unit, register, part, words=words,
                           candidates=everything[:2])
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < vocab.margin:
        return Recognition(text, None, None, unit, register, part, words=words,
                           candidates=tuple(ranked[:2]))
    role, score = ranked[0]
    return Recognition(text, role, MEANING, unit, register, part, score=score, words=words,
                       candidates=tuple(ranked[:2]))
