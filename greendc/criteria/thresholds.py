"""PUE limits in the criteria: the one place that decides which rules state a PUE threshold.

A rule states a PUE limit when it tests a ratio of E_DC to E_IT (:data:`PUE_LIKE`) with ``<=``
or ``<`` against a number.  The path to target, the report's trend chart and the batch
overview's histogram all take their thresholds from here.
"""

from __future__ import annotations

from typing import Any

# Metrics that are ratios of E_DC to E_IT: a failed threshold becomes an energy-cut hint.
PUE_LIKE = ("pue", "ttm_pue", "gb40879_value")
LIMIT_KINDS = ("gate", "grade")  # rules whose threshold a facility must meet


def is_pue_limit(metric: str | None, operator: str | None, threshold: Any) -> bool:
    """Whether a rule testing ``metric operator threshold`` states an upper PUE limit.

    Parameters
    ----------
    metric : the rule's metric name
    operator : the rule's operator
    threshold : the rule's threshold (or the finding's required value)

    Returns
    -------
    bool
    """
    return (metric in PUE_LIKE and operator in ("<=", "<")
            and isinstance(threshold, int | float) and not isinstance(threshold, bool))


def failed_targets(results: list[Any]) -> list[dict[str, Any]]:
    """The PUE limits a facility failed (gates and grades), lowest first, one per value.

    Parameters
    ----------
    results : :class:`~greendc.criteria.evaluate.PackResult` objects of one assessment

    Returns
    -------
    list of dict
        ``{"pue": limit, "label": "pack/rule"}``, the first rule stating each value.
    """
    targets: dict[float, str] = {}
    for pack in results:
        for finding in pack.findings:
            rule = finding.rule
            if (finding.verdict == "fail" and rule.kind in LIMIT_KINDS
                    and is_pue_limit(rule.metric, rule.operator, finding.required)):
                targets.setdefault(float(finding.required), f"{pack.pack.id}/{rule.id}")
    return [{"pue": value, "label": label} for value, label in sorted(targets.items())]


def judged_limits(criteria: list[dict[str, Any]], pue: float,
                  limit: int = 4) -> list[tuple[float, str]]:
    """The PUE limits a facility was judged against, the ``limit`` nearest its PUE.

    Parameters
    ----------
    criteria : the result's ``criteria`` section (JSON form)
    pue : the facility's PUE [-]
    limit : how many to keep

    Returns
    -------
    list of (threshold, label)
        In ascending order, labelled ``"1.25 pack-id"``.
    """
    found: dict[float, str] = {}
    for value, pack in judged_pairs(criteria):
        found.setdefault(value, f"{value:g} {pack}")
    nearest = sorted(found.items(), key=lambda kv: abs(kv[0] - pue))[:limit]
    return sorted(nearest)


def judged_pairs(criteria: list[dict[str, Any]]) -> list[tuple[float, str]]:
    """Every (PUE limit, pack id) a facility was judged against (a pass or a fail).

    Parameters
    ----------
    criteria : the result's ``criteria`` section (JSON form)

    Returns
    -------
    list of (threshold, pack id)
        In the order of the packs and their rules, each pair once.
    """
    pairs: list[tuple[float, str]] = []
    for pack in criteria:
        for f in pack["findings"]:
            if f["verdict"] in ("pass", "fail") and is_pue_limit(f["metric"], f["operator"],
                                                                 f["required"]):
                pair = (float(f["required"]), pack["pack"])
                if pair not in pairs:
                    pairs.append(pair)
    return pairs


def pack_limits(packs: list[Any]) -> list[tuple[float, str]]:
    """The PUE limits (gates and grades) that the given packs state, ascending.

    Parameters
    ----------
    packs : :class:`~greendc.criteria.loading.Pack` objects

    Returns
    -------
    list of (threshold, label)
        Labelled ``"1.25 pack-id"``, the first pack stating each value.
    """
    found: dict[float, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.kind in LIMIT_KINDS and is_pue_limit(rule.metric, rule.operator,
                                                         rule.threshold):
                found.setdefault(float(rule.threshold), f"{rule.threshold:g} {pack.id}")
    return sorted(found.items())
