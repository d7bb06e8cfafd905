"""Rule packs as data: loading and checking the TOML files of criteria.

A rule pack is a TOML file (built-in packs ship in ``greendc/criteria/packs/``; a user's own
pack is any path).  Each rule names a metric of the result (``pue``, ``rack_occupancy``, ...)
or a Facility field, an operator and a threshold with its unit, the conditions under which it
applies, its effective dates, its kind (gate, score, grade, advisory, declared), its source and
the confidence of that source.  :func:`load_pack` checks every field and fails with the file,
the rule and the valid choices.

References
----------
DOMAIN.md sections 2-4 list the documents behind the built-in packs.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from greendc.errors import PackError
from greendc.reference.loading import load_toml

PACKS_PACKAGE = "greendc.criteria.packs"
OPERATORS = ("<=", "<", ">=", ">", "==", "between", "in", "present", "linear_score",
             "banded_score", "surcharge")
KINDS = ("gate", "score", "grade", "advisory", "declared")
CONFIDENCE = ("confirmed", "secondary", "unverified", "convention")
CONDITION_OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not_in", "before", "after")
PACK_KEYS = {"id", "version", "title_zh", "title_en", "description", "kind", "jurisdiction",
             "applies_when", "effective_from", "effective_to", "source", "confidence", "note",
             "default_for"}
RULE_KEYS = {"id", "title_zh", "title_en", "metric", "operator", "threshold", "unit", "kind",
             "applies_when", "effective_from", "effective_to", "source", "confidence", "note",
             "points", "bands", "tiers", "grade", "annual", "parameter", "hint_zh", "hint_en",
             "excluded_when"}
@dataclass(frozen=True)
class Rule:
    id: str
    title_zh: str
    title_en: str
    metric: str | None
    operator: str | None
    kind: str
    threshold: Any = None
    unit: str = ""
    applies_when: dict[str, Any] = field(default_factory=dict)
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    source: dict[str, str] = field(default_factory=dict)
    confidence: str = "confirmed"
    note: str = ""
    # sites the source leaves out although applies_when holds: all these conditions at once
    excluded_when: dict[str, Any] = field(default_factory=dict)
    points: float | None = None
    bands: tuple[dict[str, float], ...] = ()
    tiers: tuple[dict[str, float], ...] = ()
    grade: int | None = None
    annual: bool = True
    parameter: str | None = None
    hint_zh: str = ""
    hint_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title_zh: str
    title_en: str
    kind: str
    rules: tuple[Rule, ...]
    description: str = ""
    jurisdiction: str = ""
    applies_when: dict[str, Any] = field(default_factory=dict)
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    source: dict[str, str] = field(default_factory=dict)
    confidence: str = "confirmed"
    note: str = ""
    default_for: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


def builtin_packs() -> list[str]:
    """Ids of the packs that ship with greendc, in file-name order.

    Returns
    -------
    list of str
        The file names in ``greendc/criteria/packs/`` without ``.toml``.
    """
    folder = resources.files(PACKS_PACKAGE)
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml"))


def _read_pack_text(name_or_path: str) -> tuple[str, str]:
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise PackError(f"{path}: cannot read the rule pack: {exc.strerror}") from None
    if name_or_path in builtin_packs():
        file = resources.files(PACKS_PACKAGE).joinpath(f"{name_or_path}.toml")
        return file.read_text(encoding="utf-8"), f"greendc/packs/{name_or_path}.toml"
    raise PackError(f"unknown rule pack {name_or_path!r}: give a .toml path or one of "
                    f"{', '.join(builtin_packs())}")


@cache
def load_pack(name_or_path: str) -> Pack:
    """Load and check a built-in pack by id, or a user's pack from a ``.toml`` path.

    Parameters
    ----------
    name_or_path : str
        A built-in pack id, or the path of an existing ``.toml`` file.

    Returns
    -------
    Pack
        The pack with its rules, ``[[include]]`` rules added under ``<pack>/<rule>`` ids.
        Cached: one call per argument reads the file.

    Raises
    ------
    PackError
        The pack is unknown or unreadable, the file is not valid TOML, or a field is missing,
        unknown or of the wrong kind; the message names the file, the rule id and the valid
        choices.
    """
    text, where = _read_pack_text(name_or_path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{where}: not valid TOML: {exc}") from None
    unknown = set(data) - {"pack", "rules", "include"}
    if unknown:
        raise PackError(f"{where}: unknown table(s) {', '.join(sorted(unknown))}; a pack has "
                        "[pack], [[rules]] and [[include]]")
    if "pack" not in data:
        raise PackError(f"{where}: missing the [pack] table")
    head = data["pack"]
    _check_keys(head, PACK_KEYS, where, "[pack]")
    for key in ("id", "version", "title_zh", "title_en", "kind"):
        if key not in head:
            raise PackError(f"{where}: [pack] is missing {key!r}")
    pack_confidence = head.get("confidence", "confirmed")
    if pack_confidence not in CONFIDENCE:
        raise PackError(f"{where}: [pack]: confidence {pack_confidence!r} is not one of "
                        f"{', '.join(CONFIDENCE)}")
    rules = [_rule(spec, where, head.get("source", {}), pack_confidence)
             for spec in data.get("rules", [])]
    for include in data.get("include", []):
        rules += _included(include, where)
    ids = [r.id for r in rules]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise PackError(f"{where}: rule id(s) used twice: {', '.join(duplicated)}")
    if not rules:
        raise PackError(f"{where}: the pack has no rules")
    return Pack(
        id=head["id"], version=str(head["version"]), title_zh=head["title_zh"],
        title_en=head["title_en"], kind=head["kind"], rules=tuple(rules),
        description=head.get("description", ""), jurisdiction=head.get("jurisdiction", ""),
        applies_when=_conditions(head.get("applies_when", {}), where, "[pack]"),
        effective_from=_date(head.get("effective_from"), where, "[pack]", "effective_from"),
        effective_to=_date(head.get("effective_to"), where, "[pack]", "effective_to"),
        source=head.get("source", {}), confidence=pack_confidence,
        note=head.get("note", ""), default_for=head.get("default_for", {}), path=where)


def _included(include: dict[str, Any], where: str) -> list[Rule]:
    _check_keys(include, {"pack", "rules", "kind"}, where, "[[include]]")
    if "pack" not in include:
        raise PackError(f"{where}: [[include]] needs 'pack'")
    other = load_pack(include["pack"])
    wanted = include.get("rules")
    known = {r.id: r for r in other.rules}
    missing = [r for r in wanted or () if r not in known]
    if missing:
        raise PackError(f"{where}: [[include]] of {other.id}: no rule(s) {', '.join(missing)}; "
                        f"valid: {', '.join(known)}")
    chosen = [known[r] for r in wanted] if wanted else list(other.rules)
    out = []
    for rule in chosen:
        source = dict(rule.source or other.source)
        source.setdefault("pack", other.id)
        changes: dict[str, Any] = {"id": f"{other.id}/{rule.id}", "source": source}
        if "kind" in include:
            changes["kind"] = include["kind"]
        out.append(replace(rule, **changes))
    return out


def _check_keys(table: dict[str, Any], allowed: set[str], where: str, what: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise PackError(f"{where}: {what}: unknown field(s) {', '.join(unknown)}; valid fields: "
                        f"{', '.join(sorted(allowed))}")


def _date(value: Any, where: str, what: str, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PackError(f"{where}: {what}: {key} {value!r} is not a date (YYYY-MM-DD)") from None


def _conditions(spec: dict[str, Any], where: str, what: str) -> dict[str, Any]:
    for field_name, test in spec.items():
        ops = [k for k in test if k != "if_missing"] if isinstance(test, dict) else []
        if not isinstance(test, dict) or len(ops) != 1:
            raise PackError(f"{where}: {what}: applies_when.{field_name} must be one "
                            f"{{operator = value}} table (and optionally if_missing = "
                            f"\"assume_met\"), operators: {', '.join(CONDITION_OPS)}")
        if test.get("if_missing", "assume_met") != "assume_met":
            raise PackError(f"{where}: {what}: applies_when.{field_name}: if_missing can only "
                            "be \"assume_met\"")
        (op,) = ops
        if op not in CONDITION_OPS:
            raise PackError(f"{where}: {what}: applies_when.{field_name}: unknown operator "
                            f"{op!r}; valid: {', '.join(CONDITION_OPS)}")
    return spec


def _rule(spec: dict[str, Any], where: str, pack_source: dict[str, str],
          pack_confidence: str) -> Rule:
    """One rule; its source and confidence default to the pack's."""
    rid = spec.get("id", "?")
    what = f"rule {rid!r}"
    _check_keys(spec, RULE_KEYS, where, what)
    for key in ("id", "title_zh", "title_en", "kind"):
        if key not in spec:
            raise PackError(f"{where}: {what} is missing {key!r}")
    if spec["kind"] not in KINDS:
        raise PackError(f"{where}: {what}: kind {spec['kind']!r} is not one of {', '.join(KINDS)}")
    confidence = spec.get("confidence", pack_confidence)
    if confidence not in CONFIDENCE:
        raise PackError(f"{where}: {what}: confidence {confidence!r} is not one of "
                        f"{', '.join(CONFIDENCE)}")
    operator = spec.get("operator")
    if spec["kind"] != "declared":
        if operator not in OPERATORS:
            raise PackError(f"{where}: {what}: operator {operator!r} is not one of "
                            f"{', '.join(OPERATORS)}")
        if "metric" not in spec:
            raise PackError(f"{where}: {what} is missing 'metric'")
        needs = {"linear_score": ("points", "threshold"), "banded_score": ("bands",),
                 "surcharge": ("tiers", "threshold"), "between": ("threshold",)}
        for key in needs.get(operator, ("threshold",) if operator != "present" else ()):
            if key not in spec and not (key == "threshold" and "parameter" in spec):
                raise PackError(f"{where}: {what}: operator {operator!r} needs {key!r}")
        if operator in ("between", "linear_score") and not (
                isinstance(spec.get("threshold"), list) and len(spec["threshold"]) == 2):
            raise PackError(f"{where}: {what}: operator {operator!r} needs threshold = [low, high]")
        if spec["kind"] == "grade" and not isinstance(spec.get("grade"), int):
            raise PackError(f"{where}: {what}: a grade rule needs grade = 1, 2 or 3")
    if "parameter" in spec and spec["parameter"] not in load_toml("parameters.toml"):
        raise PackError(f"{where}: {what}: unknown parameter {spec['parameter']!r}; valid: "
                        f"{', '.join(load_toml('parameters.toml'))}")
    return Rule(
        id=rid, title_zh=spec["title_zh"], title_en=spec["title_en"], metric=spec.get("metric"),
        operator=operator, kind=spec["kind"], threshold=spec.get("threshold"),
        unit=spec.get("unit", ""),
        applies_when=_conditions(spec.get("applies_when", {}), where, what),
        excluded_when=_conditions(spec.get("excluded_when", {}), where, what),
        effective_from=_date(spec.get("effective_from"), where, what, "effective_from"),
        effective_to=_date(spec.get("effective_to"), where, what, "effective_to"),
        source=spec.get("source") or dict(pack_source), confidence=confidence,
        note=spec.get("note", ""),
        points=spec.get("points"), bands=tuple(spec.get("bands", ())),
        tiers=tuple(spec.get("tiers", ())), grade=spec.get("grade"),
        annual=spec.get("annual", True), parameter=spec.get("parameter"),
        hint_zh=spec.get("hint_zh", ""), hint_en=spec.get("hint_en", ""))
