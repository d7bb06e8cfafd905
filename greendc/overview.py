"""The batch overview page (``index.html``): counts, the PUE distribution, every report."""

from __future__ import annotations

from collections import Counter
from typing import Any

from markupsafe import Markup, escape

from greendc import charts
from greendc.reference import message


def pue_thresholds(packs: list[str]) -> list[tuple[float, str]]:
    """PUE thresholds (gates and grades) of the packs checked in the batch."""
    from greendc.rules import PUE_LIKE, load_pack

    found: dict[float, str] = {}
    for pack_id in packs:
        try:
            pack = load_pack(pack_id)
        except Exception:  # a user's pack path from an earlier run may be gone
            continue
        for rule in pack.rules:
            if (rule.metric in PUE_LIKE and rule.kind in ("gate", "grade")
                    and rule.operator in ("<=", "<") and isinstance(rule.threshold, int | float)):
                found.setdefault(float(rule.threshold), f"{rule.threshold:g} {pack.id}")
    return sorted(found.items())


def histogram(values: list[float], thresholds: list[tuple[float, str]], lang: str) -> Markup:
    """Counts of facilities per PUE band of 0.05, as bars, with the thresholds marked."""
    if not values:
        return Markup("")
    low = min(1.0, min(values))
    edges = [round(low + 0.05 * i, 2) for i in range(int((max(values) - low) / 0.05) + 2)]
    counts = [sum(a <= v < a + 0.05 for v in values) for a in edges]
    labels = [f"{a:.2f}" for a in edges]
    bars = charts.stacked_bars(labels, [(message("overview.facilities", lang), counts, "s-it")],
                               title=message("overview.distribution", lang),
                               desc=message("overview.distribution_desc", lang), unit="n",
                               chart_id="pue-histogram")
    marks = " · ".join(f"{label}" for _, label in thresholds)
    return Markup(bars + Markup('<p class="note">') + escape(marks) + Markup("</p>"))


def render_index(result, packs: list[str], lang: str) -> str:
    """The overview page of a batch result."""
    from greendc.reporting import _environment, _stylesheet

    records = result.records
    verdicts = {p: Counter(r["verdicts"].get(p, "—") for r in records if r["status"] == "valid")
                for p in packs}
    cities = Counter((r["city"] or "—") for r in records if r["status"] == "valid")
    values = [r["pue"] for r in records if r["pue"] is not None]

    def t(key: str, **values: Any) -> str:
        return message(f"overview.{key}", lang, **values)

    env = _environment(None)
    return env.get_template("index.html.j2").render(
        t=t, lang_attr=message("report.lang_attr", lang), records=records, packs=packs,
        verdicts=verdicts, cities=cities, histogram=histogram(values, pue_thresholds(packs), lang),
        total=len(records), valid=result.valid, invalid=result.invalid, css=Markup(_stylesheet()),
        verdict_text=lambda v: message(f"verdict.{v}", lang) if v in (
            "pass", "fail", "not_applicable", "insufficient_data", "conditional",
            "advisory") else v)
