"""One assessment: a submission read, validated and measured, in one result object.

The JSON result (:meth:`Assessment.to_dict`), the HTML report and the CLI summary all render from
this object, so they never disagree.  The JSON layout is a documented contract:
``docs/result-schema.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from greendc import validation
from greendc.criteria import Facts, PackResult, default_packs, evaluate, load_pack
from greendc.criteria.conditions import assumed_conditions
from greendc.criteria.thresholds import failed_targets
from greendc.errors import InputError
from greendc.findings import Finding, Place, errors, input_error
from greendc.metrics import aggregate, plausibility, suite
from greendc.reading.read import read_submission
from greendc.reading.sniff import Source
from greendc.reading.submission import Submission
from greendc.reference import factors
from greendc.reference.columns import fields
from greendc.reference.messages import LANGS, message
from greendc.reference.names import DC, FACILITY, IT, SUBSYSTEMS
from greendc.reference.options import Options
from greendc.savings import assess_measures, path_to_target
from greendc.version import __version__

SCHEMA_VERSION = "2"


def energy_key(column: str) -> str:
    """JSON key of an energy-table column: ``cooling_energy_kwh`` -> ``cooling_kwh``."""
    return column.replace("_energy_kwh", "_kwh")


@dataclass
class Assessment:
    """The result of assessing one submission.

    ``metrics`` maps a metric name to ``{"value", "unit", "basis"}``; ``monthly`` is a
    DataFrame indexed by month start.  Both are empty when the submission has errors.
    """

    submission: Submission
    findings: list[Finding]
    period: dict[str, Any]
    energy: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    monthly: pd.DataFrame | None = None
    daily: pd.DataFrame | None = None
    criteria: list[PackResult] = field(default_factory=list)
    savings: dict[str, Any] = field(default_factory=dict)
    generated_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))

    @property
    def errors(self) -> list[Finding]:
        return errors(self.findings)

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def facility_name(self) -> str:
        return self.submission.facility.get("facility_name") or self.submission.path.stem

    def error(self, lang: str = "en") -> InputError:
        """The first error as an :class:`InputError` in ``lang`` (with a count of the others)."""
        first = self.errors[0]
        more = len(self.errors) - 1
        text = first.message(lang) + (message("summary.more_problems", lang, n=more)
                                      if more else "")
        return InputError(self.submission.path, text, first.place, code=first.code, lang=lang)

    def to_dict(self) -> dict[str, Any]:
        sub = self.submission
        monthly = []
        if self.monthly is not None:
            parts = [c for c in SUBSYSTEMS if c in self.monthly]
            extra = [c for c in self.monthly.columns if c not in (
                FACILITY, IT, DC, "pue", "ttm_pue", "periods")]
            for month, row in self.monthly.iterrows():
                entry = {"month": month.strftime("%Y-%m"),
                         "facility_kwh": row[FACILITY],
                         "it_kwh": row[IT], "dc_kwh": row[DC], "non_it_kwh": row[DC] - row[IT],
                         "pue": row["pue"], "ttm_pue": row["ttm_pue"],
                         "periods": int(row["periods"])}
                entry.update({energy_key(c): row[c] for c in extra})
                if parts:
                    entry["unmetered_kwh"] = (row[DC] - row[IT]
                                              - sum(row[c] for c in parts))
                monthly.append(entry)
        daily = []
        if self.daily is not None:
            frame = self.daily[[DC, IT, "pue"]]
            for day, (dc_kwh, it_kwh, pue) in zip(frame.index, frame.to_numpy(), strict=True):
                daily.append({"date": day.strftime("%Y-%m-%d"), "dc_kwh": dc_kwh,
                              "it_kwh": it_kwh, "pue": pue})
        return _clean({
            "schema_version": SCHEMA_VERSION,
            "greendc_version": __version__,
            "generated_at": self.generated_at.isoformat().replace("+00:00", "Z"),
            "input": {"path": str(sub.path), "name": sub.path.name, "sha256": sub.sha256,
                      "type": sub.file_type, "energy_sheet": sub.energy_sheet,
                      "columns": {k: v.to_dict() for k, v in sub.columns.items()}},
            "facility": dict(sub.facility),
            "period": self.period,
            "energy": self.energy,
            "metrics": self.metrics,
            "criteria": [c.to_dict() for c in self.criteria],
            "savings": self.savings,
            "monthly": monthly,
            "daily": daily,
            "measures": [dict(m) for m in sub.measures],
            "meters": [dict(m) for m in sub.meters],
            "operating_points": [dict(p) for p in sub.operating_points],
            "findings": [f.to_dict() for f in self.warnings],
            "errors": [f.to_dict() for f in self.errors],
        })

    def to_json(self, data: dict[str, Any] | None = None) -> str:
        """The JSON result; ``data`` is ``to_dict()`` when the caller already has it."""
        return json.dumps(data if data is not None else self.to_dict(), ensure_ascii=False,
                          indent=2, allow_nan=False)

    def write_json(self, path: str | Path, data: dict[str, Any] | None = None) -> Path:
        path = Path(path)
        path.write_text(self.to_json(data) + "\n", encoding="utf-8")
        return path


def _clean(value: Any) -> Any:
    """JSON-ready: NaN and infinities become null, numpy scalars plain Python numbers."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _period(sub: Submission, months: int) -> dict[str, Any]:
    if sub.energy.empty:
        return {"start": None, "end": None, "granularity": sub.granularity, "coverage": None}
    start, end = validation.reporting_window(sub)
    share, ranges = validation.coverage(sub)
    return {
        "start": start.date().isoformat(),
        "end": (end - pd.Timedelta(days=1)).date().isoformat(),
        "granularity": sub.granularity,
        "coverage": share,
        "missing": [[a.isoformat(), b.isoformat()] for a, b in ranges],
        "rows": len(sub.energy),
        "consecutive_months": months,
    }


def assess(source: Source, options: Options | None = None, *,
           name: str | None = None) -> Assessment:
    """Read, validate and measure one submission file.

    Parameters
    ----------
    source : a path, the file's bytes, or a binary file object
    options : the run's choices (column names, limits, criteria, factors); defaults when None
    name : the name the file goes by (default: the path or the file object's name)

    Returns
    -------
    Assessment
        When the data have errors (``assessment.ok`` is False) it carries them and no metrics.

    Raises
    ------
    InputError
        The file cannot be read as a submission at all (see :func:`read_submission`).
    """
    options = options or Options()
    return assess_submission(read_submission(source, options, name=name), options)


def assess_submission(sub: Submission, options: Options | None = None) -> Assessment:
    """Validate and measure an already read :class:`Submission`."""
    options = options or Options()
    full = sub  # savings compare the reporting period with the months before it
    sub, cut = validation.select_reporting_period(sub)
    if sub.energy.empty:
        refused = [f for f in sub.findings if f.severity == "error"]
        if refused:  # every row was refused: the errors say why
            return Assessment(submission=sub, findings=sub.findings + cut,
                              period={"start": None, "end": None,
                                      "granularity": sub.granularity, "coverage": None})
        raise input_error(sub.path, "no_data_in_period", Place(key="reporting_period_start"),
                          start=str(sub.facility.get("reporting_period_start") or "…")[:10],
                          end=str(sub.facility.get("reporting_period_end") or "…")[:10])
    findings = validation.validate(sub) + cut + validation.check_copied_year(full, sub)
    sub, unusable = validation.usable_periods(sub)  # kept out of every ratio, named
    findings += unusable
    full, _ = validation.usable_periods(full)
    months = validation.consecutive_months(sub)
    result = Assessment(submission=sub, findings=findings, period=_period(sub, months))
    if not result.ok:
        return result
    fuel_factors = {name: spec["kwh_per_unit"] for name, spec in factors.fuels().items()}
    energy = aggregate.boundary_energy(sub.energy, fuel_factors)
    totals = aggregate.totals(energy)
    result.energy = {energy_key(k): v for k, v in totals.items()}
    used = aggregate.consumption(energy)  # the year's use: also periods without IT energy
    if used["periods_without_it"]:
        result.energy.update(facility_all_periods_kwh=used[FACILITY],
                             periods_without_it=used["periods_without_it"])
    result.monthly = aggregate.monthly(energy)
    if sub.granularity not in ("monthly", "irregular"):
        result.daily = aggregate.daily(energy)
    result.metrics, found = suite.compute(sub, energy, totals, used, result.period, options,
                                          result.monthly)
    result.findings.extend(found)
    result.findings.extend(validation.check_result(sub, result.metrics))
    plausibility.hold_contradicted(sub, result.metrics, result.findings)
    facts = Facts(metrics=result.metrics, facility=sub.facility, energy=result.energy,
                  period=result.period)
    packs = options.criteria if options.criteria is not None else default_packs(facts)
    result.criteria = [evaluate(load_pack(p), facts) for p in packs]
    for name, (said, packs) in assumed_conditions(result.criteria, facts).items():
        result.findings.append(Finding("assumed_condition", "info", Place(key=name), {
            "packs": ", ".join(packs), **{f"said_{lang}": said.render(lang) for lang in LANGS}}))
    full_energy = energy if full is sub else aggregate.boundary_energy(full.energy, fuel_factors)
    result.savings = _savings(full, full_energy, totals, result)
    for entry in result.savings["measures"]:
        if entry.get("declared_flag"):
            result.findings.append(Finding(
                "declared_savings_above_measured", "warning",
                Place(sheet=full.measures_sheet, row=entry["row"],
                      column=fields("measures")["declared_savings_kwh"].label("zh")),
                {"technology": entry["technology"] or "?", "declared": entry["declared_kwh"],
                 "measured": entry["kwh"], "excess": entry["declared_excess"],
                 "method": entry["method"],
                 **{f"method_{lang}": message(f"report.method_names.{entry['method']}", lang)
                    for lang in LANGS}}))
    return result


def _savings(full: Submission, full_energy: pd.DataFrame, totals: dict[str, float],
             result: Assessment) -> dict:
    """The savings section: measures, totals and the path to the PUE thresholds not met.

    ``full_energy`` is the whole data span with its boundary columns (baselines lie before the
    reporting period); ``totals`` are the reporting period's sums.
    """
    grid = result.metrics["co2_t"]["basis"].get("grid_factor")  # none outside China
    money = {"coal_kgce_per_kwh": factors.coal_equivalent().value,
             "grid_kgco2_per_kwh": grid["value"] if grid else None,
             "price": full.facility.get("electricity_price_cny_per_kwh")}
    pue = result.metrics["pue"]["value"]
    section = assess_measures(full.measures, full_energy, totals, result.period,
                                      full.granularity, pue, money)
    section["path_to_target"] = path_to_target(totals, pue, failed_targets(result.criteria),
                                               money)
    section["basis"] = {"coal_kgce_per_kwh": money["coal_kgce_per_kwh"],
                        "grid_factor": grid,
                        "price_cny_per_kwh": money["price"]}
    return section
