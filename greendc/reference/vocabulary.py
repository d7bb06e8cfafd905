"""The vocabulary of header recognition (``vocabulary.toml``), compiled once per process.

Each word becomes a regular expression: Chinese words match anywhere, Latin words only as whole
words.  All the words of the file are joined into one alternation so that a header is scanned
once, whatever the size of the vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from greendc.errors import ConfigError
from greendc.reference.loading import load_toml

_LATIN = re.compile(r"^[\x00-\x7f]+$")


def fold(text: str) -> str:
    """A header folded for word matching: NFKC, lower case, white space collapsed.

    >>> fold("ＩＴ  Load（kWh）")
    'it load(kwh)'
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def _key(word: str) -> str:
    return "".join(word.split())


def _word_pattern(word: str) -> str:
    escaped = re.escape(word).replace(r"\ ", r"\s*")
    if _LATIN.match(word) and word[:1].isalnum():
        return rf"(?<![a-z]){escaped}(?![a-z])"
    return escaped


@dataclass(frozen=True)
class Vocabulary:
    """The compiled vocabulary: which roles and kinds each word speaks for."""

    strong: float
    threshold: float
    margin: float
    words: re.Pattern            # every word of the file, longest first
    role_weights: dict[str, dict[str, float]]   # word -> role -> weight
    kinds: dict[str, frozenset[str]]            # word -> kinds it marks
    excluded: frozenset[str]
    exclude_patterns: tuple[re.Pattern, ...]
    general_roles: frozenset[str]               # roles whose words count last (facility total)
    parts: tuple[re.Pattern, ...]
    mean_words: frozenset[str]                  # words that make kW a mean power
    multipliers: frozenset[str]                 # meter multipliers (倍率): refused

    def scan(self, folded: str) -> list[str]:
        """The vocabulary words found in a folded header, left to right, without overlaps
        (as keys: white space taken out)."""
        return [_key(m[0]) for m in self.words.finditer(folded)]


@cache
def vocabulary() -> Vocabulary:
    """The header vocabulary, compiled (see ``vocabulary.toml``)."""
    data = load_toml("vocabulary.toml")
    scoring = data["scoring"]
    role_weights: dict[str, dict[str, float]] = {}
    general = set()
    for role, spec in data["roles"].items():
        if not spec.get("specific", True):
            general.add(role)
        for word, weight in spec["words"].items():
            role_weights.setdefault(_key(fold(word)), {})[role] = float(weight)
    kinds: dict[str, set[str]] = {}
    for kind, words in data["kinds"].items():
        for word in words:
            kinds.setdefault(_key(fold(word)), set()).add(kind)
    excluded = {_key(fold(w)) for w in data["exclude"]["words"]}
    spelled = {_key(fold(w)): fold(w) for spec in data["roles"].values() for w in spec["words"]}
    spelled |= {_key(fold(w)): fold(w) for ws in data["kinds"].values() for w in ws}
    spelled |= {_key(fold(w)): fold(w) for w in data["exclude"]["words"]}
    mean_words = {_key(fold(w)) for w in data["power"]["mean_words"]}
    multipliers = {_key(fold(w)) for w in data["exclude"]["multipliers"]}
    excluded |= multipliers
    spelled |= {_key(fold(w)): fold(w) for w in data["exclude"]["multipliers"]}
    spelled |= {_key(fold(w)): fold(w) for w in data["power"]["mean_words"]}
    everything = sorted(spelled.values(), key=len, reverse=True)
    # A longer token found first hides the words inside it (用水量 holds 用水): it speaks for them.
    for token in spelled:
        inner = [w for w in spelled if w != token and w in token and not _LATIN.match(w)]
        for word in inner:
            for role, weight in role_weights.get(word, {}).items():
                mine = role_weights.setdefault(token, {})
                mine[role] = max(mine.get(role, 0.0), weight)
            if word in kinds:
                kinds.setdefault(token, set()).update(kinds[word])
    try:
        words = re.compile("|".join(f"(?:{_word_pattern(w)})" for w in everything))
        patterns = tuple(re.compile(p) for p in data["exclude"].get("patterns", ()))
        parts = tuple(re.compile(p) for p in data["parts"]["patterns"])
    except re.error as exc:
        raise ConfigError(f"vocabulary.toml: bad pattern: {exc}") from exc
    if any("part" not in p.groupindex for p in parts):
        raise ConfigError("vocabulary.toml: every [parts] pattern needs a (?P<part>...) group")
    return Vocabulary(float(scoring["strong"]), float(scoring["threshold"]),
                      float(scoring["margin"]), words, role_weights,
                      {w: frozenset(k) for w, k in kinds.items()}, frozenset(excluded),
                      patterns, frozenset(general), parts, frozenset(mean_words),
                      frozenset(multipliers))
