"""Rule packs: green data-centre criteria as data, and verdicts that explain themselves.

A rule pack is a TOML file (built-in packs ship in ``greendc/packs/``; a user's own pack is any
path).  Each rule names a metric of the result (``pue``, ``rack_occupancy``, ...) or a Facility
field, an operator and a threshold with its unit, the conditions under which it applies, its
effective dates, its kind (gate, score, grade, advisory, declared), its source and the
confidence of that source.  :func:`load_pack` checks every field and fails with the file, the
rule and the valid choices.

:func:`evaluate` reads metric values by name from an assessment's result; it never recomputes
a metric.  Each rule gives a :class:`RuleFinding`: a verdict (pass, fail, not_applicable,
insufficient_data, declared), the observed and required values, the margin, the data window,
and a hint of what would change the outcome.

References
----------
DOMAIN.md sections 2-4 list the documents behind the built-in packs.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from greendc import factors
from greendc.errors import GreenDCError
from greendc.reference import load_toml, message, normalise

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
             "points", "bands", "tiers", "grade", "annual", "parameter", "hint_zh", "hint_en"}
# Metrics that are ratios of E_DC to E_IT: a failed threshold becomes an energy-cut hint.
PUE_LIKE = ("pue", "ttm_pue", "gb40879_value")


class PackError(GreenDCError):
    """A rule pack is malformed: names the file, the rule and the field."""


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


# ---------------------------------------------------------------------------- loading


def builtin_packs() -> list[str]:
    """Ids of the packs that ship with greendc, in file-name order."""
    folder = resources.files("greendc.packs")
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
        file = resources.files("greendc.packs").joinpath(f"{name_or_path}.toml")
        return file.read_text(encoding="utf-8"), f"greendc/packs/{name_or_path}.toml"
    raise PackError(f"unknown rule pack {name_or_path!r}: give a .toml path or one of "
                    f"{', '.join(builtin_packs())}")


@cache
def load_pack(name_or_path: str) -> Pack:
    """Load and check a built-in pack by id, or a user's pack from a ``.toml`` path.

    Raises
    ------
    PackError
        The file is not valid TOML, or a field is missing, unknown or of the wrong kind; the
        message names the file, the rule id and the valid choices.
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
        out.append(_replace(rule, **changes))
    return out


def _replace(rule: Rule, **changes: Any) -> Rule:
    from dataclasses import replace

    return replace(rule, **changes)


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
        if not isinstance(test, dict) or len(test) != 1:
            raise PackError(f"{where}: {what}: applies_when.{field_name} must be one "
                            f"{{operator = value}} table, operators: {', '.join(CONDITION_OPS)}")
        (op,) = test
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
        effective_from=_date(spec.get("effective_from"), where, what, "effective_from"),
        effective_to=_date(spec.get("effective_to"), where, what, "effective_to"),
        source=spec.get("source") or dict(pack_source), confidence=confidence,
        note=spec.get("note", ""),
        points=spec.get("points"), bands=tuple(spec.get("bands", ())),
        tiers=tuple(spec.get("tiers", ())), grade=spec.get("grade"),
        annual=spec.get("annual", True), parameter=spec.get("parameter"),
        hint_zh=spec.get("hint_zh", ""), hint_en=spec.get("hint_en", ""))


# ---------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Text:
    """A message in both languages, from the catalogue (``rules.*`` entries)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return message(f"rules.{self.key}", lang, **self.params)

    def to_dict(self) -> dict[str, str]:
        return {"en": self.render("en"), "zh": self.render("zh")}


@dataclass
class RuleFinding:
    rule: Rule
    verdict: str
    observed: Any = None
    required: Any = None
    margin: float | None = None
    score: float | None = None
    reason: Text | None = None
    hint: Text | None = None
    window: str | None = None
    cost_cny: float | None = None

    def to_dict(self) -> dict[str, Any]:
        r = self.rule
        return {
            "rule": r.id, "title": {"en": r.title_en, "zh": r.title_zh}, "kind": r.kind,
            "metric": r.metric, "operator": r.operator, "verdict": self.verdict,
            "observed": self.observed, "required": self.required, "unit": r.unit,
            "margin": self.margin, "score": self.score, "max_score": _max_points(r),
            "cost_cny": self.cost_cny, "window": self.window,
            "reason": self.reason.to_dict() if self.reason else None,
            "hint": self.hint.to_dict() if self.hint else None,
            "source": r.source, "confidence": r.confidence, "note": r.note or None,
            "effective_from": r.effective_from.isoformat() if r.effective_from else None,
            "effective_to": r.effective_to.isoformat() if r.effective_to else None,
        }


@dataclass
class PackResult:
    pack: Pack
    verdict: str
    findings: list[RuleFinding]
    score: float | None = None
    max_score: float | None = None
    grade: int | None = None
    reason: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        p = self.pack
        return {
            "pack": p.id, "version": p.version, "title": {"en": p.title_en, "zh": p.title_zh},
            "kind": p.kind, "source": p.source, "confidence": p.confidence, "path": p.path,
            "verdict": self.verdict, "score": self.score, "max_score": self.max_score,
            "grade": self.grade, "reason": self.reason.to_dict() if self.reason else None,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class Facts:
    """What rules read: the result's metrics, facility fields, energy totals and period."""

    metrics: dict[str, dict[str, Any]]
    facility: dict[str, Any]
    energy: dict[str, float]
    period: dict[str, Any]

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.period["end"])

    @property
    def year(self) -> int:
        return self.date.year

    def country(self) -> str | None:
        country = self.facility.get("country")
        if country:
            return str(country).upper()
        region, _ = factors.locate(self.facility.get("province"))
        return "CN" if region else None

    def field(self, name: str) -> Any:
        if name == "country":
            return self.country()
        if name == "province":
            _, scope = factors.locate(self.facility.get("province"))
            return scope or _place_key(self.facility.get("province"))
        if name == "city":
            return _place_key(self.facility.get("city"))
        return self.facility.get(name)


def _place_key(text: Any) -> str | None:
    if not text:
        return None
    key = normalise(text)
    for suffix in ("市", "县", "区", "city", "省"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def _matches(value: Any, op: str, target: Any) -> bool:
    if op in ("in", "not_in"):
        targets = {_place_key(t) if isinstance(t, str) else t for t in target}
        hit = (_place_key(value) if isinstance(value, str) else value) in targets
        return hit if op == "in" else not hit
    if op in ("before", "after"):
        when = dt.date.fromisoformat(str(value)[:10])
        limit = target if isinstance(target, dt.date) else dt.date.fromisoformat(str(target))
        return when < limit if op == "before" else when > limit
    if isinstance(target, str) and isinstance(value, str):
        value, target = _place_key(value), _place_key(target)
    return {"==": value == target, "!=": value != target, "<": value < target,
            "<=": value <= target, ">": value > target, ">=": value >= target}[op]


def _applies(conditions: dict[str, Any], facts: Facts) -> tuple[bool | None, Text | None]:
    """(True/False, reason) or (None, reason) when a field it needs is not given."""
    for name, test in conditions.items():
        (op, target), = test.items()
        value = facts.field(name)
        if value is None:
            return None, Text("unknown_condition", {"field": name})
        if not _matches(value, op, target):
            shown = ", ".join(map(str, target)) if isinstance(target, list) else target
            return False, Text("condition_not_met", {"field": name, "op": op, "target": shown,
                                                     "value": value})
    return True, None


def _in_force(rule_from: dt.date | None, rule_to: dt.date | None, facts: Facts) -> Text | None:
    if rule_from and facts.date < rule_from:
        return Text("not_yet_in_force", {"date": rule_from.isoformat()})
    if rule_to and facts.date > rule_to:
        return Text("no_longer_in_force", {"date": rule_to.isoformat()})
    return None


def _max_points(rule: Rule) -> float | None:
    if rule.operator == "linear_score":
        return rule.points
    if rule.operator == "banded_score":
        return max(b["score"] for b in rule.bands)
    return None


def _threshold(rule: Rule, facts: Facts) -> tuple[Any, Text | None]:
    if rule.parameter is None:
        return rule.threshold, None
    spec = load_toml("parameters.toml")[rule.parameter]
    _, scope = factors.locate(facts.facility.get("province"))
    values = [v for v in spec["values"] if v["scope"] == scope]
    if not values:
        return None, Text("no_parameter", {"parameter": spec["title_en"],
                                           "province": facts.facility.get("province") or "?"})
    dated = [v for v in values if v["year"] <= facts.year] or values
    return max(dated, key=lambda v: v["year"])["value"], None


def _observed(rule: Rule, facts: Facts) -> tuple[Any, dict[str, Any], Text | None]:
    """The value a rule tests, its basis, and why it is missing when it is."""
    assert rule.metric is not None
    if rule.metric in facts.metrics:
        entry = facts.metrics[rule.metric]
        if entry["value"] is None:
            return None, entry["basis"], Text("metric_missing", {"metric": rule.metric,
                                                                 "reason": entry.get("reason")})
        return entry["value"], entry["basis"], None
    value = facts.field(rule.metric)
    if value is None:
        return None, {}, Text("field_missing", {"field": rule.metric})
    return value, {}, None


def _compare(op: str, observed: Any, required: Any) -> bool:
    if op == "between":
        return required[0] <= observed <= required[1]
    if op == "in":
        return observed in required
    return _matches(observed, op, required)


def _margin(op: str, observed: Any, required: Any) -> float | None:
    if not isinstance(observed, int | float) or isinstance(observed, bool):
        return None
    if op in ("<=", "<"):
        return float(required) - float(observed)
    if op in (">=", ">"):
        return float(observed) - float(required)
    if op == "between":
        return min(float(observed) - required[0], required[1] - float(observed))
    return None


def _hint(rule: Rule, verdict: str, observed: Any, required: Any, facts: Facts) -> Text | None:
    if rule.operator not in ("<=", "<", ">=", ">") or not isinstance(observed, int | float):
        return None
    if rule.metric in PUE_LIKE and rule.operator in ("<=", "<"):
        dc, it = facts.energy.get("dc_kwh"), facts.energy.get("it_kwh")
        if not dc or not it:
            return None
        delta = dc - float(required) * it
        key = "cut_non_it" if verdict == "fail" else "headroom_non_it"
        return Text(key, {"mwh": abs(delta) / 1000, "share": abs(delta) / dc,
                          "threshold": required, "title": rule.title_en})
    gap = abs(float(required) - float(observed))
    if verdict != "fail":
        return None
    direction = "raise" if rule.operator in (">=", ">") else "lower"
    return Text(f"{direction}_to", {"metric": rule.metric, "gap": gap, "threshold": required})


def evaluate_rule(rule: Rule, facts: Facts) -> RuleFinding:
    """The verdict of one rule on one facility."""
    window = f"{facts.period['start']}/{facts.period['end']}"
    stale = _in_force(rule.effective_from, rule.effective_to, facts)
    if stale:
        return RuleFinding(rule, "not_applicable", reason=stale, window=window)
    applies, why = _applies(rule.applies_when, facts)
    if applies is False:
        return RuleFinding(rule, "not_applicable", reason=why, window=window)
    if applies is None:
        return RuleFinding(rule, "insufficient_data", reason=why, window=window)
    if rule.kind == "declared":
        return RuleFinding(rule, "declared", reason=Text("declared_only"), window=window,
                           hint=Text("declared_hint", {"en": rule.hint_en or rule.title_en,
                                                       "zh": rule.hint_zh or rule.title_zh}))
    required, missing_param = _threshold(rule, facts)
    if missing_param:
        return RuleFinding(rule, "insufficient_data", reason=missing_param, window=window)
    observed, basis, missing = _observed(rule, facts)
    window = basis.get("window") or basis.get("period") or window
    if missing:
        return RuleFinding(rule, "insufficient_data", required=required, reason=missing,
                           window=window)
    if rule.operator == "present":
        return RuleFinding(rule, "pass", observed=observed, window=window)
    partial = rule.annual and basis.get("provisional")
    if rule.operator == "linear_score":
        (at_zero, at_full) = rule.threshold
        share = (float(observed) - at_zero) / (at_full - at_zero)
        score = rule.points * min(1.0, max(0.0, share))
        finding = RuleFinding(rule, "pass" if score > 0 else "fail", observed=observed,
                              required=rule.threshold, score=score, window=window)
    elif rule.operator == "banded_score":
        score = next((b["score"] for b in rule.bands
                      if b.get("min", float("-inf")) <= observed < b.get("max", float("inf"))), 0)
        finding = RuleFinding(rule, "pass" if score > 0 else "fail", observed=observed,
                              score=float(score), window=window)
    elif rule.operator == "surcharge":
        finding = _surcharge(rule, observed, facts, window)
    else:
        ok = _compare(rule.operator, observed, required)
        verdict = "pass" if ok else "fail"
        finding = RuleFinding(rule, verdict, observed=observed, required=required,
                              margin=_margin(rule.operator, observed, required), window=window,
                              hint=_hint(rule, verdict, observed, required, facts))
    if partial:
        finding.verdict = "insufficient_data"
        finding.reason = Text("partial_year", {"reason": basis.get("provisional_reason") or ""})
        finding.score = None
    return finding


def _surcharge(rule: Rule, observed: float, facts: Facts, window: str) -> RuleFinding:
    """PUE-linked tariff surcharge on the energy above what the limit allows (stated assumption)."""
    limit = float(rule.threshold)
    if observed <= limit:
        return RuleFinding(rule, "pass", observed=observed, required=limit,
                           margin=limit - observed, cost_cny=0.0, window=window)
    excess = (observed - limit) / limit
    rate = next(t["cny_per_kwh"] for t in rule.tiers
                if excess <= t.get("max_excess", float("inf")))
    over_kwh = facts.energy["dc_kwh"] - limit * facts.energy["it_kwh"]
    cost = over_kwh * rate
    return RuleFinding(rule, "fail", observed=observed, required=limit, margin=limit - observed,
                       cost_cny=cost, window=window,
                       hint=Text("surcharge", {"mwh": over_kwh / 1000, "rate": rate,
                                               "cost": cost, "excess": excess}))


def evaluate(pack: Pack, facts: Facts) -> PackResult:
    """Every rule of ``pack`` on one facility, and the pack's verdict, score and grade."""
    stale = _in_force(pack.effective_from, pack.effective_to, facts)
    applies, why = (False, stale) if stale else _applies(pack.applies_when, facts)
    if applies is not True:
        return PackResult(pack, "not_applicable" if applies is False else "insufficient_data",
                          [], reason=why)
    findings = [evaluate_rule(rule, facts) for rule in pack.rules]
    gates = [f for f in findings if f.rule.kind == "gate"]
    declared = [f for f in findings if f.verdict == "declared"]
    if any(f.verdict == "fail" for f in gates):
        verdict = "fail"
    elif any(f.verdict == "insufficient_data" for f in gates):
        verdict = "insufficient_data"
    elif gates and declared:
        verdict = "conditional"
    elif gates and all(f.verdict == "not_applicable" for f in gates):
        verdict = "not_applicable"
    elif gates:
        verdict = "pass"
    else:
        verdict = "advisory"
    scored = [f for f in findings if f.rule.kind == "score" and f.verdict != "not_applicable"]
    score = sum(f.score or 0.0 for f in scored) if scored else None
    max_score = sum(_max_points(f.rule) or 0.0 for f in scored) if scored else None
    grades = [f.rule.grade for f in findings if f.rule.kind == "grade" and f.verdict == "pass"]
    graded = [f for f in findings if f.rule.kind == "grade"]
    grade = min(grades) if grades else None
    if graded and any(f.verdict == "insufficient_data" for f in graded):
        grade = None
    return PackResult(pack, verdict, findings, score=score, max_score=max_score, grade=grade)


def default_packs(facts: Facts) -> list[str]:
    """Packs that apply by location: each built-in pack's ``default_for`` conditions."""
    chosen = []
    for pack_id in builtin_packs():
        pack = load_pack(pack_id)
        if pack.default_for and _applies(pack.default_for, facts)[0] is True:
            chosen.append(pack_id)
    return chosen
