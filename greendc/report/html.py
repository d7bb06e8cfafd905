"""Render an :class:`~greendc.assessment.Assessment` as a self-contained HTML report.

The report is built from the assessment's JSON dictionary (so the HTML never shows a figure the
JSON does not carry) with jinja2 templates from ``templates/`` (autoescaped, strict undefined),
inline CSS and inline SVG charts: no script, font, image or style from the network.  Text in
both languages comes from the message catalogue.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from greendc.assessment import Assessment
from greendc.criteria.thresholds import judged_limits
from greendc.reference.messages import LANGS, message
from greendc.report import charts, views
from greendc.report.formatting import format_number, format_percent
from greendc.report.savings import savings_view

KINDS = {"full": "report.html.j2", "eligibility": "eligibility.html.j2"}


@cache
def environment(template_dir: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if template_dir:
        loaders.append(jinja2.FileSystemLoader(template_dir))
    loaders.append(jinja2.FileSystemLoader(str(resources.files("greendc.templates"))))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = format_number
    env.filters["pct"] = format_percent
    return env


@cache
def stylesheet() -> str:
    return resources.files("greendc.templates").joinpath("report.css").read_text("utf-8")


def render_html(assessment: Assessment, lang: str = "zh", template_dir: str | Path | None = None,
                kind: str = "full", result: dict[str, Any] | None = None) -> str:
    """The HTML report of ``assessment`` in ``lang`` (``zh`` or ``en``).

    ``kind`` is ``full`` (the assessment report) or ``eligibility`` (per rule pack: gates,
    scores and verdict on one page, with a reviewer's signature block).  ``result`` is
    ``assessment.to_dict()`` when the caller already has it.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    template = KINDS[kind]
    result = result if result is not None else assessment.to_dict()

    def t(key: str, **values: Any) -> str:
        return message(f"report.{key}", lang, **values)

    monthly = result["monthly"]
    pue = (result["metrics"].get("pue") or {}).get("value") or 0
    pue_chart = charts.line_chart(
        [m["month"] for m in monthly], [m["pue"] for m in monthly],
        title=t("chart_monthly_pue_title"), desc=t("chart_monthly_pue_desc"),
        chart_id="chart-monthly-pue", references=judged_limits(result["criteria"], pue))
    layers = [(t("layer_it"), "it_kwh", "s-it"), (t("layer_cooling"), "cooling_kwh", "s-cooling"),
              (t("layer_losses"), "power_loss_kwh", "s-losses"),
              (t("layer_other"), "other_kwh", "s-other"),
              (t("layer_unmetered"), "unmetered_kwh", "s-unmetered")]
    present = [(name, [m.get(key) for m in monthly], css) for name, key, css in layers
               if monthly and key in monthly[0]]
    if len(present) == 1:  # no sub-meters: IT and the rest of E_DC
        present.append((t("layer_non_it"), [m["non_it_kwh"] for m in monthly], "s-unmetered"))
    energy_chart = charts.stacked_bars(
        [m["month"] for m in monthly], present, title=t("chart_breakdown_title"),
        desc=t("chart_breakdown_desc"), unit="MWh", chart_id="chart-monthly-energy",
        scale=1000)
    env = environment(str(template_dir) if template_dir else None)
    return env.get_template(template).render(
        r=result,
        lang=lang,
        t=t,
        name=assessment.facility_name,
        facility_rows=views.facility_rows(result, lang),
        energy_rows=views.energy_rows(result, lang),
        indicator_rows=views.indicator_rows(result, lang),
        criteria=views.criteria_blocks(result, lang),
        savings=savings_view(result, lang),
        findings=views.finding_rows(result, lang),
        pue_chart=pue_chart,
        energy_chart=energy_chart,
        factors=views.factor_rows(result, lang),
        co2_heading=views.co2_heading(result, lang),
        no_criteria=views.no_criteria(result, lang),
        provisional_reason=views.provisional_text(result["metrics"].get("pue", {}).get(
            "basis", {}), lang),
        pue_qualifiers=views.qualifiers(result["metrics"].get("pue", {}).get("basis", {}), lang),
        co2_qualifiers=views.qualifiers(result["metrics"].get("co2_t", {}).get("basis", {}),
                                        lang),
        category_source=views.category_source(result, lang),
        gb40879_confidence=views.label("confidence", result["metrics"].get(
            "gb40879_value", {}).get("basis", {}).get("confidence"), lang),
        # our own stylesheet, inlined as is: escaping would break quoted CSS selectors
        css=Markup(stylesheet()),
    )


def write_html(assessment: Assessment, path: str | Path, lang: str = "zh",
               template_dir: str | Path | None = None, kind: str = "full",
               result: dict[str, Any] | None = None) -> Path:
    path = Path(path)
    path.write_text(render_html(assessment, lang, template_dir, kind, result), encoding="utf-8")
    return path
