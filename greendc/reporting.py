"""Render an :class:`~greendc.assessment.Assessment` as a self-contained HTML report.

The report is built from the assessment's JSON dictionary (so the HTML never shows a figure the
JSON does not carry) with jinja2 templates from ``templates/`` (autoescaped, strict undefined),
inline CSS and inline SVG charts: no script, font, image or style from the network.  Text in
both languages comes from the message catalogue.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from greendc import charts
from greendc.assessment import Assessment, energy_key
from greendc.reference import columns, fields, message

LANGS = ("zh", "en")
KINDS = {"full": "report.html.j2", "eligibility": "eligibility.html.j2"}


@cache
def _environment(template_dir: str | None) -> jinja2.Environment:
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
def _stylesheet() -> str:
    return resources.files("greendc.templates").joinpath("report.css").read_text("utf-8")


def format_number(value: Any, digits: int = 0) -> str:
    """Thousands-separated number; an em dash for missing values."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:,.{digits}f}"


def format_percent(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value * 100:.{digits}f} %"


def facility_rows(result: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, shown value) for each Facility field the submission gives, in catalogue order."""
    rows = []
    for spec in fields("facility").values():
        value = result["facility"].get(spec.name)
        if value is None:
            continue
        if spec.type == "enum":
            spellings = spec.choices[value]
            value = spellings[0] if lang == "zh" else spellings[min(1, len(spellings) - 1)]
        elif spec.type == "bool":
            value = message("report.yes" if value else "report.no", lang)
        elif spec.type in ("number", "integer"):
            value = format_number(value, 0 if spec.type == "integer" else 2)
        shown = f"{value} {spec.unit}".strip() if spec.unit and spec.type != "enum" else str(value)
        rows.append((spec.zh if lang == "zh" else spec.en, shown))
    return rows


def energy_rows(result: dict[str, Any], lang: str) -> list[tuple[str, float, str, str]]:
    """(label, amount, unit, source header) for each total in the result's ``energy``."""
    rows = []
    for column in columns().values():
        key = energy_key(column.name)
        if key in result["energy"]:
            source = result["input"]["columns"].get(column.name, {}).get("header", "")
            rows.append((column.zh if lang == "zh" else column.en, result["energy"][key],
                         column.unit or "", source))
    return rows


PERCENT_METRICS = ("it_utilisation", "rack_occupancy", "ref", "erf")


def indicator_rows(result: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """One row per metric: label, value as shown, unit and a short basis (or why it is absent)."""
    rows = []
    for name, entry in result["metrics"].items():
        value, unit, basis = entry["value"], entry["unit"], entry["basis"]
        if value is None:
            shown, unit_text = "—", ""
            note = message("report.not_available", lang, reason=entry.get("reason", ""))
        else:
            if name in PERCENT_METRICS:
                shown, unit_text = format_percent(value), ""
            elif unit in ("tce", "tCO2"):
                shown, unit_text = format_number(value, 0), unit
            else:
                shown, unit_text = format_number(value, 3), "" if unit == "1" else unit
            notes = []
            if basis.get("measurement_category"):
                notes.append(message("report.category", lang,
                                     category=basis["measurement_category"]))
            factor = basis.get("grid_factor")
            if factor:
                notes.append(message("report.factor", lang, series=factor.get("series", ""),
                                     scope=factor.get("scope", ""), year=factor.get("year", ""),
                                     value=factor["value"], unit=factor["unit"]))
            if basis.get("route"):
                notes.append(message("report.route", lang, route=basis["route"]))
            if basis.get("provisional"):
                notes.append(message("report.provisional", lang,
                                     reason=basis.get("provisional_reason", "")))
            note = "; ".join(notes) or basis.get("method", "")
        rows.append({"name": name, "label": message(f"metric.{name}", lang), "value": shown,
                     "unit": unit_text, "note": note})
    return rows


def _shown(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return message("report.yes" if value else "report.no", "en")
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, int | float) for v in value):
            return " – ".join(_shown(v, unit) for v in value)
        return ", ".join(map(str, value[:5])) + (" …" if len(value) > 5 else "")
    if isinstance(value, int | float):
        if unit == "1" and abs(value) <= 1.5 and not float(value).is_integer():
            return f"{value:.3f}"
        return format_number(value, 0 if float(value).is_integer() or abs(value) >= 100 else 2)
    return str(value)


def criteria_blocks(result: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Per pack: title, verdict, grade or score, and a row per rule, from the result's JSON."""
    blocks = []
    for pack in result["criteria"]:
        rows = []
        for f in pack["findings"]:
            evidence = [x[lang] for x in (f["reason"], f["hint"]) if x]
            if f["score"] is not None:
                evidence.append(message("report.score", lang, score=f"{f['score']:.1f}",
                                        max=f"{f['max_score']:g}"))
            if f["cost_cny"]:
                evidence.append(f"{format_number(f['cost_cny'])} CNY")
            source = "; ".join(str(v) for k, v in f["source"].items() if k != "pack")
            rows.append({"id": f["rule"], "title": f["title"][lang], "kind": f["kind"],
                         "verdict": f["verdict"],
                         "verdict_text": message(f"verdict.{f['verdict']}", lang),
                         "observed": _shown(f["observed"], f["unit"]),
                         "required": _shown(f["required"], f["unit"]),
                         "margin": _shown(f["margin"], f["unit"]) if f["margin"] is not None
                         else "—",
                         "evidence": " ".join(evidence), "source": source,
                         "confidence": f["confidence"]})
        extra = []
        if pack["grade"]:
            extra.append(message("report.grade", lang, grade=pack["grade"]))
        if pack["score"] is not None:
            extra.append(message("report.score", lang, score=f"{pack['score']:.1f}",
                                 max=f"{pack['max_score']:g}"))
        blocks.append({"id": pack["pack"], "title": pack["title"][lang],
                       "verdict": pack["verdict"],
                       "verdict_text": message(f"verdict.{pack['verdict']}", lang),
                       "extra": " · ".join(extra), "kind": pack["kind"],
                       "reason": pack["reason"][lang] if pack["reason"] else "",
                       "rows": rows})
    return blocks


def savings_view(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Rows and paragraphs of the savings section, from the result's ``savings``."""
    section = result.get("savings") or {}
    rows = []
    for m in section.get("measures", []):
        if m["kwh"] is not None:
            saving = format_number(m["kwh"])
        elif m["kwh_low"] is not None:
            saving = f"{format_number(m['kwh_low'])} – {format_number(m['kwh_high'])}"
        else:
            saving = "—"
        money = " · ".join([format_number(m.get("tce")), format_number(m.get("tco2")),
                            format_number(m.get("cny")),
                            f"{m['payback_years']:.1f} a" if m.get("payback_years") else "—"])
        details = []
        regression = m["methods"].get("regression") if isinstance(m["methods"], dict) else None
        if regression:
            stats = regression["stats"]
            details.append(message(
                "report.model_stats", lang, model=regression["model"], cv=stats["cv_rmse"],
                nmbe=stats["nmbe"], r2=stats["r2"], n=stats["n"],
                resolution=regression["ashrae14"]["resolution"],
                verdict=message("report.acceptable" if regression["ashrae14"]["acceptable"]
                                else "report.not_acceptable", lang),
                u=min(stats["fractional_uncertainty_68"], 9.99)))
        pue_method = m["methods"].get("pue_normalised") if isinstance(m["methods"], dict) \
            else None
        if pue_method and "difference_from_regression" in pue_method:
            details.append(message("report.pue_method_beside", lang,
                                   pue=pue_method["pue_baseline"], kwh=pue_method["kwh"],
                                   diff=pue_method["difference_from_regression"]))
        details += m["notes"]
        rows.append({"technology": m["technology"] or "—", "method":
                     message(f"report.method_names.{m['method']}", lang), "saving": saving,
                     "declared": format_number(m["declared_kwh"]), "money": money,
                     "flag": bool(m.get("declared_flag")), "details": details,
                     "row": m.get("row")})
    total = section.get("total") or {}
    total_text = message("report.total_savings", lang, kwh=total.get("kwh_measured") or 0,
                         low=total.get("kwh_deemed_low") or 0,
                         high=total.get("kwh_deemed_high") or 0,
                         declared=total.get("declared_kwh") or 0) if rows else ""
    paths = []
    for p in section.get("path_to_target", []):
        steps = [message("report.path_step", lang, name=s["zh"] if lang == "zh" else s["en"],
                         subsystem=s["subsystem"], low=s["effect"][0], high=s["effect"][1],
                         confidence=s["confidence"], pue_low=s["pue_after_low"],
                         pue_high=s["pue_after_high"]) for s in p["measures"]]
        paths.append({"text": message("report.path_line", lang, target=p["pue_target"],
                                      label=p["target"], now=p["pue_now"],
                                      mwh=p["kwh_to_cut"] / 1000, share=p["share_of_dc"],
                                      tce=p.get("tce") or 0, cny=format_number(p.get("cny"))),
                      "steps": steps, "reachable": p["reachable_at_high_end"]})
    return {"rows": rows, "total": total_text, "paths": paths}


def pue_thresholds(result: dict[str, Any], limit: int = 4) -> list[tuple[float, str]]:
    """PUE thresholds of the checked packs that apply to this facility, nearest first."""
    found: dict[float, str] = {}
    for pack in result["criteria"]:
        for f in pack["findings"]:
            if (f["metric"] in ("pue", "gb40879_value", "ttm_pue")
                    and f["verdict"] in ("pass", "fail") and f["operator"] in ("<=", "<")
                    and isinstance(f["required"], int | float)):
                found.setdefault(float(f["required"]), f"{f['required']:g} {pack['pack']}")
    pue = (result["metrics"].get("pue") or {}).get("value") or 0
    nearest = sorted(found.items(), key=lambda kv: abs(kv[0] - pue))[:limit]
    return sorted(nearest)


def factor_rows(result: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(what, value, source) for every factor the figures rest on."""
    rows = []
    seen = set()
    for entry in result["metrics"].values():
        basis = entry.get("basis") or {}
        for key in ("grid_factor", "coefficient"):
            factor = basis.get(key)
            if not isinstance(factor, dict):
                continue
            text = (f"{factor.get('series', factor.get('name', ''))} {factor.get('scope', '')} "
                    f"{factor.get('year', '')}").strip()
            value = f"{factor['value']} {factor['unit']}"
            if (text, value) in seen:
                continue
            seen.add((text, value))
            rows.append((text, value, f"{factor.get('source', '')} "
                                      f"({factor.get('confidence', '')})"))
    boundary = (result["metrics"].get("pue") or {}).get("basis", {}).get("boundary")
    if boundary:
        rows.append(("E_DC", boundary, "EN 50600-4-2"))
    return rows


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
    pue_chart = charts.line_chart(
        [m["month"] for m in monthly], [m["pue"] for m in monthly],
        title=t("chart_monthly_pue_title"), desc=t("chart_monthly_pue_desc"),
        chart_id="chart-monthly-pue", references=pue_thresholds(result))
    layers = [(t("layer_it"), "it_kwh", "s-it"), (t("layer_cooling"), "cooling_kwh", "s-cooling"),
              (t("layer_losses"), "power_loss_kwh", "s-losses"),
              (t("layer_other"), "other_kwh", "s-other"),
              (t("layer_unmetered"), "unmetered_kwh", "s-unmetered")]
    present = [(name, [m.get(key) for m in monthly], css) for name, key, css in layers
               if monthly and key in monthly[0]]
    if len(present) == 1:  # no sub-meters: IT and the rest of E_DC
        present.append((t("layer_non_it"), [m["dc_kwh"] - m["it_kwh"]
                                            if m["dc_kwh"] is not None else None
                                            for m in monthly], "s-unmetered"))
    energy_chart = charts.stacked_bars(
        [m["month"] for m in monthly], present, title=t("chart_breakdown_title"),
        desc=t("chart_breakdown_desc"), unit="MWh", chart_id="chart-monthly-energy",
        scale=1000)
    env = _environment(str(template_dir) if template_dir else None)
    return env.get_template(template).render(
        r=result,
        lang=lang,
        t=t,
        name=assessment.facility_name,
        facility_rows=facility_rows(result, lang),
        energy_rows=energy_rows(result, lang),
        indicator_rows=indicator_rows(result, lang),
        criteria=criteria_blocks(result, lang),
        savings=savings_view(result, lang),
        findings=assessment.findings,
        pue_chart=pue_chart,
        energy_chart=energy_chart,
        factors=factor_rows(result, lang),
        # our own stylesheet, inlined as is: escaping would break quoted CSS selectors
        css=Markup(_stylesheet()),
    )


def write_html(assessment: Assessment, path: str | Path, lang: str = "zh",
               template_dir: str | Path | None = None, kind: str = "full",
               result: dict[str, Any] | None = None) -> Path:
    path = Path(path)
    path.write_text(render_html(assessment, lang, template_dir, kind, result), encoding="utf-8")
    return path
