"""The batch overview page (``index.html``): counts, the PUE distribution, every report."""

from __future__ import annotations

from collections import Counter
from typing import Any

from markupsafe import Markup, escape

from greendc.criteria.loading import load_pack
from greendc.criteria.thresholds import pack_limits
from greendc.errors import GreenDCError
from greendc.reference.messages import message
from greendc.report import charts
from greendc.report.html import environment, stylesheet


def _limits(pack_ids: list[str]) -> list[tuple[float, str]]:
    """PUE limits of the packs checked in the batch (a user's pack file may since be gone)."""
    packs = []
    for pack_id in pack_ids:
        try:
            packs.append(load_pack(pack_id))
        except GreenDCError:
            continue
    return pack_limits(packs)


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
    records = result.records
    verdicts = {p: Counter(r["verdicts"].get(p, "—") for r in records if r["status"] == "valid")
                for p in packs}
    cities = Counter((r["city"] or "—") for r in records if r["status"] == "valid")
    values = [r["pue"] for r in records if r["pue"] is not None]

    def t(key: str, **values: Any) -> str:
        return message(f"overview.{key}", lang, **values)

    env = environment(None)
    return env.get_template("index.html.j2").render(
        t=t, lang_attr=message("report.lang_attr", lang), records=records, packs=packs,
        verdicts=verdicts, cities=cities, histogram=histogram(values, _limits(packs), lang),
        total=len(records), valid=result.valid, invalid=result.invalid, css=Markup(stylesheet()),
        verdict_text=lambda v: message(f"verdict.{v}", lang) if v in (
            "pass", "fail", "not_applicable", "insufficient_data", "conditional",
            "advisory") else v)
