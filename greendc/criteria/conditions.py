"""Where a pack or a rule applies: its conditions on the facility and its dates in force.

``applies_when`` and ``default_for`` are tables of conditions on facility fields (``country``,
``commissioning_date`` ...); a condition may be assumed met when its field is not given
(``if_missing = "assume_met"``), and the assumption is then named.  These functions read a
:class:`~greendc.criteria.inputs.Facts` and know nothing of metrics or verdicts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from greendc.criteria.inputs import Facts
from greendc.criteria.loading import builtin_packs, load_pack
from greendc.criteria.words import Text, field_words, value_words, words
from greendc.reference.messages import LANGS, message
from greendc.reference.places import place_key, place_keys


def matches(value: Any, op: str, target: Any) -> bool:
    """Whether a facility's ``value`` meets one condition ``op target`` of a pack.

    Parameters
    ----------
    value : the facility field's value (text compared by place name, dates as ISO text)
    op : ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in``, ``not_in``, ``before``, ``after``
    target : the pack's value (a list for ``in`` and ``not_in``, a date for ``before``/``after``)

    Returns
    -------
    bool
    """
    if op in ("in", "not_in"):
        targets = {place_key(t) if isinstance(t, str) else t for t in target}
        hit = (bool(place_keys(value) & targets) if isinstance(value, str)
               else value in targets)  # 张家口市怀来县 is in 张家口 and in 怀来
        return hit if op == "in" else not hit
    if op in ("before", "after"):
        when = dt.date.fromisoformat(str(value)[:10])
        limit = target if isinstance(target, dt.date) else dt.date.fromisoformat(str(target))
        return when < limit if op == "before" else when > limit
    if isinstance(target, str) and isinstance(value, str):
        value, target = place_key(value), place_key(target)
    return {"==": value == target, "!=": value != target, "<": value < target,
            "<=": value <= target, ">": value > target, ">=": value >= target}[op]


def applies(conditions: dict[str, Any], facts: Facts) -> tuple[bool | None, Text | None]:
    """Whether all ``conditions`` (a pack's ``applies_when`` or ``default_for``) hold.

    A condition marked ``if_missing = "assume_met"`` holds when its field is not given; the
    reason then says what was assumed.

    Parameters
    ----------
    conditions : field name -> ``{op: target}`` (and optionally ``if_missing``)
    facts : the facility's fields

    Returns
    -------
    holds : bool or None
        True, False, or None when a field a condition needs is not given.
    reason : Text or None
        Why not (False, None), or what was assumed (True); None when all hold as given.
    """
    assumed = None
    for name, test in conditions.items():
        (op, target), = ((k, v) for k, v in test.items() if k != "if_missing")
        value = facts.field(name)
        if value is None and test.get("if_missing") == "assume_met":
            assumed = Text("assumed_condition", {"field": field_words(name),
                                                 "op": words(f"label.op.{op}"),
                                                 "target": value_words(name, target)})
            continue
        if value is None:
            return None, Text("unknown_condition", {"field": field_words(name)})
        if not matches(value, op, target):
            targets = target if isinstance(target, list) else [target]
            shown = {lang: "、".join(value_words(name, t)[lang] for t in targets) if lang == "zh"
                     else ", ".join(value_words(name, t)[lang] for t in targets)
                     for lang in LANGS}
            return False, Text("condition_not_met", {"field": field_words(name),
                                                     "op": words(f"label.op.{op}"),
                                                     "target": shown,
                                                     "value": value_words(name, value)})
    return True, assumed


def excluded(conditions: dict[str, Any], facts: Facts) -> Text | None:
    """Why the source leaves the facility out, when every one of ``conditions`` holds.

    Parameters
    ----------
    conditions : a rule's ``excluded_when`` (field name -> ``{op: target}``)
    facts : the facility's fields

    Returns
    -------
    Text or None
        ``excluded_scope`` naming the fields and their values; None when any condition does not
        hold or its field is not given (the facility is then taken as in scope).
    """
    if not conditions:
        return None
    for name, test in conditions.items():
        (op, target), = ((k, v) for k, v in test.items() if k != "if_missing")
        value = facts.field(name)
        if value is None or not matches(value, op, target):
            return None
    said = {lang: message("place.row_separator", lang).join(
        message("rules.field_is", lang, field=field_words(name)[lang],
                value=value_words(name, facts.field(name))[lang])
        for name in conditions) for lang in LANGS}
    return Text("excluded_scope", {"conditions": said})


def in_force(rule_from: dt.date | None, rule_to: dt.date | None, facts: Facts) -> Text | None:
    """Why a pack or rule is not in force at the end of the reporting period, or None.

    Parameters
    ----------
    rule_from, rule_to : its first and last day in force (None: open)
    facts : the assessment (its ``date``, the end of the reporting period)

    Returns
    -------
    Text or None
        ``not_yet_in_force`` or ``no_longer_in_force`` with the date; None when in force.
    """
    if rule_from and facts.date < rule_from:
        return Text("not_yet_in_force", {"date": rule_from.isoformat()})
    if rule_to and facts.date > rule_to:
        return Text("no_longer_in_force", {"date": rule_to.isoformat()})
    return None


def assumed_conditions(results: list[Any], facts: Facts) -> dict[str, list[str]]:
    """Facility fields a verdict was reached without: each ``if_missing = "assume_met"``
    condition whose field is not given, with the packs whose rules assumed it.

    Parameters
    ----------
    results : the packs' results on one facility (:class:`~greendc.criteria.evaluate.PackResult`)
    facts : the facility's fields

    Returns
    -------
    dict
        Field name -> (what was assumed, in words; ids of the packs whose rules assumed it).
    """
    out: dict[str, tuple[Text, list[str]]] = {}
    for result in results:
        for finding in result.findings:
            if finding.verdict == "not_applicable":
                continue
            for name, test in finding.rule.applies_when.items():
                if test.get("if_missing") == "assume_met" and facts.field(name) is None:
                    _, said = applies({name: test}, facts)
                    packs = out.setdefault(name, (said, []))[1]
                    if result.pack.id not in packs:
                        packs.append(result.pack.id)
    return out


def default_packs(facts: Facts) -> list[str]:
    """Packs that apply by location: each built-in pack's ``default_for`` conditions.

    Parameters
    ----------
    facts : Facts
        The facility's fields (country, province ...) are read.

    Returns
    -------
    list of str
        Ids of the built-in packs with ``default_for`` conditions that all hold.
    """
    chosen = []
    for pack_id in builtin_packs():
        pack = load_pack(pack_id)
        if pack.default_for and applies(pack.default_for, facts)[0] is True:
            chosen.append(pack_id)
    return chosen
