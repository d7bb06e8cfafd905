"""Criteria: green data-centre rule packs as data, and verdicts that explain themselves.

:mod:`.loading` loads and checks the TOML packs (built-in ones in ``packs/``, a user's own by
path); :mod:`.conditions` tells whether a pack or rule applies to a facility and picks the
packs by location; :mod:`.evaluate` gives each rule a verdict with the observed and required
values, the margin, the window and a hint, and each pack its verdict, grade or score;
:mod:`.thresholds` is the one place that tells which rules state a PUE limit.  To add a pack:
a TOML file in ``packs/`` (see an existing one; :func:`load_pack` lists the valid fields when
one is wrong) and a test of its thresholds' edges.
"""

from greendc.criteria.conditions import default_packs
from greendc.criteria.evaluate import (
    Facts,
    PackResult,
    RuleFinding,
    evaluate,
    evaluate_rule,
)
from greendc.criteria.loading import Pack, Rule, builtin_packs, load_pack
from greendc.criteria.thresholds import PUE_LIKE

__all__ = [
    "PUE_LIKE",
    "Facts",
    "Pack",
    "PackResult",
    "Rule",
    "RuleFinding",
    "builtin_packs",
    "default_packs",
    "evaluate",
    "evaluate_rule",
    "load_pack",
]
