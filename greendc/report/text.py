"""The plain-text summary of an assessment that the command line prints."""

from __future__ import annotations

from greendc.assessment import Assessment


def text_summary(assessment: Assessment) -> str:
    """The headline figures, verdicts and first warnings as a few lines of plain text."""
    pue = assessment.metrics["pue"]
    period = assessment.period
    flag = " (provisional)" if pue["basis"]["provisional"] else ""
    category = pue["basis"]["measurement_category"]
    flag += f", category {category}" if category else ""
    lines = [
        f"{assessment.facility_name}",
        f"  period   {period['start']} to {period['end']} ({period['granularity']}, "
        f"coverage {period['coverage']:.1%})" if period["coverage"] is not None else
        f"  period   {period['start']} to {period['end']} ({period['granularity']})",
        f"  PUE      {pue['value']:.3f}{flag}",
        f"  energy   facility {assessment.energy['facility_kwh'] / 1000:,.0f} MWh, "
        f"IT {assessment.energy['it_kwh'] / 1000:,.0f} MWh",
    ]
    shown = [(name, format_metric(assessment.metrics[name]))
             for name in ("ttm_pue", "wue_l_per_kwh", "cue_kgco2_per_kwh", "ref", "ere",
                          "it_utilisation", "rack_occupancy", "energy_tce_equivalent", "co2_t")
             if assessment.metrics[name]["value"] is not None]
    if shown:
        lines.append("  " + ", ".join(f"{name} {text}" for name, text in shown))
    for result in assessment.criteria:
        extra = []
        if result.grade:
            extra.append(f"grade {result.grade}")
        if result.score is not None:
            extra.append(f"score {result.score:.1f}/{result.max_score:g}")
        failed = [f.rule.id for f in result.findings if f.verdict == "fail"
                  and f.rule.kind == "gate"]
        if failed:
            extra.append("failed: " + ", ".join(failed))
        tail = f" ({'; '.join(extra)})" if extra else ""
        lines.append(f"  {result.pack.id:<24} {result.verdict}{tail}")
    warnings = [f for f in assessment.findings if f.severity == "warning"]
    if warnings:
        lines.append(f"  {len(warnings)} warning(s):")
        lines += [f"    - {f.describe()}" for f in warnings[:5]]
        if len(warnings) > 5:
            lines.append(f"    ... and {len(warnings) - 5} more (see the report)")
    return "\n".join(lines)


def format_metric(metric: dict) -> str:
    """One metric's value and unit, as the summary shows it."""
    value, unit = metric["value"], metric["unit"]
    if unit in ("tce", "tCO2"):
        return f"{value:,.0f} {unit}"
    return f"{value:.3f}" + (f" {unit}" if unit != "1" else "")
