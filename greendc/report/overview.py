"""The batch overview page (``index.html``): counts, the PUE distribution, every report."""

from __future__ import annotations

from collections import Counter
from typing import Any

from markupsafe import Markup, escape

from greendc.criteria.loading import load_pack
from greendc.criteria.thresholds import pack_limits
from greendc.errors import GreenDCError
from greendc.reference.messages import message, messages
from greendc.reference.places import place_key
from greendc.report import charts, views
from greendc.report.html import environment, stylesheet


def _limits(pack_ids: list[str], records: list[dict[str, Any]]) -> list[tuple[float, str]]:
    """PUE limits some facility of the batch was judged against, each with every pack that
    judged by it; for records of older runs, without them, the limits the packs state (a
    user's pack file may since be gone)."""
    judged: dict[float, list[str]] = {}
    for record in records:
        for value, pack in record.get("limits") or []:
            if pack not in judged.setdefault(float(value), []):
                judged[float(value)].append(pack)
    if any("limits" in r for r in records):
        return [(value, f"{value:g} {', '.join(packs)}") for value, packs in sorted(judged.items())]
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
                               chart_id="pue-histogram", min_step=1)
    marks = " · ".join(f"{label}" for _, label in thresholds)
    return Markup(bars + Markup('<p class="note">') + escape(marks) + Markup("</p>"))


def render_index(result, packs: list[str], lang: str) -> str:
    """The overview page of a batch result.

    Parameters
    ----------
    result : the :class:`~greendc.batch.run.BatchResult` (its records are plain dictionaries)
    packs : ids of the packs checked anywhere in the batch
    lang : ``zh`` or ``en``

    Returns
    -------
    str
        The page's HTML.
    """
    records = result.records
    verdicts = {p: Counter(r["verdicts"].get(p, "not_checked") for r in records
                           if r["status"] == "valid") for p in packs}
    spelled: dict[str | None, str] = {}  # 保定 and 保定市 are one city, shown as first written
    for r in records:
        if r["status"] == "valid":
            spelled.setdefault(place_key(r["city"]), r["city"] or message("overview.no_city", lang))
    cities = Counter(spelled[place_key(r["city"])] for r in records if r["status"] == "valid")
    values = [r["pue"] for r in records if r["pue"] is not None]

    def t(key: str, **values: Any) -> str:
        return message(f"overview.{key}", lang, **values)

    def problems(record: dict[str, Any]) -> list[Markup]:
        items = record["top_findings"] if record["status"] == "valid" else record["errors"]
        return [_problem(p, lang) for p in items] + [
            Markup(escape(flag_text(f, lang))) for f in record.get("flags", [])]

    env = environment(None)
    return env.get_template("index.html.j2").render(
        t=t, lang_attr=message("report.lang_attr", lang), records=records, packs=packs,
        verdicts=verdicts, cities=cities,
        histogram=histogram(values, _limits(packs, records), lang),
        total=len(records), valid=result.valid, invalid=result.invalid, css=Markup(stylesheet()),
        pack_titles={p: _title(p, lang) for p in packs}, problems=problems,
        status_text=lambda s: message(f"label.status.{s}", lang),
        held_text=lambda basis: views.qualifiers(basis or {}, lang, short=True),
        verdict_text=lambda v: message(f"verdict.{v or 'not_checked'}", lang))


def _problem(problem: dict[str, Any] | str, lang: str) -> Markup:
    """A stored finding or error with its place; what the submission wrote is marked as data."""
    if isinstance(problem, str):  # a record from an older registry
        return Markup(escape(problem))
    place = problem.get("place")
    where = views.place_html(place, lang) if isinstance(place, dict) else Markup(
        escape(place or ""))
    text = (views.message_html(problem["code"], problem["params"], lang, problem["message"])
            if problem.get("params") is not None and f"finding.{problem['code']}" in messages()
            else Markup(escape(problem["message"])))
    return Markup("{}: {}").format(where, text) if where else text


def flag_text(flag: dict[str, Any], lang: str) -> str:
    """A batch's flag in words of ``lang``: a provisional PUE (``{"kind", "code", "params"}``),
    a held one (``{"kind", "basis"}``) or a duplicate (``{"kind", "names"}``)."""
    if flag["kind"] == "provisional":
        why = message(f"reason.{flag['code']}", lang, **flag["params"]) if flag.get("code") else ""
        return message("batch_files.flag_provisional", lang, reason=why)
    if flag["kind"] == "held":
        return message("batch_files.flag_held", lang, what=message("report.separator", lang).join(
            views.qualifiers(flag["basis"], lang, short=True)))
    return message(f"batch_files.flag_{flag['kind']}", lang, names=", ".join(flag["names"]))


def _title(pack_id: str, lang: str) -> str:
    try:
        return load_pack(pack_id).title(lang)
    except GreenDCError:  # a user's pack file from an earlier run may be gone
        return pack_id
