"""No false verdicts: every case that led to a verdict a careful reviewer would not give, each
with its expectation computed here from the inputs, and a property over generated facilities.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greendc.assessment import assess_submission
from greendc.criteria import Facts, PackResult, builtin_packs, evaluate, load_pack
from greendc.criteria.evaluate import RuleFinding
from greendc.metrics.suite import metric
from greendc.reading import Submission

MONTHS = pd.date_range("2025-01-01", periods=12, freq="MS", name="period_start")
HEBEI = {"country": "CN", "province": "河北省", "city": "廊坊市", "racks_installed": 3200,
         "racks_in_use": 2500, "commissioning_date": "2019-06-01", "status": "existing",
         "cooling_type": "water_chiller"}


def wavy(value: float, n: int = 12) -> list[float]:
    """Metered-looking months around ``value``: steps of 0.1 % in a cycle of four, so that
    two series built alike keep their ratio exactly, and no meter repeats one value all year
    (a meter that does holds every figure: test_a_meter_repeating_one_value_all_year)."""
    return [value + value // 1000 * (m % 4) for m in range(n)]


def assessed(columns: dict[str, list[float]], **facility):
    energy = pd.DataFrame(columns, index=MONTHS[:len(next(iter(columns.values())))])
    return assess_submission(Submission.from_frame(energy, {**HEBEI, **facility}))


def pack(result, pack_id):
    return next(c for c in result.criteria if c.pack.id == pack_id)


def codes(result):
    return {f.code for f in result.findings}


def test_an_empty_renewable_column_is_absent_not_100_percent(tmp_path):
    path = tmp_path / "blank.csv"
    rows = "\n".join(f"2025-{m:02d},1200000,1000000," for m in range(1, 13))
    path.write_text("Period,Facility energy (kWh),IT energy (kWh),"
                    "On-site renewable generation (kWh)\n" + rows + "\n", encoding="utf-8")
    from greendc import assess

    result = assess(path)
    assert result.metrics["ref"]["value"] is None  # was 1.0 (min(1, NaN))
    assert "blank_columns" in codes(result)
    # a CSV names no country and no province: no grid factor is guessed
    assert result.metrics["co2_t"]["value"] is None
    assert result.metrics["co2_t"]["reason_code"] == "no_location"


def test_a_month_with_facility_energy_and_no_it_stays_out_of_the_ratio():
    facility = [1_200_000.0] * 12
    it = [1_000_000.0] * 12
    it[6] = 0.0
    result = assessed({"facility_energy_kwh": facility, "it_energy_kwh": it})
    expected = sum(f for i, f in enumerate(facility) if i != 6) / sum(
        x for i, x in enumerate(it) if i != 6)
    assert expected == pytest.approx(1.20)
    assert result.metrics["pue"]["value"] == pytest.approx(expected)  # not 1.31
    assert "it_zero_with_facility" in codes(result)
    assert result.metrics["pue"]["basis"]["provisional"]  # 11 of 12 months: no pass on a year
    basis = result.metrics["pue"]["basis"]  # a gap, said as such (was "6 consecutive months")
    assert basis["provisional_code"] == "gap_in_year"
    assert basis["provisional_params"] == {"months": 6, "needed": 12, "present": 11}
    assert pack(result, "gb40879-2021").grade is None
    # the month's energy was used: it stays in the year's consumption (was 8 % low)
    assert result.metrics["energy_tce_equivalent"]["value"] == pytest.approx(
        sum(facility) * 0.1229 / 1000)  # GB/T 2589-2020 equivalent value, kgce/kWh
    factor = result.metrics["co2_t"]["basis"]["grid_factor"]["value"]
    assert result.metrics["co2_t"]["value"] == pytest.approx(sum(facility) * factor / 1000)
    assert result.metrics["co2_t"]["basis"]["periods_without_it"] == 1
    assert result.energy["facility_all_periods_kwh"] == pytest.approx(sum(facility))
    assert result.energy["facility_kwh"] == pytest.approx(sum(facility) - facility[6])
    # CUE is a ratio: the eleven months with IT energy only
    assert result.metrics["cue_kgco2_per_kwh"]["value"] == pytest.approx(1.2 * factor)


def test_a_year_broken_by_a_blank_month_is_called_a_gap_not_a_short_year():
    facility = [1_200_000.0] * 12
    it = [1_000_000.0] * 12
    facility[7] = it[7] = float("nan")  # August not typed
    result = assessed({"facility_energy_kwh": facility, "it_energy_kwh": it})
    # the data-quality finding says what the figures' reason says (it said "longest run 7")
    gap = next(f for f in result.findings if f.code == "gap_in_period")
    assert gap.params == {"months": 7, "needed": 12, "present": 11}
    assert "short_period" not in codes(result)
    assert result.metrics["pue"]["basis"]["provisional_code"] == "gap_in_year"
    assert "11" in gap.describe("zh") and "7" in gap.describe("en")


def test_thirteen_months_undeclared_are_assessed_over_the_last_twelve():
    # the stranger's workbook: January 2025 to January 2026, no reporting period declared;
    # over thirteen months PUE is 1.298 (a pass at 1.30), over any year it is above 1.30
    months = pd.date_range("2025-01-01", periods=13, freq="MS", name="period_start")
    it = [1_000_000.0, *wavy(1_000_000.0)]
    facility = [1_200_000.0, *wavy(1_306_000.0)]
    energy = pd.DataFrame({"facility_energy_kwh": facility, "it_energy_kwh": it}, index=months)
    result = assess_submission(Submission.from_frame(energy, HEBEI))
    assert sum(facility) / sum(it) < 1.30  # what the thirteen months gave
    expected = sum(facility[1:]) / sum(it[1:])
    assert result.metrics["pue"]["value"] == pytest.approx(expected)
    assert result.period["start"] == "2025-02-01" and result.period["end"] == "2026-01-31"
    said = next(f for f in result.findings if f.code == "reporting_period_last_year")
    assert said.params["count"] == 1
    assert pack(result, "cn-green-dc-2025").verdict != "pass"
    assert pack(result, "gb40879-2021").grade == 3


def test_both_meters_at_zero_is_not_coverage():
    facility, it = [1_200_000.0] * 12, [1_000_000.0] * 12
    facility[3] = it[3] = 0.0
    result = assessed({"facility_energy_kwh": facility, "it_energy_kwh": it})
    assert result.period["coverage"] == pytest.approx(11 / 12)
    assert "both_meters_zero" in codes(result)


def test_an_all_zero_it_column_is_one_error_line(tmp_path):
    from click.testing import CliRunner

    from greendc.cli import main

    path = tmp_path / "zero.csv"
    rows = "\n".join(f"2025-{m:02d},1200000,0" for m in range(1, 13))
    path.write_text("Period,Facility energy (kWh),IT energy (kWh)\n" + rows + "\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["assess", str(path), "--lang", "en"])
    assert result.exit_code == 1 and "no positive value" in result.stderr
    assert "Traceback" not in result.output


def test_a_pue_of_exactly_one_is_flagged_and_not_graded():
    result = assessed({"facility_energy_kwh": [1_000_000.0] * 12,
                       "it_energy_kwh": [1_000_000.0] * 12})
    assert "implausible_pue" in codes(result)
    gb = pack(result, "gb40879-2021")
    assert gb.grade is None and gb.verdict != "pass"
    assert all(f.verdict != "pass" for f in gb.findings)


def test_reused_heat_above_use_gives_no_erf_and_a_warning():
    result = assessed({"facility_energy_kwh": [1_000_000.0] * 12,
                       "it_energy_kwh": [800_000.0] * 12,
                       "reused_heat_kwh": [1_250_000.0] * 12})
    assert result.metrics["erf"]["value"] is None and result.metrics["ere"]["value"] is None
    assert "reuse_above_use" in codes(result)


def test_a_month_passing_on_more_heat_than_it_used_is_flagged():
    # the year's heat (3 GWh) fits in its use (12 GWh), January's does not: a shifted column
    reuse = [3_000_000.0] + [0.0] * 11
    result = assessed({"facility_energy_kwh": [1_000_000.0] * 12,
                       "it_energy_kwh": [800_000.0] * 12, "reused_heat_kwh": reuse})
    found = next(f for f in result.findings if f.code == "reuse_above_period_use")
    assert found.params["count"] == 1
    assert found.params["excess"] == pytest.approx(3_000_000.0 - 1_000_000.0)
    assert result.metrics["erf"]["value"] == pytest.approx(3_000_000.0 / 12_000_000.0)
    assert result.metrics["erf"]["basis"]["implausible"]
    # EnEfG's ERF >= 10 % for new sites would pass on 0.25; the flagged figure cannot
    facts = Facts(metrics=result.metrics, energy=result.energy, period=result.period,
                  facility={"country": "DE", "commissioning_date": "2026-08-01",
                            "design_it_capacity_kw": 1_000})
    erf = next(f for f in evaluate(load_pack("de-enefg"), facts).findings
               if f.rule.id == "erf-new")
    assert erf.verdict != "pass"


def test_pv_above_use_is_flagged_and_co2_never_negative():
    result = assessed({"facility_energy_kwh": [1_000_000.0] * 12,
                       "it_energy_kwh": [800_000.0] * 12,
                       "onsite_renewable_kwh": [1_500_000.0] * 12})
    assert "onsite_export_netted" in codes(result)  # 500,000 kWh a month left the site
    assert result.metrics["co2_t"]["value"] == 0.0
    assert result.metrics["ref"]["value"] == 1.0  # capped (ISO/IEC 30134-3)


def test_gb40879_counts_electricity_only():
    facility, it = wavy(1_200_000.0), wavy(1_000_000.0)
    diesel = [2_000.0] * 12  # litres: 9.9 kWh/L enters E_DC and PUE, not the 电能比
    result = assessed({"facility_energy_kwh": facility, "it_energy_kwh": it,
                       "diesel_l": diesel})
    assert result.metrics["pue"]["value"] == pytest.approx(
        (sum(facility) + 9.9 * sum(diesel)) / sum(it))
    assert result.metrics["gb40879_value"]["value"] == pytest.approx(sum(facility) / sum(it))
    assert pack(result, "gb40879-2021").grade == 1  # 1.2000 <= 1.20; with diesel it was 2


def seven_months_with_points(shares, totals_kw, metered_ratio, months=7):
    """A 7-month year metered at ``metered_ratio`` with five declared operating points (IT
    1,000 kW each) and the RM1 they give, computed here."""
    points = [{"point": p, "hours_share": s, "total_power_kw": t, "it_power_kw": 1000.0,
               "row": i + 2}
              for i, (p, s, t) in enumerate(zip("abcde", shares, totals_kw, strict=True))]
    energy = pd.DataFrame({"facility_energy_kwh": wavy(1_000_000.0 * metered_ratio, months),
                           "it_energy_kwh": wavy(1_000_000.0, months)}, index=MONTHS[:months])
    sub = Submission.from_frame(energy, HEBEI)
    sub.operating_points = points
    rm1 = sum(s * t for s, t in zip(shares, totals_kw, strict=True)) / 1000.0
    return assess_submission(sub), rm1


def test_rm1_far_from_a_partial_metered_year_is_a_provisional_grade():
    result, rm1 = seven_months_with_points([0.6, 0.3, 0.05, 0.03, 0.02],
                                           [1150.0, 1250, 1400, 1500, 1600], 1.40)
    assert result.metrics["rm1"]["value"] == pytest.approx(rm1)  # 1.204: grade 2 on its face
    assert "rm1_differs" in codes(result)
    basis = result.metrics["gb40879_value"]["basis"]
    assert basis["route"] == "RM1" and basis["provisional"] and basis["shares_confidence"] == \
        "unverified"
    assert pack(result, "gb40879-2021").grade is None  # not 'pass (grade 2)'


def test_operating_points_a_full_metered_year_contradicts_are_named():
    result, rm1 = seven_months_with_points([0.5, 0.3, 0.1, 0.05, 0.05],
                                           [1100.0, 1150, 1200, 1300, 1350], 1.25, months=12)
    assert rm1 == pytest.approx(1.1475) and 1.25 - rm1 > 0.05
    found = next(f for f in result.findings if f.code == "rm1_differs_year")
    assert found.params["metered"] == pytest.approx(1.25)
    assert found.params["rm1"] == pytest.approx(rm1)
    basis = result.metrics["gb40879_value"]["basis"]
    assert basis["route"] == "RM2" and not basis["provisional"]  # graded on the meters
    assert result.metrics["gb40879_value"]["value"] == pytest.approx(1.25)


def test_an_undeclared_cooling_type_is_assumed_electric_and_says_so():
    result = assessed({"facility_energy_kwh": wavy(1_250_000.0),
                       "it_energy_kwh": wavy(1_000_000.0)}, cooling_type=None)
    gb = pack(result, "gb40879-2021")
    assert gb.verdict == "pass" and gb.grade == 2
    assert any(f.reason and "Cooling type is not given" in f.reason.render("en")
               for f in gb.findings)
    said = [f for f in result.findings if f.code == "assumed_condition"]
    assert [(f.severity, f.place.key) for f in said] == [("info", "cooling_type")]
    assert "gb40879-2021" in said[0].message("en") and "制冷" in said[0].message("zh")


def test_rm1_on_declared_shares_is_never_a_plain_pass_even_near_the_meters():
    result, rm1 = seven_months_with_points([0.6, 0.3, 0.05, 0.03, 0.02],
                                           [1180.0, 1230, 1300, 1350, 1400], 1.23)
    assert rm1 == pytest.approx(1.2105) and abs(rm1 - 1.23) <= 0.05  # grade 2 on its face
    assert "rm1_differs" not in codes(result)
    for pack_id in ("gb40879-2021", "cn-green-dc-2025", "hebei-pilot"):
        graded = [f for f in pack(result, pack_id).findings if f.rule.metric == "gb40879_value"]
        assert graded and all(f.verdict != "pass" for f in graded), pack_id
        assert all(f.to_dict()["confidence"] == "unverified" for f in graded
                   if f.verdict == "declared"), pack_id
        assert pack(result, pack_id).verdict != "pass"
    gb = pack(result, "gb40879-2021")
    assert gb.grade is None and gb.verdict == "declared"  # its one gate rests on the shares
    grade2 = next(f for f in gb.findings if f.rule.id == "grade-2")
    assert grade2.verdict == "declared" and "Annex B" in grade2.reason.render("en")
    assert f"{rm1:.3f}" in grade2.reason.render("zh") and "1.230" in grade2.reason.render("en")


def test_a_partial_year_never_passes_a_reporting_rule():
    eu = {"country": "FR", "design_it_capacity_kw": 800}
    whole = evaluate(load_pack("eu-eed-2024"), _facts(**eu))
    part = evaluate(load_pack("eu-eed-2024"), _facts(provisional=True, **eu))
    present = [r.id for r in load_pack("eu-eed-2024").rules if r.operator == "present"
               and r.annual]  # a yearly figure; the installed IT power is no yearly figure
    assert present
    assert {f.rule.id: f.verdict for f in whole.findings if f.rule.id in present} == \
        dict.fromkeys(present, "pass")
    assert {f.rule.id: f.verdict for f in part.findings if f.rule.id in present} == \
        dict.fromkeys(present, "insufficient_data")
    assert part.verdict != "pass"


def test_cluster_averages_and_new_project_limits_do_not_judge_one_operating_site():
    result = assessed({"facility_energy_kwh": [1_280_000.0] * 12,
                       "it_energy_kwh": [1_000_000.0] * 12}, city="张家口市")
    assert pack(result, "jjj-zhangjiakou").verdict == "advisory"  # 1.28 > 1.25, yet no fail
    hebei = pack(result, "hebei-pilot")
    assert all(f.rule.kind != "gate" for f in hebei.findings
               if f.rule.id.startswith("jjj-zhangjiakou/"))
    plan = evaluate(load_pack("cn-action-plan-2024"), _facts({"pue": 1.40}, status="new",
                                                             commissioning_date="2019-06-01"))
    assert {f.rule.id: f.verdict for f in plan.findings}["pue-new-large"] == "not_applicable"


def test_the_2021_plans_averages_are_context_for_new_large_sites_only():
    plan = load_pack("cn-ndrc-2021")
    assert "发改高技〔2021〕1742号" in plan.source["document"]
    operating = evaluate(plan, _facts({"pue": 1.40}))  # HEBEI: existing, commissioned 2019
    assert {f.verdict for f in operating.findings} == {"not_applicable"}
    new_large = dict(status="new", commissioning_date="2023-03-01", racks_installed=5000)
    off_hub = evaluate(plan, _facts({"pue": 1.28}, national_hub_node=False, **new_large))
    verdicts = {f.rule.id: f.verdict for f in off_hub.findings}
    assert verdicts["pue-new-large-average"] == "pass"  # 1.28 < 1.30
    assert verdicts["pue-hub-node-average"] == "not_applicable"
    hub = evaluate(plan, _facts({"pue": 1.28}, national_hub_node=True, **new_large))
    assert {f.rule.id: f.verdict for f in hub.findings}["pue-hub-node-average"] == "fail"
    assert hub.verdict == "advisory"  # an average target judges no single facility
    before = evaluate(plan, _facts({"pue": 1.40}, status="new", commissioning_date="2021-06-01",
                                   racks_installed=5000, national_hub_node=False))
    assert {f.verdict for f in before.findings} == {"not_applicable"}


def test_the_hub_node_condition_is_in_principle():
    rule = next(r for r in load_pack("cn-green-dc-2025").rules if r.id == "hub-node")
    assert rule.kind == "advisory" and "原则上" in rule.note


def test_market_based_co2_equals_location_based_without_green_power():
    result = assessed({"facility_energy_kwh": [1_200_000.0] * 12,
                       "it_energy_kwh": [1_000_000.0] * 12})
    assert result.metrics["co2_market_t"]["value"] == pytest.approx(
        result.metrics["co2_t"]["value"])
    bought = assessed({"facility_energy_kwh": [1_200_000.0] * 12,
                       "it_energy_kwh": [1_000_000.0] * 12,
                       "green_purchase_kwh": [200_000.0] * 12})
    # North China's location factor (0.6361, 2023) is above the national residual (0.6096):
    # the rest of the grid electricity stays at the location factor, no credit beyond the
    # purchase; in the South grid (0.4042) the residual mix is the higher and is used
    expected = (14_400_000 - 2_400_000) * 0.6361 / 1000
    assert bought.metrics["co2_market_t"]["value"] == pytest.approx(expected)
    assert "residual_floor" in bought.metrics["co2_market_t"]["basis"]
    south = assessed({"facility_energy_kwh": [1_200_000.0] * 12,
                      "it_energy_kwh": [1_000_000.0] * 12,
                      "green_purchase_kwh": [200_000.0] * 12}, province="广东省", city="广州市")
    assert south.metrics["co2_t"]["value"] == pytest.approx(14_400_000 * 0.4042 / 1000)
    assert south.metrics["co2_market_t"]["value"] == pytest.approx(
        (14_400_000 - 2_400_000) * 0.6096 / 1000)


def test_scores_are_points_only_where_the_source_gives_them():
    result = evaluate(load_pack("cn-green-dc-2025"), _facts({"pue": 1.24, "ref": 0.3}))
    assert result.score is None and result.max_score is None  # 30 %: below the only band
    low = next(f for f in result.findings if f.rule.id == "renewable-score")
    assert low.verdict != "fail" and low.score is None  # not '0 points' and not a fail
    high = evaluate(load_pack("cn-green-dc-2025"), _facts({"pue": 1.24, "ref": 0.85}))
    assert (high.score, high.max_score) == (8, 8)  # the renewable's 8; PUE has no point total
    partial = evaluate(load_pack("cn-green-dc-2025"), _facts({"ref": 0.3}, provisional=True))
    assert partial.score is None and partial.max_score is None  # not '0.0/63'


def test_citations_and_dates_say_what_the_sources_say():
    assert "M-16-19" in load_pack("us-dcoi").source["document"]
    assert str(load_pack("us-dcoi").effective_to) == "2019-06-24"
    beijing = load_pack("beijing-2024")
    assert "北京市存量数据中心优化工作方案（2024—2027年）" in beijing.source["document"]
    assert beijing.source["date"] == "2024-11"
    procurement = load_pack("cn-gov-procurement-2023")
    assert "财库〔2023〕7号" in procurement.source["document"]
    assert {"wue", "energy-management"} <= {r.id for r in procurement.rules}
    enefg = {r.id: r for r in load_pack("de-enefg").rules}
    assert enefg["pue-existing-2027"].threshold == 1.5
    assert str(enefg["pue-existing-2030"].effective_from) == "2030-07-01"
    assert enefg["renewable-2027"].threshold == 1.0
    for superseded in ("cn-miit-2021", "cn-green-dc-2019"):
        assert load_pack(superseded).effective_to is not None


def test_another_years_parameter_is_named_and_never_confirmed():
    finding = next(f for f in evaluate(load_pack("cn-green-dc-2025"), _facts({"ref": 0.4}))
                   .findings if f.rule.id == "renewable-share")
    text = finding.reason.render("en")
    assert "2023" in text and "2025" in text
    assert finding.to_dict()["confidence"] != "confirmed"


# ---------------------------------------------------------------------------- the property


def _facts(values: dict | None = None, provisional: bool = False, year: int = 2025,
           **facility) -> Facts:
    base = {"pue": 1.25, "gb40879_value": 1.25, "ttm_pue": 1.25, "ref": 0.4, "erf": 0.05,
            "rack_occupancy": 0.7, "it_utilisation": 0.6, "years_in_operation": 4.0,
            "wue_l_per_kwh": 0.4}
    base.update(values or {})
    period = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    basis = {"period": f"{period['start']}/{period['end']}", "provisional": provisional}
    metrics = {k: metric(v, "1", dict(basis)) for k, v in base.items()}
    return Facts(metrics=metrics, facility={**HEBEI, "city": "张家口市", **facility},
                 energy={"dc_kwh": (base["pue"] or 1.25) * 1e6, "it_kwh": 1e6}, period=period)


values = st.one_of(st.none(), st.floats(0.0, 3.5, allow_nan=False))
PLACES = [{"country": "CN", "province": "河北省", "city": "张家口市"},
          {"country": "CN", "province": "河北省", "city": "廊坊市"},
          {"country": "CN", "province": "北京市", "city": "北京市"},
          {"country": "DE", "province": None, "city": "Frankfurt"},
          {"country": "FR", "province": None, "city": "Paris"},
          {"country": "US", "province": None, "city": "Ashburn"}]


def violations(result, f: Facts, year: int) -> list[str]:
    """What makes a pack's verdict a false one: the property's check, on its own so that a test
    can show it catches each failure mode."""
    out = []
    for finding in result.findings:
        if finding.rule.parameter and finding.verdict in ("pass", "fail"):
            said = " ".join(t.render("en") for t in (finding.reason, finding.hint) if t)
            used = [v for v in _parameter_values(finding.rule.parameter) if v <= year]
            if (max(used) if used else None) != year and "value of the" not in said:
                out.append(f"{finding.rule.id}: another year's parameter, unnamed")
        if finding.verdict == "pass" and finding.to_dict()["confidence"] == "unverified":
            out.append(f"{finding.rule.id}: a plain pass on unverified grounds")
    gates = [x for x in result.findings if x.rule.kind == "gate"]
    if result.verdict == "pass":
        out += [f"{x.rule.id}: gate {x.verdict} under a passing pack" for x in gates
                if x.verdict not in ("pass", "not_applicable")]
    for x in result.findings:  # no rule passes on grounds its metric does not give
        if x.verdict == "pass" and x.rule.metric in f.metrics:
            basis = f.metrics[x.rule.metric]["basis"]
            if f.metrics[x.rule.metric]["value"] is None:
                out.append(f"{x.rule.id}: passes without its metric")
            if basis.get("implausible"):
                out.append(f"{x.rule.id}: passes on an implausible value")
            if x.rule.annual and basis.get("provisional"):
                out.append(f"{x.rule.id}: passes on a partial year")
            if basis.get("shares_confidence") == "unverified":
                out.append(f"{x.rule.id}: passes on declared operating-hour shares")
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pue=values, ref=values, occupancy=values, years=values, provisional=st.booleans(),
       year=st.integers(2019, 2031), cooling=st.sampled_from([None, "water_chiller",
                                                              "non_electric"]),
       status=st.sampled_from(["existing", "new", "renovated", None]),
       implausible=st.booleans(), place=st.sampled_from(PLACES),
       capacity=st.sampled_from([None, 200.0, 400.0, 800.0, 5000.0]),
       commissioned=st.sampled_from([None, "2015-03-01", "2022-06-01", "2025-01-01",
                                     "2027-01-01"]),
       hub=st.sampled_from([None, True, False]), declared_shares=st.booleans())
def test_no_pack_passes_on_missing_data_or_an_unnamed_other_years_parameter(
        pue, ref, occupancy, years, provisional, year, cooling, status, implausible, place,
        capacity, commissioned, hub, declared_shares):
    f = _facts({"pue": pue, "gb40879_value": pue, "ttm_pue": pue, "ref": ref,
                "rack_occupancy": occupancy, "years_in_operation": years},
               provisional=provisional, year=year, cooling_type=cooling, status=status,
               design_it_capacity_kw=capacity, commissioning_date=commissioned,
               national_hub_node=hub, **place)
    if implausible:
        for name in ("pue", "gb40879_value", "ttm_pue"):
            f.metrics[name]["basis"]["implausible"] = True
    if declared_shares:  # RM1 on the submitter's operating-hour shares
        f.metrics["gb40879_value"]["basis"].update(route="RM1", shares_confidence="unverified",
                                                   metered_ratio=pue)
    for pack_id in builtin_packs():
        assert violations(evaluate(load_pack(pack_id), f), f, year) == [], pack_id


def _parameter_values(name: str) -> list[int]:
    from greendc.reference.loading import load_toml

    return [v["year"] for v in load_toml("parameters.toml")[name]["values"]
            if v["scope"] == "hebei"]


def test_the_property_sees_each_failure_mode():
    """The property's check catches a pass on a missing, implausible, partial-year or
    declared-shares metric (here built by hand, as a faulty evaluator would give them)."""
    pack_ = load_pack("cn-green-dc-2025")
    gate = next(r for r in pack_.rules if r.kind == "gate" and r.metric == "gb40879_value")
    cases = {"passes without its metric": {"value": None},
             "passes on an implausible value": {"implausible": True},
             "passes on a partial year": {"provisional": True},
             "passes on declared operating-hour shares": {"shares_confidence": "unverified"}}
    for expected, change in cases.items():
        f = _facts()
        entry = f.metrics["gb40879_value"]
        if "value" in change:
            entry["value"] = None
        else:
            entry["basis"].update(change)
        faulty = PackResult(pack_, "pass", [RuleFinding(gate, "pass", observed=1.2)])
        assert [v for v in violations(faulty, f, 2025) if expected in v], expected
    honest = evaluate(pack_, _facts({"gb40879_value": None}))
    assert honest.verdict != "pass" and violations(honest, _facts(), 2025) == []


def test_mean_it_power_above_design_capacity_is_flagged_and_not_graded():
    it_month = 1_000_000.0  # kWh; 12 x 1 GWh over 8,760 h is 1,370 kW of mean IT power
    result = assessed({"facility_energy_kwh": [1_250_000.0] * 12,
                       "it_energy_kwh": [it_month] * 12}, design_it_capacity_kw=800.0)
    expected = 12 * it_month / 8760 / 800.0
    entry = result.metrics["it_utilisation"]
    assert entry["value"] == pytest.approx(expected) and expected > 1
    assert entry["basis"]["implausible"]
    assert "it_above_design" in codes(result)


def test_the_grid_factor_says_where_it_comes_from():
    grid_kwh = 12 * 1_250_000.0
    no_province = assessed({"facility_energy_kwh": [1_250_000.0] * 12,
                            "it_energy_kwh": [1_000_000.0] * 12}, province=None, city=None)
    factor = no_province.metrics["co2_t"]["basis"]["grid_factor"]
    assert factor["scope"] == "national"
    assert no_province.metrics["co2_t"]["value"] == pytest.approx(grid_kwh * factor["value"]
                                                                  / 1000)
    assert "grid_factor_national" in codes(no_province)
    hebei = assessed({"facility_energy_kwh": [1_250_000.0] * 12,
                      "it_energy_kwh": [1_000_000.0] * 12})
    assert hebei.metrics["co2_t"]["basis"]["grid_factor"]["scope"] != "national"
    assert "grid_factor_national" not in codes(hebei)
    unplaced = assessed({"facility_energy_kwh": [1_250_000.0] * 12,
                         "it_energy_kwh": [1_000_000.0] * 12}, country=None, province=None,
                        city="Frankfurt")  # the stranger's case: China's factor was used
    assert unplaced.metrics["co2_t"]["value"] is None
    abroad = assessed({"facility_energy_kwh": [1_250_000.0] * 12,
                       "it_energy_kwh": [1_000_000.0] * 12}, country="DE", province=None,
                      city="Frankfurt")
    for name in ("co2_t", "cue_kgco2_per_kwh", "co2_market_t"):
        assert abroad.metrics[name]["value"] is None  # never China's factor for Frankfurt
        assert abroad.metrics[name]["reason_code"] == "no_grid_factor"


def test_generation_above_a_months_use_is_export_not_renewable_use():
    facility, onsite = [1_250_000.0] * 12, [10_000.0] * 12
    onsite[6] = 2_000_000.0  # July: 750,000 kWh more than the site used, sent to the grid
    result = assessed({"facility_energy_kwh": facility, "it_energy_kwh": [1_000_000.0] * 12,
                       "onsite_renewable_kwh": onsite})
    used = sum(min(o, f) for o, f in zip(onsite, facility, strict=True))
    assert result.metrics["ref"]["value"] == pytest.approx(used / sum(facility))
    factor = result.metrics["co2_t"]["basis"]["grid_factor"]["value"]
    assert result.metrics["co2_t"]["value"] == pytest.approx((sum(facility) - used) * factor
                                                             / 1000)
    export = [f for f in result.findings if f.code.startswith("onsite_export")]
    assert export and export[0].params["export"] == pytest.approx(750_000.0)
    assert export[0].place.row == 2 + 6  # the July row of the Energy sheet


def test_monthly_generation_above_use_never_passes_a_renewable_rule():
    # a Zhangjiakou site whose PV makes more than it uses in every month: netted monthly, REF 1
    result = assessed({"facility_energy_kwh": [1_200_000.0 + m for m in range(12)],
                       "it_energy_kwh": [1_000_000.0 + m for m in range(12)],
                       "onsite_renewable_kwh": [2_000_000.0] * 12}, city="张家口市")
    assert result.metrics["ref"]["value"] == pytest.approx(1.0)  # the bound, shown
    assert "onsite_export_netted" in codes(result)
    for c in result.criteria:
        for f in c.findings:
            if f.rule.metric == "ref":
                assert f.verdict != "pass", (c.pack.id, f.rule.id)
    # the figures say what they are wherever they are shown (the stranger saw plain numbers)
    assert result.metrics["ref"]["basis"]["netted_bound"] == "upper"
    assert result.metrics["co2_t"]["basis"]["netted_bound"] == "lower"
    from greendc.report.html import render_html
    from greendc.report.text import text_summary

    assert "上限值" in render_html(result, "zh") and "下限值" in render_html(result, "zh")
    assert "(upper bound)" in text_summary(result, "en")


def test_a_partial_years_no_verdict_says_why_in_both_languages():
    result = assessed({"facility_energy_kwh": wavy(1_250_000.0, 7),
                       "it_energy_kwh": wavy(1_000_000.0, 7)})
    grade = next(f for f in pack(result, "gb40879-2021").findings if f.rule.id == "grade-2")
    assert grade.verdict == "insufficient_data"
    assert "7" in grade.reason.render("en").split(":", 1)[1]  # was empty after the colon
    assert "7" in grade.reason.render("zh").split("：", 1)[1]
    far, _ = seven_months_with_points([0.6, 0.3, 0.05, 0.03, 0.02],
                                      [1150.0, 1250, 1400, 1500, 1600], 1.40)
    grade = next(f for f in pack(far, "gb40879-2021").findings if f.rule.id == "grade-2")
    assert "1.400" in grade.reason.render("en")  # names the meters' ratio it differs from


def test_an_existing_liquid_cooled_site_is_outside_gb40879s_scope():
    # clause 1: new, renovated and expanded sites, and air-cooled modules with electric air
    # conditioning; an existing liquid-cooled site is neither
    energy = {"facility_energy_kwh": wavy(1_150_000.0), "it_energy_kwh": wavy(1_000_000.0)}
    existing = pack(assessed(energy, cooling_type="liquid"), "gb40879-2021")
    assert existing.grade is None and existing.verdict != "pass"
    assert {f.verdict for f in existing.findings} == {"not_applicable"}
    assert "液冷" in existing.findings[0].reason.render("zh")
    new = pack(assessed(energy, cooling_type="liquid", status="new"), "gb40879-2021")
    assert new.grade == 1  # 1.15 <= 1.20: the first limb covers a new liquid-cooled site


def test_blank_months_in_a_renewable_column_are_counted_as_none_and_said_so():
    facility = [1_200_000.0] * 12
    it = [1_000_000.0] * 12
    green = [500_000.0] * 6 + [float("nan")] * 6  # the second half-year not typed
    result = assessed({"facility_energy_kwh": facility, "it_energy_kwh": it,
                       "green_purchase_kwh": green})
    # REF counts the blank months as none: never raised by leaving cells out
    assert result.metrics["ref"]["value"] == pytest.approx(6 * 500_000 / sum(facility))
    blank = next(f for f in result.findings if f.code == "blank_counted_as_none")
    assert blank.severity == "warning"
    assert (blank.params["count"], blank.params["of"], blank.params["period"]) == (
        6, 12, "2025-07-01")
    assert "6" in blank.describe("zh") and "counted" not in blank.describe("zh")


def test_a_month_typed_about_equal_to_its_it_energy_is_no_pass():
    # the stranger's c44: July's facility energy typed about equal to IT (PUE 1.02) in a year
    # of 1.25 to 1.38: the year reads 1.275 and passed 1.30 and grade 2; no month was below 1
    it = [1_000_000.0 + 1_000 * m for m in range(12)]
    pue = [1.26, 1.26, 1.28, 1.30, 1.33, 1.36, 1.02, 1.38, 1.32, 1.28, 1.26, 1.25]
    facility = [i * p for i, p in zip(it, pue, strict=True)]
    result = assessed({"facility_energy_kwh": facility, "it_energy_kwh": it})
    assert sum(facility) / sum(it) < 1.30
    found = next(f for f in result.findings if f.code == "month_pue_implausible")
    assert found.params["count"] == 1 and "2025-07 (1.020)" in found.params["months"]
    assert result.metrics["pue"]["basis"]["implausible"]
    assert pack(result, "gb40879-2021").grade is None
    verdicts = {f.verdict for c in result.criteria for f in c.findings
                if f.rule.metric in ("pue", "gb40879_value")}
    assert "pass" not in verdicts


def held_nowhere_passed(result, code):
    """Every PUE-like figure held for ``code`` and no PUE rule passed or graded."""
    assert code in result.metrics["pue"]["basis"]["held"]
    assert pack(result, "gb40879-2021").grade is None
    return all(f.verdict != "pass" for c in result.criteria for f in c.findings
               if f.rule.metric in ("pue", "gb40879_value", "ttm_pue"))


def test_a_year_copied_from_the_year_before_is_no_pass():
    it = [1_000_000.0 + 3_000 * m for m in range(12)]
    facility = [i * (1.22 + 0.01 * (m % 6)) for m, i in enumerate(it)]
    index = pd.date_range("2024-01-01", periods=24, freq="MS", name="period_start")
    energy = pd.DataFrame({"facility_energy_kwh": facility * 2, "it_energy_kwh": it * 2},
                          index=index)
    result = assess_submission(Submission.from_frame(energy, HEBEI))
    found = next(f for f in result.findings if f.code == "copied_year")
    assert (found.params["count"], found.params["year"]) == (12, 2024)
    assert held_nowhere_passed(result, "copied_year")
    # a metered year differs from the last somewhere: nothing said
    energy.iloc[20, 0] += 1.0
    assert "copied_year" not in codes(assess_submission(Submission.from_frame(energy, HEBEI)))


def test_readings_before_commissioning_are_no_operating_year():
    it = [1_000_000.0 + 3_000 * m for m in range(12)]
    facility = [i * 1.22 for i in it]
    result = assessed({"facility_energy_kwh": facility, "it_energy_kwh": it},
                      status="new", commissioning_date="2025-03-15")
    found = next(f for f in result.findings if f.code == "before_commissioning")
    assert (found.params["count"], found.params["period"]) == (2, "2025-01-01")  # Jan, Feb
    assert held_nowhere_passed(result, "before_commissioning")


def test_ten_thousand_kwh_typed_under_a_kwh_header_is_caught_by_the_racks():
    # 万kWh values under kWh headers: PUE is right, every absolute figure 10,000 times low
    it = [(100.0 + m) for m in range(12)]  # 100 万kWh a month typed as 100 kWh
    facility = [i * 1.24 for i in it]
    result = assessed({"facility_energy_kwh": facility, "it_energy_kwh": it})
    found = next(f for f in result.findings if f.code == "it_per_rack_implausible")
    hours = sum(MONTHS.days_in_month) * 24
    assert found.params["kw"] == pytest.approx(sum(it) / hours / HEBEI["racks_in_use"])
    assert held_nowhere_passed(result, "it_per_rack_implausible")
    assert "it_per_rack_implausible" in result.metrics["co2_t"]["basis"]["held"]


def test_a_meter_repeating_one_value_all_year_is_no_pass():
    # the stranger's c29: 5,000,000 and 4,000,000 kWh typed every month: estimates, not a
    # year of readings; a meter that repeats a value for a few months only is a warning
    result = assessed({"facility_energy_kwh": [5_000_000.0] * 12,
                       "it_energy_kwh": [4_000_000.0] * 12})
    stuck = [f for f in result.findings if f.code == "stuck_meter"]
    assert len(stuck) == 2 and all(f.params["whole"] for f in stuck)
    assert held_nowhere_passed(result, "stuck_meter")
    it = wavy(4_000_000.0)
    it[3:6] = [it[3]] * 3  # three months alike: said, not held
    part = assessed({"facility_energy_kwh": wavy(5_000_000.0), "it_energy_kwh": it})
    assert "stuck_meter" in codes(part) and "held" not in part.metrics["pue"]["basis"]
