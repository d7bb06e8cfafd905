"""Views: the rows and paragraphs of a report, formatted from the result's JSON form.

Each function takes the result dictionary (:meth:`~greendc.assessment.Assessment.to_dict`) and a
language and returns what a template shows; none computes a figure the result does not hold.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from greendc.assessment import energy_key
from greendc.findings import Place
from greendc.reference.columns import columns as column_roles
from greendc.reference.columns import fields
from greendc.reference.factors import fuels as fuel_table
from greendc.reference.factors import grid_series
from greendc.reference.messages import message, messages, stored_reason
from greendc.reference.places import country_name
from greendc.report.formatting import format_number, format_percent

# Finding parameters that name one of greendc's own values: shown through their labels.
LABELLED_PARAMS = {"method": "method"}
# The grid factor's scope when no province (or none the series covers) chose a local one.
NATIONAL_SCOPE = "national"


def metric_label(name: str, entry: dict[str, Any], lang: str) -> str:
    """A metric's name in ``lang``; a location-based CO2 figure computed with China's national
    average factor says so (``metric_national.<name>``) instead of claiming the site's grid."""
    factor = (entry.get("basis") or {}).get("grid_factor") or {}
    national = f"metric_national.{name}"
    if factor.get("scope") == NATIONAL_SCOPE and national in messages():
        return message(national, lang)
    return message(f"metric.{name}", lang)


def co2_heading(result: dict[str, Any], lang: str) -> str:
    """The heading of the report's CO2 figure: location-based, or by the national factor."""
    factor = (result["metrics"].get("co2_t") or {}).get("basis", {}).get("grid_factor") or {}
    national = factor.get("scope") == NATIONAL_SCOPE
    return message("report.co2_national" if national else "report.co2", lang)


def no_criteria(result: dict[str, Any], lang: str) -> str:
    """Why no rule pack was checked: no location to choose by, or none built in for it."""
    country = str(result["facility"].get("country") or "").strip()
    if country:
        return message("report.no_criteria_country", lang, country=country_name(country, lang))
    return message("report.no_criteria", lang)


def data_html(value: Any) -> Markup:
    """A value the user wrote, escaped and marked as data (``<span class="data">``)."""
    return Markup('<span class="data">{}</span>').format(value)


def place_html(place: dict[str, Any], lang: str) -> Markup:
    """A finding's place in words of ``lang``, with sheet and column names marked as data."""
    marked = {k: (data_html(v) if k in ("sheet", "column") and v else v)
              for k, v in place.items()}
    return Markup(Place.from_dict(marked).describe(lang))


def message_html(code: str, params: dict[str, Any], lang: str,
                 fallback: str = "") -> Markup:
    """A finding's message in ``lang``, its values escaped; text values are data.

    ``fallback`` (the message as the result stored it) is shown when a value no longer fits
    the message, e.g. a number the JSON form turned into null.
    """
    shown = {}
    for key, value in params.items():
        if key in LABELLED_PARAMS:
            shown[key] = label(LABELLED_PARAMS[key], value, lang)
        elif isinstance(value, str):
            shown[key] = data_html(value)
        else:
            shown[key] = value
    try:
        return Markup(message(f"finding.{code}", lang, **shown))
    except (TypeError, ValueError, KeyError):
        return Markup(escape(fallback))


def finding_rows(result: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Every finding of the result (errors first), with its place and message in ``lang``."""
    return [{"severity": f["severity"], "place": place_html(f["place"], lang),
             "message": message_html(f["code"], f["params"], lang, f["message"][lang])}
            for f in result["errors"] + result["findings"]]


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
        elif spec.type == "country":
            value = country_name(value, lang)
        unit = label("unit", spec.unit, lang)
        shown = f"{value} {unit}".strip() if spec.unit and spec.type != "enum" else str(value)
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
    if "facility_all_periods_kwh" in result["energy"]:  # the year's use, as tce and CO2 count it
        rows.insert(1, (message("report.facility_all_periods", lang,
                                n=result["energy"]["periods_without_it"]),
                        result["energy"]["facility_all_periods_kwh"], "kWh",
                        rows[0][3] if rows else ""))
    return rows


PERCENT_METRICS = ("it_utilisation", "rack_occupancy", "ref", "erf")


def indicator_rows(result: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """One row per metric: label, value as shown, unit and a short basis (or why it is absent)."""
    rows = []
    for name, entry in result["metrics"].items():
        value, unit, basis = entry["value"], entry["unit"], entry["basis"]
        if value is None:
            shown, unit_text = "—", ""
            note = message("report.not_available", lang, reason=reason_text(entry, lang))
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
                notes.append(message("report.factor", lang, series=series_title(factor, lang),
                                     scope=scope_label(factor.get("scope"), lang),
                                     year=factor.get("year", ""), value=factor["value"],
                                     unit=factor["unit"]))
            if basis.get("route"):
                notes.append(message("report.route", lang, route=basis["route"]))
            if basis.get("provisional"):
                notes.append(message("report.provisional", lang,
                                     reason=provisional_text(basis, lang)))
            notes += qualifiers(basis, lang)
            note = message("report.separator", lang).join(notes) or _method(name, basis, lang)
        rows.append({"name": name, "label": metric_label(name, entry, lang), "value": shown,
                     "unit": unit_text, "note": note})
    return rows


# What a figure's basis may say it is not, each worded by :func:`qualifiers`.
QUALIFYING = ("netted_bound", "implausible", "held")


def qualifiers(basis: dict[str, Any], lang: str, short: bool = False) -> list[str]:
    """What a figure is not, in words: a bound of a netted figure, an implausible value
    (``short``: a few words, for the command line)."""
    tail = "_short" if short else ""
    out = []
    if basis.get("netted_bound") in ("upper", "lower"):
        out.append(message(f"report.bound_{basis['netted_bound']}{tail}", lang))
    if basis.get("implausible"):
        out.append(message(f"report.implausible_note{tail}", lang))
    if basis.get("held"):
        out.append(message(f"report.held_note{tail}", lang, what=message(
            "report.separator", lang).join(message(f"label.held.{c}", lang)
                                           for c in basis["held"])))
    return out


def label(kind: str, value: Any, lang: str) -> str:
    """The words for an enumeration's value (``label.<kind>.<value>``), or the value itself."""
    key = f"label.{kind}.{value}"
    return message(key, lang) if key in messages() else str(value)


def reason_text(entry: dict[str, Any], lang: str) -> str:
    """Why a metric is missing, in ``lang``."""
    return stored_reason(entry, "reason", "reason_code", lang)


def provisional_text(basis: dict[str, Any], lang: str) -> str:
    """Why an annual figure is provisional, in ``lang``."""
    return stored_reason(basis, "provisional_reason", "provisional_code", lang)


def category_source(result: dict[str, Any], lang: str) -> str:
    """Where the PUE measurement category came from, in ``lang``."""
    basis = (result["metrics"].get("pue") or {}).get("basis") or {}
    return stored_reason(basis, "measurement_category_source",
                         "measurement_category_source_code", lang)


def series_title(factor: dict[str, Any], lang: str) -> str:
    """A factor series' title in ``lang`` (the series id for a user's own value)."""
    series = grid_series().get(factor.get("series", ""))
    if series is None:
        return label("series", factor.get("series", ""), lang)
    return series["title_zh"] if lang == "zh" else series["title_en"]


def scope_label(scope: str | None, lang: str) -> str:
    """A factor's scope (``north_china``, ``hebei`` ...) in words."""
    return label("scope", scope, lang) if scope else ""


def _method(name: str, basis: dict[str, Any], lang: str) -> str:
    key = f"basis.{name}"
    return message(key, lang) if key in messages() else basis.get("method", "")


def _shown(value: Any, unit: str, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return message("report.yes" if value else "report.no", lang)
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, int | float) for v in value):
            return " – ".join(_shown(v, unit, lang) for v in value)
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
            if f["score"] is not None and f["kind"] == "advisory":  # no points in the source
                evidence.append(message("report.share_of_full", lang,
                                        share=f["score"] / f["max_score"]))
            elif f["score"] is not None:
                evidence.append(message("report.score", lang, score=f"{f['score']:.1f}",
                                        max=f"{f['max_score']:g}"))
            if f["cost_cny"]:
                evidence.append(message("report.cny", lang, cny=format_number(f["cost_cny"])))
            source = "; ".join(str(v) for k, v in f["source"].items() if k != "pack")
            if f["source"].get("pack") and f["source"]["pack"] != pack["pack"]:
                # an included rule: its own pack set it, not the including profile
                source = message("report.included_from", lang, pack=f["source"]["pack"],
                                 source=source)
            rows.append({"id": f["rule"], "title": f["title"][lang],
                         "kind": message(f"label.kind.{f['kind']}", lang),
                         "verdict": f["verdict"],
                         "verdict_text": message(f"verdict.{f['verdict']}", lang),
                         "observed": _shown(f["observed"], f["unit"], lang),
                         "required": _shown(f["required"], f["unit"], lang),
                         "margin": _shown(f["margin"], f["unit"], lang) if f["margin"] is not None
                         else "—",
                         "evidence": message("report.evidence_separator", lang).join(evidence),
                         "source": source,
                         "confidence": label("confidence", f["confidence"], lang)})
        extra = []
        if pack["grade"]:
            extra.append(message("report.grade", lang, grade=pack["grade"]))
        if pack["score"] is not None:
            extra.append(message("report.score", lang, score=f"{pack['score']:.1f}",
                                 max=f"{pack['max_score']:g}"))
        blocks.append({"id": pack["pack"], "title": pack["title"][lang],
                       "verdict": pack["verdict"],
                       "verdict_text": message(f"verdict.{pack['verdict']}", lang),
                       "extra": " · ".join(extra),
                       "kind": label("pack_kind", pack["kind"], lang),
                       "reason": pack["reason"][lang] if pack["reason"] else "",
                       "rows": rows})
    return blocks


def factor_rows(result: dict[str, Any], lang: str) -> list[tuple[str, str, str, str]]:
    """(what, value, source, confidence) for every factor the figures rest on; the source is a
    citation, shown as written."""
    rows = []
    seen = set()
    for entry in result["metrics"].values():
        basis = entry.get("basis") or {}
        for key in ("grid_factor", "coefficient"):
            factor = basis.get(key)
            if not isinstance(factor, dict):
                continue
            if factor.get("series"):
                text = " ".join(str(x) for x in (series_title(factor, lang),
                                                 scope_label(factor.get("scope"), lang),
                                                 factor.get("year", "")) if x)
            else:
                text = label("factor", factor.get("name", ""), lang)
            value = f"{factor['value']} {factor['unit']}"
            if (text, value) in seen:
                continue
            seen.add((text, value))
            source = (factor.get("source_zh") if lang == "zh" else None) or factor.get("source", "")
            rows.append((text, value, source,
                         label("confidence", factor.get("confidence", ""), lang)))
    if "pue" in result["metrics"]:
        fuels = [c for c in fuel_table() if c in result["energy"]]
        parts = [message("report.boundary_electricity", lang)] + [
            message("report.boundary_fuel", lang, fuel=column_roles()[c].zh if lang == "zh"
                    else column_roles()[c].en, kwh=fuel_table()[c]["kwh_per_unit"],
                    unit=fuel_table()[c]["unit"]) for c in fuels]
        rows.append(("E_DC", " + ".join(parts), "EN 50600-4-2", ""))
    return rows
