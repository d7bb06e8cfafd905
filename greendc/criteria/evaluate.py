"""Evaluating rule packs: verdicts that explain themselves.

:func:`evaluate` reads metric values by name from an assessment's result; it never recomputes
a metric.  Each rule gives a :class:`RuleFinding`: a verdict (pass, fail, not_applicable,
insufficient_data, declared), the observed and required values, the margin, the data window,
and a hint of what would change the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from greendc.criteria import inputs
from greendc.criteria.conditions import applies, excluded, in_force, matches
from greendc.criteria.inputs import Facts
from greendc.criteria.loading import Pack, Rule
from greendc.criteria.thresholds import PUE_LIKE
from greendc.criteria.words import (
    Text,
    metric_words,
    provisional_words,
)
from greendc.reference.messages import LANGS, message, plain_number


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
    confidence: str | None = None  # lower than the rule's when a parameter is another year's

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
            "source": r.source, "confidence": self.confidence or r.confidence,
            "note": r.note or None,
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


def _max_points(rule: Rule) -> float | None:
    if rule.operator == "linear_score":
        return rule.points
    if rule.operator == "banded_score":
        return max(b["score"] for b in rule.bands)
    return None


def _compare(op: str, observed: Any, required: Any) -> bool:
    if op == "between":
        return required[0] <= observed <= required[1]
    return matches(observed, op, required)  # "in": a place is in when any place it names is


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
    return Text(f"{direction}_to", {"metric": metric_words(rule.metric),
                                    "gap": plain_number(gap),
                                    "threshold": plain_number(float(required))})


def evaluate_rule(rule: Rule, facts: Facts) -> RuleFinding:
    """The verdict of one rule on one facility.

    Parameters
    ----------
    rule : Rule
        A rule of a loaded pack.
    facts : Facts
        The result's metrics, facility fields, energy totals and period.

    Returns
    -------
    RuleFinding
        Verdict ``pass``, ``fail``, ``not_applicable``, ``insufficient_data`` or ``declared``,
        with the observed and required values, margin, score, reason and hint.
    """
    window = f"{facts.period['start']}/{facts.period['end']}"
    stale = in_force(rule.effective_from, rule.effective_to, facts)
    if stale:
        return RuleFinding(rule, "not_applicable", reason=stale, window=window)
    holds, why = applies(rule.applies_when, facts)
    if holds is False:
        return RuleFinding(rule, "not_applicable", reason=why, window=window)
    if holds is None:
        return RuleFinding(rule, "insufficient_data", reason=why, window=window)
    outside = excluded(rule.excluded_when, facts)
    if outside is not None:
        return RuleFinding(rule, "not_applicable", reason=outside, window=window)
    assumption = why  # a condition assumed met for want of its field, or None
    if rule.kind == "declared":
        return RuleFinding(rule, "declared", reason=Text("declared_only"), window=window,
                           hint=Text("declared_hint", {"en": rule.hint_en or rule.title_en,
                                                       "zh": rule.hint_zh or rule.title_zh}))
    required, missing_param = inputs.threshold(rule, facts)
    if missing_param:
        return RuleFinding(rule, "insufficient_data", reason=missing_param, window=window)
    observed, basis, missing = inputs.observed(rule, facts)
    window = basis.get("window") or basis.get("period") or window
    if missing:
        return RuleFinding(rule, "insufficient_data", required=required, reason=missing,
                           window=window)
    partial = rule.annual and basis.get("provisional")
    if rule.operator == "present":  # a yearly figure from a partial year is not yet reportable
        finding = RuleFinding(rule, "pass", observed=observed, window=window)
    elif rule.operator == "linear_score":
        (at_zero, at_full) = rule.threshold
        share = (float(observed) - at_zero) / (at_full - at_zero)
        score = rule.points * min(1.0, max(0.0, share))
        finding = RuleFinding(rule, "pass" if score > 0 else "fail", observed=observed,
                              required=rule.threshold, score=score, window=window)
    elif rule.operator == "banded_score":
        score = next((b["score"] for b in rule.bands
                      if b.get("min", float("-inf")) <= observed < b.get("max", float("inf"))),
                     None)
        if score is None:  # the source gives no points for this value: no score, not 0
            finding = RuleFinding(rule, "insufficient_data", observed=observed, window=window,
                                  reason=Text("no_points_defined"))
        else:
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
        _hold(finding, "partial_year", {"reason": provisional_words(basis)})
    if assumption is not None and finding.reason is None:
        finding.reason = assumption
    other_year = inputs.parameter_year(rule, facts)
    if other_year is not None:  # says which year, and is never 'confirmed'
        if finding.verdict == "pass":  # a pass on a borrowed value is no pass
            _hold(finding, "parameter_year_pass", other_year.params)
        elif finding.reason is None:
            finding.reason = other_year
        else:
            finding.hint = other_year
        finding.confidence = "secondary" if rule.confidence == "confirmed" else None
    if basis.get("shares_confidence") == "unverified" and finding.verdict == "pass":
        _hold(finding, "declared_shares", {"value": observed,
                                           "metered": basis.get("metered_ratio")})
    if basis.get("netted_bound") and finding.verdict == "pass":
        _hold(finding, "netted_bound")
    if basis.get("implausible"):
        _hold(finding, "implausible")
    if basis.get("held"):  # the file contradicts the data this figure rests on
        _hold(finding, "held", {"what": {lang: message("report.separator", lang).join(
            message(f"label.held.{code}", lang) for code in basis["held"]) for lang in LANGS}})
    return finding


# Figures the metric's basis marks as unfit to pass: the verdict each leaves, whether the score
# stands, and the hint and confidence it sets.  A later hold overrides an earlier one.
HOLDS: dict[str, dict[str, Any]] = {
    # a yearly figure from less than a year (or one RM1 the meters contradict)
    "partial_year": {"verdict": "insufficient_data"},
    # a parameter held for another year than the one assessed (a renewable weight): the value
    # of the year assessed may be higher, so clearing the older one shows nothing
    "parameter_year_pass": {"verdict": "insufficient_data"},
    # RM1 weighted by operating-hour shares the submitter declared (GB 40879 takes them from its
    # Annex B by region, which greendc does not hold): a pass rests on a declaration
    "declared_shares": {"verdict": "declared", "keeps_score": True,
                        "hint": "declared_shares_hint", "confidence": "unverified"},
    # generation netted against use over days or months: REF is an upper bound, which can fail
    # a minimum but never pass one
    "netted_bound": {"verdict": "insufficient_data"},
    # a value no data centre can have: never graded, whichever way it falls
    "implausible": {"verdict": "insufficient_data"},
    # data the file itself contradicts (a total and its meters, a totals row, sub-meters above
    # the total, a stuck meter, a copied year): which figure is right cannot be known
    "held": {"verdict": "insufficient_data"},
}


def _hold(finding: RuleFinding, code: str, params: dict[str, Any] | None = None) -> None:
    """Keep ``finding`` from grading, for the reason ``code`` of :data:`HOLDS` (in place)."""
    hold = HOLDS[code]
    finding.verdict = hold["verdict"]
    finding.reason = Text(code, params or {})
    if hold["verdict"] == "insufficient_data":  # no verdict, so no headroom to speak of
        finding.margin, finding.hint = None, None
    if not hold.get("keeps_score"):
        finding.score = None
    if "hint" in hold:
        finding.hint = Text(hold["hint"])
    if "confidence" in hold:
        finding.confidence = hold["confidence"]


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
    """Every rule of ``pack`` on one facility, and the pack's verdict, score and grade.

    Parameters
    ----------
    pack : Pack
        A loaded rule pack.
    facts : Facts
        The result's metrics, facility fields, energy totals and period.

    Returns
    -------
    PackResult
        The findings of every rule (none when the pack does not apply), the verdict (from the
        gate rules), the score of the score rules [points] and the lowest grade number passed.
    """
    stale = in_force(pack.effective_from, pack.effective_to, facts)
    holds, why = (False, stale) if stale else applies(pack.applies_when, facts)
    if holds is not True:
        return PackResult(pack, "not_applicable" if holds is False else "insufficient_data",
                          [], reason=why)
    findings = [evaluate_rule(rule, facts) for rule in pack.rules]
    gates = [f for f in findings if f.rule.kind == "gate"]
    declared = [f for f in findings if f.verdict == "declared"]
    if any(f.verdict == "fail" for f in gates):
        verdict = "fail"
    elif any(f.verdict == "insufficient_data" for f in gates):
        verdict = "insufficient_data"
    elif gates and declared:  # 'conditional' needs a gate the data passed; else all declared
        verdict = "conditional" if any(f.verdict == "pass" for f in gates) else "declared"
    elif gates and all(f.verdict == "not_applicable" for f in gates):
        verdict = "not_applicable"
    elif gates:
        verdict = "pass"
    elif findings and all(f.verdict == "not_applicable" for f in findings):
        verdict = "not_applicable"  # advisory context none of which concerns this site
    else:
        verdict = "advisory"
    scored = [f for f in findings if f.rule.kind == "score" and f.verdict != "not_applicable"]
    # A score exists only when every scored rule has a verdict: an unverdicted rule is not 0.
    complete = scored and all(f.score is not None for f in scored)
    score = sum(f.score for f in scored) if complete else None
    max_score = sum(_max_points(f.rule) or 0.0 for f in scored) if complete else None
    grades = [f.rule.grade for f in findings if f.rule.kind == "grade" and f.verdict == "pass"]
    graded = [f for f in findings if f.rule.kind == "grade"]
    grade = min(grades) if grades else None
    if graded and any(f.verdict == "insufficient_data" for f in graded):
        grade = None
    return PackResult(pack, verdict, findings, score=score, max_score=max_score, grade=grade)
