"""What a rule reads: the facility's facts, its threshold (a dated parameter where the rule
names one) and the observed value with its basis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from greendc.criteria.loading import Rule
from greendc.criteria.words import Text, field_words, metric_words
from greendc.reference.loading import load_toml
from greendc.reference.messages import LANGS, stored_reason
from greendc.reference.places import locate, place_key


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
        region, _ = locate(self.facility.get("province"))
        return "CN" if region else None

    def field(self, name: str) -> Any:
        if name == "country":
            return self.country()
        if name == "province":
            _, scope = locate(self.facility.get("province"))
            return scope or place_key(self.facility.get("province"))
        if name == "city":
            return place_key(self.facility.get("city"))
        return self.facility.get(name)


def threshold(rule: Rule, facts: Facts) -> tuple[Any, Text | None]:
    """The value a rule compares with: its threshold, or its dated parameter's value.

    Parameters
    ----------
    rule : the rule
    facts : the facility's facts (province and assessed year choose a parameter's value)

    Returns
    -------
    tuple
        (threshold, None), or (None, why) when the parameter has no value for the province.
        A parameter takes its latest value not after the assessed year.
    """
    if rule.parameter is None:
        return rule.threshold, None
    spec, chosen = _parameter(rule.parameter, facts)
    if chosen is None:
        return None, Text("no_parameter", {"parameter": {"en": spec["title_en"],
                                                         "zh": spec["title_zh"]},
                                           "province": facts.facility.get("province") or "?"})
    return chosen["value"], None


def _parameter(name: str, facts: Facts) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A parameter's table and the value it takes for the facility: the latest one not after
    the assessed year for the facility's province (the latest of all when every one is later)."""
    spec = load_toml("parameters.toml")[name]
    _, scope = locate(facts.facility.get("province"))
    values = [v for v in spec["values"] if v["scope"] == scope]
    if not values:
        return spec, None
    dated = [v for v in values if v["year"] <= facts.year] or values
    return spec, max(dated, key=lambda v: v["year"])


def parameter_year(rule: Rule, facts: Facts) -> Text | None:
    """What to say when a rule's parameter is another year's value than the assessed year's.

    Parameters
    ----------
    rule : the rule
    facts : the facility's facts

    Returns
    -------
    Text or None
        Names the year used and the year assessed; None when they agree or there is none.
    """
    if rule.parameter is None:
        return None
    spec, chosen = _parameter(rule.parameter, facts)
    if chosen is None or chosen["year"] == facts.year:
        return None
    used = chosen["year"]
    return Text("parameter_year", {"parameter": {"en": spec["title_en"], "zh": spec["title_zh"]},
                                   "used": used, "assessed": facts.year})


def observed(rule: Rule, facts: Facts) -> tuple[Any, dict[str, Any], Text | None]:
    """The value a rule tests, its basis, and why it is missing when it is.

    Parameters
    ----------
    rule : the rule (its ``metric``: a metric of the result or a Facility field)
    facts : the facility's facts

    Returns
    -------
    tuple
        (value, the metric's basis, None), or (None, basis, why) when it is missing.
    """
    assert rule.metric is not None
    if rule.metric in facts.metrics:
        entry = facts.metrics[rule.metric]
        if entry["value"] is None:
            reason = {lang: stored_reason(entry, "reason", "reason_code", lang)
                      for lang in LANGS}
            return None, entry["basis"], Text("metric_missing", {
                "metric": metric_words(rule.metric), "reason": reason})
        return entry["value"], entry["basis"], None
    value = facts.field(rule.metric)
    if value is None:
        return None, {}, Text("field_missing", {"field": field_words(rule.metric)})
    return value, {}, None
