"""The savings section of a report: each measure's figure, its uncertainty, method, acceptance
and the reason for the choice, from the result's ``savings``."""

from __future__ import annotations

from typing import Any

from greendc.reference.messages import message
from greendc.reference.settings import setting
from greendc.report.formatting import distinct_percents, format_number
from greendc.report.views import label


def _share(fraction: float | None, lang: str) -> str:
    if fraction is None:
        return message("report.uncertainty_no_share", lang)
    return f"±{fraction:,.0%}"


def uncertainty_text(spread: dict[str, Any] | None, lang: str) -> str:
    """One sentence: the figure's uncertainty at 68 % and 90 %, or why there is none."""
    if not spread:
        return ""
    if "reason" in spread:
        return ""  # the choice sentence says why (deemed, declared, not a saving)
    if spread.get("kwh_68") is None:
        return ""
    line = message("report.uncertainty_line", lang, kwh68=spread["kwh_68"],
                   kwh90=spread["kwh_90"], f68=_share(spread.get("fraction_68"), lang),
                   f90=_share(spread.get("fraction_90"), lang), n=spread["n"], m=spread["m"],
                   neff=spread["effective_n"], cv=spread["cv_rmse"])
    factor = spread.get("extrapolation_factor", 1.0)
    if factor >= setting("savings", "extrapolation_shown_min"):
        line += message("report.separator", lang) + message("report.uncertainty_extrapolated",
                                                             lang, factor=factor)
    return line


def choice_text(choice: dict[str, Any] | None, lang: str) -> str:
    """Why the measure's figure is the one shown."""
    if not choice:
        return ""
    params = {k: v for k, v in choice.items() if k != "code"}
    if choice["code"] == "all_uncertain":
        return " ".join([choice_text(choice["reason"], lang),
                         message("savings_choice.all_uncertain", lang)])
    if "checks" in params:
        params["checks"] = ("、" if lang == "zh" else ", ").join(
            label("acceptance_check", name, lang) for name in params["checks"])
    return message(f"savings_choice.{choice['code']}", lang, **params)


def _regression_lines(regression: dict[str, Any], lang: str) -> list[str]:
    stats, acceptance = regression["stats"], regression["acceptance"]
    limits = acceptance["limits"]
    lines = [message(
        "report.model_stats", lang, model=model_text(regression, lang),
        form=label("model_form", regression["form"], lang),
        resolution=label("granularity", regression["resolution"], lang),
        cv=stats["cv_rmse"], nmbe=stats["nmbe"], r2=stats["r2"], n=stats["n"],
        p=stats["parameters"], rho=stats["autocorrelation"], neff=stats["effective_n"],
        cvx=stats.get("cv_rmse_cross_validated", float("nan")),
        nmbex=stats.get("nmbe_cross_validated", float("nan"))),
        message("report.model_acceptance", lang, months=acceptance["reporting_months"],
                cv_limit=limits["cv_rmse"], nmbe_limit=limits["nmbe_held_out"],
                u_limit=limits["fraction_68"],
                verdict=message("report.acceptable" if acceptance["acceptable"]
                                else "report.not_acceptable", lang))]
    compared = regression.get("models_compared") or {}
    if "hourly" in compared:
        daily, hourly = distinct_percents(compared.get("daily"), compared["hourly"])
        lines.append(message("report.models_compared", lang, daily=daily, hourly=hourly))
    return lines


def _method_lines(m: dict[str, Any], lang: str) -> list[str]:
    """The measured methods not used, each with its figure and uncertainty, beside the one used."""
    lines = []
    for name in ("regression", "subsystem", "pue_normalised"):
        method = m["methods"].get(name)
        if name == m["method"] or not method or (method.get("uncertainty") or {}).get(
                "kwh_68") is None:
            continue
        lines.append(message("report.method_uncertainty", lang,
                             method=message(f"report.method_names.{name}", lang),
                             kwh=method["kwh"], kwh68=method["uncertainty"]["kwh_68"],
                             kwh90=method["uncertainty"]["kwh_90"]))
    return lines


def savings_view(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Rows and paragraphs of the savings section, from the result's ``savings``."""
    section = result.get("savings") or {}
    rows = []
    for m in section.get("measures", []):
        spread = m.get("uncertainty") or {}
        if m["kwh"] is not None:
            saving = format_number(m["kwh"])
            if spread.get("kwh_68") is not None:
                saving += f" ± {format_number(spread['kwh_68'])}"
        elif m["kwh_low"] is not None:
            saving = f"{format_number(m['kwh_low'])} – {format_number(m['kwh_high'])}"
        else:
            saving = "—"
        money = " · ".join([format_number(m.get("tce")), format_number(m.get("tco2")),
                            format_number(m.get("cny")),
                            f"{m['payback_years']:.1f} a" if m.get("payback_years") else "—"])
        details = [text for text in (choice_text(m.get("choice"), lang),
                                     uncertainty_text(spread, lang)) if text]
        regression = m["methods"].get("regression") if isinstance(m["methods"], dict) else None
        if regression:
            details += _regression_lines(regression, lang)
        if isinstance(m["methods"], dict):
            details += _method_lines(m, lang)
        if m.get("payback_withheld"):
            details.append(message(f"report.payback_withheld.{m['payback_withheld']}", lang))
        details += [message(f"savings_note.{n['code']}", lang, **n["params"])
                    for n in m.get("note_codes", [])] if "note_codes" in m else m["notes"]
        rows.append({"technology": m["technology"] or "—", "method":
                     message(f"report.method_names.{m['method']}", lang), "saving": saving,
                     "declared": format_number(m["declared_kwh"]), "money": money,
                     "flag": bool(m.get("declared_flag")), "details": details,
                     "row": m.get("row")})
    total = section.get("total") or {}
    total_text = _total_line(total, lang) if rows else ""
    if rows and total.get("uncertainty_kwh_68") is not None:
        total_text += " " + message("report.total_uncertainty", lang,
                                    kwh68=total["uncertainty_kwh_68"],
                                    kwh90=total["uncertainty_kwh_90"])
    if rows and total.get("uncertainty_missing"):
        total_text += " " + message("report.total_uncertainty_missing", lang,
                                    count=total["uncertainty_missing"])
    return {"rows": rows, "total": total_text, "paths": _paths(section, lang)}


def _paths(section: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    paths = []
    for p in section.get("path_to_target", []):
        steps = [message("report.path_step", lang, name=s["zh"] if lang == "zh" else s["en"],
                         subsystem=label("subsystem", s["subsystem"], lang),
                         low=s["effect"][0], high=s["effect"][1],
                         confidence=label("confidence", s["confidence"], lang),
                         pue_low=format_number(s["pue_after_low"], 3),
                         pue_high=format_number(s["pue_after_high"], 3)) for s in p["measures"]]
        paths.append({"text": message("report.path_line", lang, target=p["pue_target"],
                                      label=p["target"], now=p["pue_now"],
                                      mwh=p["kwh_to_cut"] / 1000, share=p["share_of_dc"],
                                      tce=format_number(p.get("tce")),
                                      cny=format_number(p.get("cny"))),
                      "steps": steps, "reachable": p["reachable_at_high_end"]})
    return paths


def _coefficient(value: float) -> str:
    """A coefficient to four significant figures, without an exponent for ordinary sizes."""
    return f"{value:,.0f}" if 1e4 <= value < 1e12 else f"{value:.4g}"


def model_text(regression: dict[str, Any], lang: str) -> str:
    """The regression baseline's equation in words of ``lang``."""
    if regression.get("form") == "time_of_week":
        knots = [name[len("temp_over_"):] for name in regression["terms"]
                 if name.startswith("temp_over_")]
        return message("report.model_lhs", lang) + " = " + message(
            "report.model_hourly", lang, levels=regression["time_of_week_levels"],
            it=regression["terms"]["it"], knots=", ".join(knots) or "—")
    terms = []
    for name, value in regression["terms"].items():
        feature = "" if name == "intercept" else f" × {message(f'label.feature.{name}', lang)}"
        sign = "−" if value < 0 else "+"
        terms.append(f"{sign} {_coefficient(abs(value))}{feature}")
    text = message("report.model_lhs", lang) + " = " + " ".join(terms).lstrip("+ ")
    points = regression.get("changepoints_degc") or {}
    if "heating" in points:
        text += message("report.model_heating_point", lang, t=points["heating"])
    if points.get("cooling", regression.get("changepoint_degc")) is not None:
        text += message("report.model_changepoint", lang,
                        t=points.get("cooling", regression.get("changepoint_degc")) + 0.0)
    return text


def _total_line(total: dict, lang: str) -> str:
    """The measured, deemed and declared totals, each only when there is one (never "0 - 0")."""
    parts = [message("report.total_measured", lang, kwh=total["kwh_measured"])
             if total.get("kwh_measured") else message("report.total_none_measured", lang)]
    if total.get("kwh_deemed_high"):
        parts.append(message("report.total_deemed", lang, low=total.get("kwh_deemed_low") or 0,
                             high=total["kwh_deemed_high"]))
    if total.get("declared_kwh"):
        parts.append(message("report.total_declared", lang, declared=total["declared_kwh"]))
    return message("report.evidence_separator", lang).join(parts) + message("report.full_stop",
                                                                            lang)
