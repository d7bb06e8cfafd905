"""Views: the rows and paragraphs of a report, formatted from the result's JSON form.

Each function takes the result dictionary (:meth:`~greendc.assessment.Assessment.to_dict`) and a
language and returns what a template shows; none computes a figure the result does not hold.
"""

from __future__ import annotations

from typing import Any

from greendc.assessment import energy_key
from greendc.findings import Place
from greendc.reference.columns import columns as column_roles
from greendc.reference.columns import fields
from greendc.reference.messages import message
from greendc.report.formatting import format_number, format_percent


def finding_rows(result: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Every finding of the result (errors first), with its place and message in ``lang``."""
    return [{"severity": f["severity"], "place": Place.from_dict(f["place"]).describe(lang),
             "message": f["message"][lang]} for f in result["errors"] + result["findings"]]


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
    for column in column_roles().values():
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


