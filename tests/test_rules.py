"""Rule packs: loading and checking, every built-in pack at its thresholds, verdict logic."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from greendc import criteria as rules
from greendc.cli import main
from greendc.criteria import Facts, evaluate, load_pack
from greendc.criteria.loading import CONFIDENCE
from greendc.errors import PackError
from greendc.metrics.suite import metric

YEAR = {"start": "2025-01-01", "end": "2025-12-31"}
FACILITY = {"country": "CN", "province": "河北省", "city": "张家口市", "status": "existing",
            "racks_installed": 3200, "racks_in_use": 2450, "cooling_type": "evaporative",
            "national_hub_node": True, "commissioning_date": "2021-09-01",
            "design_it_capacity_kw": 8000.0}


Y2023 = {"start": "2023-01-01", "end": "2023-12-31"}


def facts(values: dict | None = None, provisional: bool = False, period=YEAR, **facility):
    """Facts with every metric set (overridable), a full year unless provisional."""
    base = {"pue": 1.25, "gb40879_value": 1.25, "ttm_pue": 1.25, "ref": 0.4, "erf": 0.05,
            "rack_occupancy": 0.7, "it_utilisation": 0.6, "years_in_operation": 4.0,
            "wue_l_per_kwh": 0.4}
    base.update(values or {})
    basis = {"period": f"{period['start']}/{period['end']}", "provisional": provisional,
             "provisional_reason": "6 consecutive month(s) of data, fewer than 12"
             if provisional else None}
    metrics = {k: metric(v, "1", basis if k not in ("rack_occupancy", "years_in_operation")
                         else {}, "absent in this test") for k, v in base.items()}
    return Facts(metrics=metrics, facility={**FACILITY, **facility},
                 energy={"dc_kwh": base["pue"] * 1_000_000.0, "it_kwh": 1_000_000.0},
                 period=period)


def verdicts(pack_id: str, f: Facts) -> dict[str, str]:
    return {x.rule.id: x.verdict for x in evaluate(load_pack(pack_id), f).findings}


# ---------------------------------------------------------------------------- loading


def test_every_builtin_pack_loads_with_sources():
    ids = rules.builtin_packs()
    assert set(ids) == {"gb40879-2021", "cn-green-dc-2025", "cn-green-dc-2019", "cn-miit-2021",
                        "cn-action-plan-2024", "jjj-zhangjiakou", "hebei-pilot", "beijing-2024",
                        "cn-gov-procurement-2023", "eu-eed-2024", "de-enefg", "us-dcoi",
                        "cn-ndrc-2021"}
    for pack_id in ids:
        pack = load_pack(pack_id)
        assert pack.id == pack_id
        assert pack.source.get("document"), pack_id
        for rule in pack.rules:
            assert rule.source.get("document"), (pack_id, rule.id)
            assert rule.confidence in CONFIDENCE


@pytest.mark.parametrize(("text", "message"), [
    ("[pack]\nid='x'\nversion='1'\ntitle_zh='x'\ntitle_en='x'\nkind='k'\n[[rules]]\nid='r'\n"
     "title_zh='t'\ntitle_en='t'\nkind='gate'\nmetric='pue'\noperator='=<'\nthreshold=1.3\n",
     "rule 'r': operator '=<' is not one of <=, <, >=, >"),
    ("[pack]\nid='x'\nversion='1'\ntitle_zh='x'\ntitle_en='x'\nkind='k'\n[[rules]]\nid='r'\n"
     "title_zh='t'\ntitle_en='t'\nkind='gate'\nmetric='pue'\noperator='<='\nthreshhold=1.3\n",
     "rule 'r': unknown field(s) threshhold; valid fields:"),
    ("[pack]\nid='x'\nversion='1'\ntitle_zh='x'\ntitle_en='x'\nkind='k'\n[[rules]]\nid='r'\n"
     "title_zh='t'\ntitle_en='t'\nkind='must'\nmetric='pue'\noperator='<='\nthreshold=1.3\n",
     "rule 'r': kind 'must' is not one of gate, score, grade, advisory, declared"),
    ("[pack]\nid='x'\nversion='1'\ntitle_zh='x'\ntitle_en='x'\nkind='k'\n[[rules]]\nid='r'\n"
     "title_zh='t'\ntitle_en='t'\nkind='gate'\nmetric='pue'\noperator='<='\n",
     "rule 'r': operator '<=' needs 'threshold'"),
    ("[pack]\nid='x'\nversion='1'\ntitle_zh='x'\ntitle_en='x'\nkind='k'\n[[rules]]\nid='r'\n"
     "title_zh='t'\ntitle_en='t'\nkind='gate'\nmetric='pue'\noperator='<='\nthreshold=1\n"
     "applies_when={racks_installed={'more'=100}}\n",
     "applies_when.racks_installed: unknown operator 'more'"),
    ("[pack]\nid='x'\nversion='1'\ntitle_zh='x'\ntitle_en='x'\n", "[pack] is missing 'kind'"),
    ("[pack\n", "not valid TOML"),
])
def test_malformed_pack_names_the_file_rule_and_field(tmp_path, text, message):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack(str(path))
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_user_pack_from_a_path(tmp_path):
    path = tmp_path / "reviewer.toml"
    path.write_text("""
[pack]
id = "reviewer-2026"
version = "1"
title_zh = "审核员自定义"
title_en = "Reviewer's own"
kind = "profile"
source = { document = "provincial review guideline (draft)" }

[[include]]
pack = "gb40879-2021"
rules = ["limit"]

[[rules]]
id = "tight-pue"
title_zh = "PUE不高于1.22"
title_en = "PUE at most 1.22"
metric = "pue"
operator = "<="
threshold = 1.22
kind = "gate"
""", encoding="utf-8")
    result = evaluate(load_pack(str(path)), facts({"pue": 1.25}))
    assert result.verdict == "fail"
    by_id = {f.rule.id: f for f in result.findings}
    assert by_id["gb40879-2021/limit"].verdict == "pass"
    assert by_id["gb40879-2021/limit"].rule.source["pack"] == "gb40879-2021"
    assert by_id["tight-pue"].verdict == "fail"
    assert by_id["tight-pue"].rule.source["document"] == "provincial review guideline (draft)"


def test_unknown_pack_lists_the_builtin_ones():
    with pytest.raises(PackError, match=r"unknown rule pack 'gb40879'.*gb40879-2021"):
        load_pack("gb40879")


# ---------------------------------------------------------------------------- gb40879


@pytest.mark.parametrize(("value", "grade", "limit"), [
    (1.20, 1, "pass"), (1.2001, 2, "pass"), (1.30, 2, "pass"), (1.3001, 3, "pass"),
    (1.50, 3, "pass"), (1.5001, None, "fail"),
])
def test_gb40879_grades_at_each_threshold(value, grade, limit):
    result = evaluate(load_pack("gb40879-2021"), facts({"gb40879_value": value}))
    assert result.grade == grade
    assert verdicts("gb40879-2021", facts({"gb40879_value": value}))["limit"] == limit
    assert result.verdict == limit


def test_gb40879_edge_site_and_non_electric_cooling_are_not_applicable():
    edge = evaluate(load_pack("gb40879-2021"), facts({"gb40879_value": 1.8}, racks_installed=100))
    assert edge.verdict == "not_applicable" and edge.grade is None
    assert all(f.verdict == "not_applicable" for f in edge.findings)
    assert "Racks installed is above 100; here 100" in edge.findings[0].reason.render("en")
    absorb = evaluate(load_pack("gb40879-2021"), facts(cooling_type="non_electric"))
    assert absorb.verdict == "not_applicable"


def test_partial_year_never_passes():
    result = evaluate(load_pack("gb40879-2021"), facts({"gb40879_value": 1.1}, provisional=True))
    assert result.verdict == "insufficient_data"
    assert result.grade is None
    finding = result.findings[0]
    assert finding.observed == 1.1  # shown, but not judged
    assert "no verdict on a partial year" in finding.reason.render("en")


def test_unknown_applicability_is_insufficient_data():
    f = facts()
    f.facility.pop("racks_installed")
    result = evaluate(load_pack("gb40879-2021"), f)
    assert result.verdict == "insufficient_data"
    assert "Racks installed is not given" in result.findings[0].reason.render("en")


def test_pue_hint_names_the_energy_to_cut():
    finding = evaluate(load_pack("gb40879-2021"), facts({"gb40879_value": 1.25})).findings[0]
    # grade 1 needs E_DC <= 1.20 x 1,000,000: cut 50,000 kWh of 1,250,000 (4.0 %)
    assert finding.verdict == "fail"
    assert finding.margin == pytest.approx(-0.05)
    assert finding.hint.render("en") == ("cut non-IT energy by 50 MWh (4.0% of E_DC) at the same "
                                         "IT energy to reach 1.2")


def test_rule_not_yet_in_force():
    old = {"start": "2021-01-01", "end": "2021-12-31"}
    result = evaluate(load_pack("gb40879-2021"), facts(period=old))
    assert result.verdict == "not_applicable"
    assert "from 2022-11-01" in result.reason.render("en")


# ---------------------------------------------------------------------------- national packs


@pytest.mark.parametrize(("pue", "expected"), [(1.30, "pass"), (1.3001, "fail")])
def test_cn_green_dc_2025_pue_gate_at_threshold(pue, expected):
    found = verdicts("cn-green-dc-2025", facts({"pue": pue, "gb40879_value": pue}))
    assert found["pue"] == expected


def test_cn_green_dc_2025_gates_and_declared_items():
    result = evaluate(load_pack("cn-green-dc-2025"), facts())
    v = {f.rule.id: f.verdict for f in result.findings}
    # every other measured gate passes, but Hebei's 2025 renewable weight is not held: a pass
    # on the 2023 value is no pass, so the pack has no verdict (not "conditional")
    assert v["renewable-share"] == "insufficient_data"
    assert result.verdict == "insufficient_data"
    assert v["gbt44989-level-2"] == "declared" and v["servers-gb43630"] == "declared"
    assert v["hub-node"] == "not_applicable"  # commissioned 2021
    assert verdicts("cn-green-dc-2025", facts(commissioning_date="2023-05-01",
                                               national_hub_node=False))["hub-node"] == "fail"
    at = {f.rule.id: f for f in evaluate(load_pack("cn-green-dc-2025"),
                                         facts({"ref": 0.191, "rack_occupancy": 0.60,
                                                "years_in_operation": 1.0},
                                               racks_installed=3000)).findings}
    for rule_id in ("occupancy", "stable-operation", "racks"):
        assert at[rule_id].verdict == "pass", rule_id
    share = at["renewable-share"]
    assert share.required == 0.190  # Hebei's 2023 non-hydro weight (the notice: wind and solar)
    assert share.verdict == "insufficient_data"  # 0.191 clears 2023's 0.190, not 2025's
    assert "2023" in share.reason.render("en") and "2025" in share.reason.render("en")
    assert share.to_dict()["confidence"] == "secondary"  # another year's value: not confirmed
    short = next(f for f in evaluate(load_pack("cn-green-dc-2025"),
                                     facts({"ref": 0.10})).findings
                 if f.rule.id == "renewable-share")
    assert short.verdict == "fail"  # below the older value: the fail stands, naming the year
    assert "2023" in short.reason.render("en")
    below = verdicts("cn-green-dc-2025", facts({"rack_occupancy": 0.5999}, racks_installed=2999))
    assert below["occupancy"] == "fail" and below["racks"] == "fail"


def test_cn_green_dc_2025_scores():
    result = evaluate(load_pack("cn-green-dc-2025"), facts({"pue": 1.20, "ref": 0.80}))
    scores = {f.rule.id: f.score for f in result.findings if f.rule.kind == "score"}
    assert scores == {"renewable-score": 8.0}  # points only where the notice gives points
    assert result.score == 8.0 and result.max_score == 8.0
    share = next(f for f in result.findings if f.rule.id == "pue-score")
    assert share.rule.kind == "advisory" and share.score == pytest.approx(0.5)  # share of full
    partial = evaluate(load_pack("cn-green-dc-2025"), facts({"ref": 0.8}, provisional=True))
    assert partial.score is None  # an unverdicted scored rule is not a silent zero


def test_renewable_weight_unknown_outside_hebei():
    f = facts(province="广东省", city="深圳市")
    finding = next(x for x in evaluate(load_pack("cn-green-dc-2025"), f).findings
                   if x.rule.id == "renewable-share")
    assert finding.verdict == "insufficient_data"
    assert "广东省" in finding.reason.render("en")


@pytest.mark.parametrize(("pue", "score"), [(1.20, 56), (1.30, 54), (1.50, 50)])
def test_cn_green_dc_2019_score_golden(pue, score):
    # DOMAIN.md section 6: 2019 national score 80 - 20 x PUE
    result = evaluate(load_pack("cn-green-dc-2019"), facts({"pue": pue}, period=Y2023))
    found = next(f.score for f in result.findings if f.rule.id == "pue-score")
    assert found == pytest.approx(score)


@pytest.mark.parametrize(("utilisation", "points"), [(0.70, 3), (0.6999, 2), (0.50, 2), (0.30, 1),
                                                     (0.2999, 0)])
def test_cn_green_dc_2019_utilisation_bands(utilisation, points):
    result = evaluate(load_pack("cn-green-dc-2019"), facts({"it_utilisation": utilisation},
                                                           period=Y2023))
    assert next(f.score for f in result.findings
                if f.rule.id == "it-utilisation-score") == points


def test_cn_miit_2021_by_date_and_site():
    new_large = dict(status="new", racks_installed=3000)
    y2022 = {"start": "2022-01-01", "end": "2022-12-31"}
    assert verdicts("cn-miit-2021", facts({"pue": 1.3499}, period=y2022, **new_large)) == {
        "pue-2021": "pass", "pue-2023": "not_applicable", "pue-cold-region": "fail"}
    assert verdicts("cn-miit-2021", facts({"pue": 1.30}, period=Y2023,
                                          **new_large))["pue-2023"] == "fail"
    assert set(verdicts("cn-miit-2021", facts(period=Y2023)).values()) == {"not_applicable"}
    assert evaluate(load_pack("cn-miit-2021"), facts()).verdict == "not_applicable"  # ended 2023


def test_cn_action_plan_2024():
    new = {"status": "new", "commissioning_date": "2025-03-01"}  # approved after the plan
    assert verdicts("cn-action-plan-2024", facts({"pue": 1.20}, **new))["pue-hub-node"] == "pass"
    assert verdicts("cn-action-plan-2024", facts({"pue": 1.2001}, **new))["pue-hub-node"] \
        == "fail"
    off_hub = verdicts("cn-action-plan-2024", facts({"pue": 1.25}, status="renovated",
                                                    commissioning_date="2025-03-01",
                                                    national_hub_node=False))
    assert off_hub["pue-new-large"] == "pass" and off_hub["pue-hub-node"] == "not_applicable"
    assert verdicts("cn-action-plan-2024", facts())["pue-new-large"] == "not_applicable"
    # limits for new projects never judge a site that operated before the plan
    old = verdicts("cn-action-plan-2024", facts({"pue": 1.40}, status="new",
                                                commissioning_date="2019-06-01"))
    assert old["pue-hub-node"] == old["pue-new-large"] == "not_applicable"


@pytest.mark.parametrize(("pue", "occupancy", "verdict"), [(1.25, 0.65, "pass"),
                                                          (1.2501, 0.65, "fail"),
                                                          (1.25, 0.6499, "fail")])
def test_jjj_zhangjiakou_thresholds(pue, occupancy, verdict):
    """The cluster's average targets (起步区建设目标) are context for one facility, not its gate:
    each rule still says pass or fail, the pack is advisory."""
    result = evaluate(load_pack("jjj-zhangjiakou"), facts({"pue": pue,
                                                           "rack_occupancy": occupancy}))
    rules = {f.rule.id: f.verdict for f in result.findings}
    assert ("fail" if "fail" in (rules["pue"], rules["occupancy"]) else "pass") == verdict
    assert result.verdict == "advisory"


def test_jjj_zhangjiakou_elsewhere_is_not_applicable():
    assert evaluate(load_pack("jjj-zhangjiakou"), facts(city="廊坊市")).verdict == "not_applicable"


def test_hebei_pilot_is_a_composed_profile():
    pack = load_pack("hebei-pilot")
    assert pack.kind == "composed profile"
    included = [r for r in pack.rules if "/" in r.id]
    assert included and all(r.source["pack"] in r.id for r in included)
    result = evaluate(pack, facts())
    assert result.verdict == "insufficient_data"  # the 2025 renewable weight is not held
    v = {f.rule.id: f.verdict for f in result.findings}
    assert v["focus-city"] == "pass" and v["jjj-zhangjiakou/pue"] == "pass"
    assert verdicts("hebei-pilot", facts(city="怀来县"))["focus-city"] == "pass"  # Zhangjiakou
    langfang = verdicts("hebei-pilot", facts(city="廊坊市"))
    assert langfang["jjj-zhangjiakou/pue"] == "not_applicable" and langfang["focus-city"] == "pass"
    assert evaluate(pack, facts(province="山西省")).verdict == "not_applicable"
    assert evaluate(pack, facts({"pue": 1.31})).verdict == "fail"


def test_beijing_surcharge_cost_exposure():
    beijing = dict(province="北京市", city="北京市")
    y2026 = {"start": "2026-01-01", "end": "2026-12-31"}
    at_limit = evaluate(load_pack("beijing-2024"), facts({"pue": 1.35}, period=y2026, **beijing))
    assert next(f for f in at_limit.findings if f.rule.id == "surcharge").cost_cny == 0.0
    over = evaluate(load_pack("beijing-2024"), facts({"pue": 1.5}, period=y2026, **beijing))
    surcharge = next(f for f in over.findings if f.rule.id == "surcharge")
    # assumed base: E_DC - 1.35 x E_IT = 1,500,000 - 1,350,000 = 150,000 kWh at 0.20 CNY/kWh
    assert surcharge.verdict == "fail"
    assert surcharge.cost_cny == pytest.approx(150_000 * 0.20)
    assert "assumed surcharge base" in surcharge.hint.render("en")
    far = evaluate(load_pack("beijing-2024"), facts({"pue": 2.71}, period=y2026, **beijing))
    assert next(f for f in far.findings if f.rule.id == "surcharge").hint.params["rate"] == 0.50
    before = verdicts("beijing-2024", facts({"pue": 1.5}, **beijing))
    assert before["surcharge"] == "not_applicable"  # from 2026
    assert evaluate(load_pack("beijing-2024"), facts()).verdict == "not_applicable"


@pytest.mark.parametrize(("end", "pue", "ref", "verdict"), [
    ("2024-12-31", 1.40, 0.05, "pass"), ("2024-12-31", 1.4001, 0.05, "fail"),
    ("2025-12-31", 1.30, 0.30, "pass"), ("2025-12-31", 1.30, 0.2999, "fail"),
    ("2027-12-31", 1.30, 0.50, "pass"), ("2032-12-31", 1.30, 0.99, "fail"),
])
def test_gov_procurement_thresholds_change_with_the_year(end, pue, ref, verdict):
    period = {"start": end[:4] + "-01-01", "end": end}
    result = evaluate(load_pack("cn-gov-procurement-2023"), facts({"pue": pue, "ref": ref},
                                                                  period=period))
    # the energy-management item (财库〔2023〕7号) is declared: a pass is conditional on it
    assert result.verdict == ("conditional" if verdict == "pass" else verdict)


def test_eu_eed_applicability_and_completeness():
    eu = dict(country="DE", province=None, city="Frankfurt")
    result = evaluate(load_pack("eu-eed-2024"), facts(**eu))
    assert result.verdict == "conditional"
    small = evaluate(load_pack("eu-eed-2024"), facts(design_it_capacity_kw=499.0, **eu))
    assert small.verdict == "not_applicable"
    at = evaluate(load_pack("eu-eed-2024"), facts(design_it_capacity_kw=500.0, **eu))
    assert at.verdict != "not_applicable"
    f = facts(**eu)
    f.metrics["wue_l_per_kwh"] = metric(None, "L/kWh", {}, "no_water_column")
    missing = evaluate(load_pack("eu-eed-2024"), f)
    assert missing.verdict == "insufficient_data"
    assert evaluate(load_pack("eu-eed-2024"), facts()).verdict == "not_applicable"  # China


def test_de_enefg_new_sites():
    de = dict(country="DE", province=None, city="Berlin", commissioning_date="2026-09-01",
              design_it_capacity_kw=1000.0)
    period = {"start": "2027-01-01", "end": "2027-12-31"}
    ok = verdicts("de-enefg", facts({"pue": 1.2, "erf": 0.10, "ref": 1.0}, period=period, **de))
    assert {k: ok[k] for k in ("pue-new", "erf-new", "erf-new-later", "renewable-2027")} == {
        "pue-new": "pass", "erf-new": "pass", "erf-new-later": "fail", "renewable-2027": "pass"}
    assert verdicts("de-enefg", facts({"pue": 1.2001}, period=period, **de))["pue-new"] == "fail"
    older = verdicts("de-enefg", facts({"pue": 1.45}, period=period,
                                       **{**de, "commissioning_date": "2020-01-01"}))
    assert older["pue-new"] == older["erf-new"] == "not_applicable"
    assert older["pue-existing-2027"] == "pass" and older["pue-existing-2030"] == "not_applicable"
    small_site = {**de, "design_it_capacity_kw": 200.0}
    small = evaluate(load_pack("de-enefg"), facts(period=period, **small_site))
    assert small.verdict == "not_applicable"  # below the 300 kW threshold


@pytest.mark.parametrize(("status", "pue", "rule", "verdict"), [
    ("existing", 1.4999, "pue-existing", "pass"), ("existing", 1.5, "pue-existing", "fail"),
    ("new", 1.4, "pue-new", "pass"), ("new", 1.4001, "pue-new", "fail"),
])
def test_us_dcoi(status, pue, rule, verdict):
    us = dict(country="US", province=None, city="Denver", status=status)
    y2018 = {"start": "2018-01-01", "end": "2018-12-31"}  # M-16-19's targets, until M-19-19
    assert verdicts("us-dcoi", facts({"pue": pue}, period=y2018, **us))[rule] == verdict
    assert evaluate(load_pack("us-dcoi"), facts({"pue": pue}, **us)).verdict == "not_applicable"


def test_default_packs_follow_the_location():
    # the national plans' new-project limits are checked by default (not applicable to sites
    # commissioned before them; a new site was once told 'pass' without them)
    national = ["cn-action-plan-2024", "cn-green-dc-2025", "cn-ndrc-2021", "gb40879-2021"]
    assert rules.default_packs(facts()) == [*national, "hebei-pilot", "jjj-zhangjiakou"]
    assert rules.default_packs(facts(city="廊坊市")) == [*national, "hebei-pilot"]
    assert rules.default_packs(facts(province="北京市", city="北京市")) == [
        "beijing-2024", *national]
    assert rules.default_packs(facts(country="US", province=None, city="Denver")) == []
    # DCOI bound federal agencies and ended in 2019: never a default for a US site
    assert rules.default_packs(facts(country="DE", province=None, city="Frankfurt")) == [
        "de-enefg", "eu-eed-2024"]
    assert rules.default_packs(facts(country="FR", province=None, city="Paris")) == [
        "eu-eed-2024"]


# ---------------------------------------------------------------------------- on the demo


def test_demo_shows_grade_national_and_hebei_verdicts_with_evidence(hourly_xlsx, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["assess", str(hourly_xlsx), "--json", "-", "-o",
                                  str(tmp_path / "r.html"), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    packs = {c["pack"]: c for c in data["criteria"]}
    assert packs["gb40879-2021"]["grade"] == 2
    # the demo's year is 2025, whose Hebei renewable weight is not held: no verdict
    assert packs["cn-green-dc-2025"]["verdict"] == "insufficient_data"
    assert packs["hebei-pilot"]["verdict"] == "insufficient_data"
    for pack in packs.values():
        for finding in pack["findings"]:
            assert finding["source"].get("document"), finding["rule"]
            if finding["verdict"] in ("pass", "fail") and finding["operator"] in ("<=", ">="):
                assert finding["observed"] is not None and finding["required"] is not None
                assert finding["margin"] is not None
    assert "gb40879-2021             pass (grade 2)" in result.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="pack-hebei-pilot"' in html and 'id="rule-gb40879-2021-grade-2"' in html


def test_cli_criteria_option_and_commands(hourly_xlsx, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["assess", str(hourly_xlsx), "--json", "-", "--no-report",
                                  "--criteria", "cn-green-dc-2019,us-dcoi"])
    assert [c["pack"] for c in json.loads(result.stdout)["criteria"]] == ["cn-green-dc-2019",
                                                                          "us-dcoi"]
    bad = runner.invoke(main, ["assess", str(hourly_xlsx), "--criteria", "nope"])
    assert bad.exit_code == 2 and "unknown rule pack 'nope'" in bad.stderr  # a bad option
    listing = runner.invoke(main, ["criteria", "list"])
    assert listing.exit_code == 0 and "hebei-pilot" in listing.output
    shown = runner.invoke(main, ["criteria", "show", "gb40879-2021", "--lang", "en"])
    assert "grade-2 [grade, secondary source] Grade 2: power ratio at most 1.30" in shown.output
    assert "test: gb40879_value <= 1.3" in shown.output


def test_dates_are_dates():
    assert load_pack("gb40879-2021").effective_from == dt.date(2022, 11, 1)
