"""The plain-text summary of an assessment that the command line prints, in zh or en."""

from __future__ import annotations

from greendc.assessment import Assessment
from greendc.findings import Place
from greendc.reference.messages import message
from greendc.report.views import metric_label, qualifiers

SHOWN = ("ttm_pue", "wue_l_per_kwh", "cue_kgco2_per_kwh", "ref", "ere", "it_utilisation",
         "rack_occupancy", "energy_tce_equivalent", "co2_t")
WARNINGS_SHOWN = 5


def text_summary(assessment: Assessment, lang: str = "en") -> str:
    """The headline figures, verdicts and first warnings as a few lines of plain text.

    Parameters
    ----------
    assessment : an assessment without errors
    lang : ``zh`` or ``en``

    Returns
    -------
    str
    """
    def say(key: str, **values: object) -> str:
        return message(f"summary.{key}", lang, **values)

    pue = assessment.metrics["pue"]
    period = assessment.period
    flags = []
    if pue["basis"]["provisional"]:
        flags.append(say("provisional"))
    if pue["basis"]["measurement_category"]:
        flags.append(say("category", category=pue["basis"]["measurement_category"]))
    flags += qualifiers(pue["basis"], lang, short=True)
    granularity = message(f"label.granularity.{period['granularity']}", lang)
    lines = [
        assessment.facility_name,
        say("period_coverage", start=period["start"], end=period["end"], granularity=granularity,
            coverage=period["coverage"]) if period["coverage"] is not None else
        say("period", start=period["start"], end=period["end"], granularity=granularity),
        say("pue", pue=pue["value"], flags=say("flags", flags="; ".join(flags)) if flags else ""),
        say("energy", facility=assessment.energy["facility_kwh"] / 1000,
            it=assessment.energy["it_kwh"] / 1000),
    ]
    if "facility_all_periods_kwh" in assessment.energy:
        lines.append(say("energy_all_periods",
                         facility=assessment.energy["facility_all_periods_kwh"] / 1000,
                         n=assessment.energy["periods_without_it"]))
    shown = [f"{metric_label(name, assessment.metrics[name], lang)} "
             f"{format_metric(assessment.metrics[name])}"
             + "".join(say("qualifier", what=q)
                       for q in qualifiers(assessment.metrics[name]["basis"], lang, short=True))
             for name in SHOWN if assessment.metrics[name]["value"] is not None]
    if shown:
        lines.append("  " + say("separator").join(shown))
    for result in assessment.criteria:
        extra = []
        if result.grade:
            extra.append(say("grade", grade=result.grade))
        if result.score is not None:
            extra.append(say("score", score=result.score, max=result.max_score))
        failed = [f.rule.id for f in result.findings if f.verdict == "fail"
                  and f.rule.kind == "gate"]
        if failed:
            extra.append(say("failed", rules=", ".join(failed)))
        verdict = message(f"verdict.{result.verdict}", lang)
        tail = say("extra", extra=message("report.separator", lang).join(extra)) if extra else ""
        lines.append(f"  {result.pack.id:<24} {verdict}{tail}")
    warnings = [f for f in assessment.findings if f.severity == "warning"]
    if warnings:
        lines.append("  " + say("warnings", n=len(warnings)))
        lines += [f"    - {f.describe(lang)}" for f in warnings[:WARNINGS_SHOWN]]
        if len(warnings) > WARNINGS_SHOWN:
            lines.append("    " + say("more_warnings", n=len(warnings) - WARNINGS_SHOWN))
    return "\n".join(lines)


def format_metric(metric: dict) -> str:
    """One metric's value and unit, as the summary shows it."""
    value, unit = metric["value"], metric["unit"]
    if unit in ("tce", "tCO2"):
        return f"{value:,.0f} {unit}"
    return f"{value:.3f}" + (f" {unit}" if unit != "1" else "")


def inspection_text(data: dict, lang: str = "en") -> str:
    """The reader's findings (:func:`~greendc.reading.inspect.inspect_file`) as plain text.

    Parameters
    ----------
    data : dict
        The inspection.
    lang : str
        ``zh`` or ``en``.

    Returns
    -------
    str
        One line for the file, one per sheet and role (and meter), then what was inferred,
        what was not used and the problems, each with its place.
    """
    def word(group: str, value: str | None) -> str:
        return message(f"{group}.{value.replace(' ', '_')}", lang) if value else "-"

    period = data["period"]
    lines = [message("cli.inspect_file", lang, file=data["file"], type=data["type"],
                     start=period["start"], end=period["end"],
                     granularity=message(f"report.granularity_values.{period['granularity']}",
                                         lang), rows=period["rows"])]
    for sheet, roles in data["sheets"].items():
        lines.append(message("cli.inspect_sheet", lang, sheet=sheet or "-"))
        for role in roles:
            c = data["columns"][role]
            lines.append(message("cli.inspect_column", lang, role=c[f"role_{lang}"],
                                 header=c["header"], unit=c["unit"] or "-",
                                 column=message("place.row", lang, row=c["row"])
                                 if c.get("row") and role != "period_start" else c["column"],
                                 unit_from=word("unit_origin", c["unit_from"]),
                                 how=word("recognised", c["recognised_by"])))
            for part in c.get("parts", ()):
                lines.append(message("cli.inspect_part", lang, header=part["header"],
                                     column=part["column"], unit=part["unit"] or "-"))
    for key in ("inferences", "ignored", "problems"):
        if data[key]:
            lines.append(message(f"cli.inspect_{key}", lang))
            for f in data[key]:
                where = Place.from_dict(f["place"]).describe(lang)
                lines.append(f"  - {where + ': ' if where else ''}{f['message'][lang]}")
    return "\n".join(lines)
