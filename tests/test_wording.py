"""What the reader reads: errors and evidence in the reader's language, numbers as people write
them, sentences that join.  Workbooks are filled the way an operator fills the blank template."""

from __future__ import annotations

import re

import openpyxl
import pytest
from test_verdicts import _facts

from greendc.authoring.template import write_submission
from greendc.criteria import evaluate, load_pack
from greendc.report.views import criteria_blocks
from greendc.validation import check_file


@pytest.fixture(scope="module")
def typed_by_hand(tmp_path_factory):
    """The English blank template, its Facility sheet typed into: a formula in Racks in use
    (saved by a tool that keeps no result) and a cooling type in the operator's own words."""
    path = tmp_path_factory.mktemp("hand") / "langfang.xlsx"
    write_submission(path, lang="en", year=2025)
    book = openpyxl.load_workbook(path)
    sheet = book["Facility"]
    rows = {str(r[0].value).split(" ")[0] + " " + str(r[0].value).split(" ")[1]: r[0].row
            for r in sheet.iter_rows(min_row=2) if r[0].value}
    typed = {"Facility name": "Langfang DC 1", "Racks installed": 3200,
             "Racks in": "=B12*0.8", "Cooling type": "water chiller plant"}
    for label, value in typed.items():
        sheet.cell(rows[label], 2, value)
    energy = book["Energy"]
    for row in range(2, 14):
        energy.cell(row, 2, 1_250_000 + row)
        energy.cell(row, 3, 1_000_000 + row)
    book.save(path)
    return path, rows


def test_field_errors_speak_the_readers_language(typed_by_hand):
    path, rows = typed_by_hand
    check = check_file(path)
    bad = {f.place.row: f for f in check.findings if f.code == "bad_field"}
    assert set(bad) == {rows["Racks in"], rows["Cooling type"]}
    cooling = bad[rows["Cooling type"]]
    assert "water-cooled chiller" in cooling.message("en")
    assert not re.search(r"[\u4e00-\u9fff]", cooling.message("en").replace(
        "water chiller plant", ""))
    assert "水冷冷机" in cooling.message("zh") and "is not" not in cooling.message("zh")
    formula = bad[rows["Racks in"]]
    assert "Excel" in formula.message("en") and "formula" in formula.message("en")
    zh = formula.message("zh")
    assert "公式" in zh and not re.search(r"[A-Za-z]{4,}", zh.replace("Excel", ""))


def test_a_gap_reads_as_people_write_numbers():
    result = evaluate(load_pack("cn-green-dc-2025"), _facts(racks_installed=900))
    hints = [f.hint for f in result.findings if f.hint and f.rule.metric == "racks_installed"]
    assert hints, "the rack-count gate gives no hint"
    gap = 3000 - 900
    assert f"by {gap:,} to reach 3,000" in hints[0].render("en")
    assert f"提高 {gap:,}，达到 3,000" in hints[0].render("zh")
    assert "e+" not in hints[0].render("en")


def test_a_declared_rules_evidence_is_two_clauses_not_one_run_on(tmp_path):
    result = evaluate(load_pack("cn-green-dc-2025"), _facts())
    data = {"criteria": [result.to_dict()]}
    for lang, separator in (("en", "; "), ("zh", "；")):
        rows = criteria_blocks(data, lang)[0]["rows"]
        declared = [r for r in rows if r["verdict"] == "declared"]
        assert declared
        for row in declared:
            reason, hint = row["evidence"].split(separator, 1)
            assert reason and hint, row["evidence"]
    en = criteria_blocks(data, "en")[0]["rows"]
    assert not any("evidence provide" in r["evidence"] for r in en)


def test_a_score_without_points_in_its_source_reads_as_a_share_of_full_marks():
    result = evaluate(load_pack("cn-green-dc-2025"), _facts({"pue": 1.20}))
    row = next(r for r in criteria_blocks({"criteria": [result.to_dict()]}, "en")[0]["rows"]
               if r["id"] == "pue-score")
    share = (1.30 - 1.20) / (1.30 - 1.10)  # nothing at 1.30, full marks at 1.10
    assert f"{share:.0%} of full marks" in row["evidence"] and "score" not in row["evidence"]


def year_with_measures(path, **fields):
    """A submission of twelve months at PUE 1.25 with the given Facility and Measures rows."""
    import pandas as pd

    months = pd.date_range("2025-01-01", periods=12, freq="MS", name="period_start")
    energy = pd.DataFrame({"facility_energy_kwh": [1_250_000.0] * 12,
                           "it_energy_kwh": [1_000_000.0] * 12}, index=months)
    return write_submission(path, energy=energy, **fields)


def test_the_savings_total_leaves_out_what_there_is_none_of(tmp_path):
    from greendc import assess
    from greendc.report.savings import savings_view

    path = year_with_measures(tmp_path / "one_measure.xlsx", lang="en",
                            facility={"facility_name": "Langfang DC 1", "country": "CN"},
                            measures=[{"technology": "our own idea", "adoption_date":
                                       "2025-03-01", "declared_savings_kwh": 120_000}])
    data = assess(path).to_dict()
    for lang, declared in (("en", "declared 120,000 kWh/yr"), ("zh", "申报 120,000 千瓦时/年")):
        total = savings_view(data, lang)["total"]
        assert declared in total
        assert "0 – 0" not in total and "0 kWh/yr;" not in total, total


def test_factor_citations_read_chinese_on_a_chinese_page():
    from test_verdicts import assessed

    from greendc.report.views import factor_rows

    data = assessed({"facility_energy_kwh": [1_250_000.0] * 12,
                     "it_energy_kwh": [1_000_000.0] * 12}).to_dict()
    zh = {source for _, _, source, _ in factor_rows(data, "zh")}
    en = {source for _, _, source, _ in factor_rows(data, "en")}
    assert any("生态环境部" in s for s in zh) and not any("Ministry" in s for s in zh)
    assert any("综合能耗计算通则" in s for s in zh)
    assert any("Ministry" in s or "MEE" in s for s in en)


def _three_column_csv(path):
    """What a site exports from its energy system: a period and two meters, nothing else."""
    rows = "".join(f"2025-{m:02d},{1_250_000 + m},{1_000_000 + m}\n" for m in range(1, 13))
    path.write_text("Period,Facility energy (kWh),IT energy (kWh)\n" + rows, encoding="utf-8")
    return path


def test_co2_without_a_province_is_labelled_by_the_national_factor(tmp_path):
    from test_verdicts import assessed

    from greendc.report.html import render_html
    from greendc.report.text import text_summary
    from greendc.report.views import indicator_rows

    # a Chinese site (country CN) with no province: the national factor, labelled as such (a
    # file naming neither country nor province gets no CO2 at all)
    result = assessed({"facility_energy_kwh": [1_250_000.0] * 12,
                       "it_energy_kwh": [1_000_000.0] * 12}, province=None, city=None)
    data = result.to_dict()
    for lang, national, local in (("en", "national-average", "location-based"),
                                  ("zh", "全国电网平均", "基于所在地电网")):
        labels = {r["name"]: r["label"] for r in indicator_rows(data, lang)}
        for name in ("co2_t", "cue_kgco2_per_kwh"):
            assert national in labels[name] and local not in labels[name], labels[name]
        assert local not in text_summary(result, lang)
        page = render_html(result, lang)
        assert local not in page and national in page
    said = [f for f in result.findings if f.code == "grid_factor_national"]
    assert said and "Province" in said[0].describe("en") and "省份" in said[0].describe("zh")


def test_co2_with_a_province_keeps_its_location_based_label():
    from test_verdicts import assessed

    from greendc.report.views import indicator_rows

    data = assessed({"facility_energy_kwh": [1_250_000.0] * 12,
                     "it_energy_kwh": [1_000_000.0] * 12}).to_dict()  # Hebei: North China grid
    labels = {r["name"]: r["label"] for r in indicator_rows(data, "en")}
    assert "location-based" in labels["co2_t"] and "national" not in labels["co2_t"]


@pytest.mark.parametrize("province, says", [
    ("Hebie", ("Hebie", "not a Chinese province greendc knows")),  # a typing slip
    # East China grid: the series publishes no 2023 value for it
    ("上海市", ("上海市", "no factor of the province or its regional grid")),
])
def test_a_declared_province_with_the_national_factor_is_not_called_undeclared(province, says):
    from test_verdicts import assessed

    result = assessed({"facility_energy_kwh": [1_250_000.0] * 12,
                       "it_energy_kwh": [1_000_000.0] * 12}, province=province)
    assert result.metrics["co2_t"]["basis"]["grid_factor"]["scope"] == "national"
    notes = [f for f in result.findings if f.code.startswith("grid_factor_national")]
    assert len(notes) == 1
    for lang in ("en", "zh"):
        text = notes[0].describe(lang)
        assert "not declared" not in text and "未申报" not in text, text
        assert says[0] in text
    assert says[1] in notes[0].describe("en")


def test_an_absurd_value_is_written_out_not_in_exponent_form(tmp_path):
    path = tmp_path / "typo.csv"  # a meter reading typed with four zeros too many
    path.write_text("Period,Facility energy (kWh),IT energy (kWh)\n2025-01,25000000000,1000000\n"
                    "2025-02,1250000,1000000\n", encoding="utf-8")
    absurd = [f for f in check_file(path).findings if f.code == "absurd_value"]
    assert absurd
    for lang in ("en", "zh"):
        text = absurd[0].message(lang)
        assert "25,000,000,000" in text and "10,000,000,000" in text, text
        assert "e+" not in text


@pytest.mark.parametrize("value, written", [
    (2100.0, "2,100"), (3000, "3,000"), (1.25, "1.25"), (0.05, "0.05"), (0.1234, "0.123"),
    (0.0000123, "0.0000123"), (12.34, "12.3"), (1234567.8, "1,234,568"),
    (1e308, "1 × 10³⁰⁸"), (2.5e18, "2.5 × 10¹⁸"), (float("inf"), "∞")])
def test_a_number_in_a_sentence_has_no_exponent(value, written):
    from greendc.reference.messages import plain_number

    assert plain_number(value) == written


ENGLISH_WORDS = re.compile(r"\b[a-z]{2,}(?:[ ,'’-]+[a-z]{2,})+\b")  # two English words running


def test_chinese_rule_packs_cite_their_sources_without_english_words():
    from greendc.criteria import builtin_packs

    for pack_id in builtin_packs():
        pack_ = load_pack(pack_id)
        if not pack_.jurisdiction.startswith("CN"):
            continue  # foreign documents are cited by their own (English) names
        for rule in pack_.rules:
            cited = "; ".join(str(v) for k, v in rule.source.items() if k not in ("url", "pack"))
            assert not ENGLISH_WORDS.search(cited), (pack_id, rule.id, cited)


def test_factor_sources_carry_their_official_chinese_titles():
    from greendc.reference.factors import coal_equivalent, grid_factor

    national = grid_factor(None, 2025)  # the 2023 factors, the latest the series holds
    assert "关于发布2023年电力二氧化碳排放因子的公告" in national.source_zh
    market = grid_factor(None, 2025, series="carbon-market")
    assert "环办气候函〔2023〕43号" in market.source_zh
    for factor in (national, market, coal_equivalent()):
        assert factor.source_zh and not ENGLISH_WORDS.search(factor.source_zh), factor


def test_a_measure_that_is_not_a_saving_says_why_in_chinese(tmp_path):
    from greendc import assess
    from greendc.report.savings import savings_view

    path = year_with_measures(tmp_path / "heat.xlsx", lang="zh",
                            facility={"facility_name": "廊坊一号", "province": "河北省"},
                            measures=[{"technology": "余热回收", "adoption_date": "2025-03-01"},
                                      {"technology": "屋顶光伏", "adoption_date": "2025-05-01"}])
    data = assess(path).to_dict()
    rows = savings_view(data, "zh")["rows"]
    assert len(rows) == 2
    for row in rows:
        said = " ".join(row["details"])
        assert "节能量" in said and not ENGLISH_WORDS.search(said), said
    english = " ".join(d for row in savings_view(data, "en")["rows"] for d in row["details"])
    assert "not as a saving" in english


def test_a_yes_or_no_in_the_criteria_table_reads_in_the_pages_language():
    result = evaluate(load_pack("cn-green-dc-2025"),
                      _facts(commissioning_date="2023-06-01", national_hub_node=False))
    data = {"criteria": [result.to_dict()]}
    for lang, yes, no in (("zh", "是", "否"), ("en", "yes", "no")):
        row = next(r for r in criteria_blocks(data, lang)[0]["rows"] if r["id"] == "hub-node")
        assert (row["observed"], row["required"]) == (no, yes), row


@pytest.mark.parametrize("typed", ["非电", "非电制冷", "溴化锂吸收式制冷", "non electric"])
def test_the_short_forms_operators_type_for_non_electric_cooling_are_read(typed):
    from greendc.reading.tables import parse_field
    from greendc.reference.columns import fields

    value, problem = parse_field(fields("facility")["cooling_type"], typed)
    assert (value, problem) == ("non_electric", None)


def test_a_long_row_list_reads_as_one_phrase_in_zh():
    from greendc.findings import Place

    place = Place(sheet="能耗数据", rows=list(range(2, 14)))  # 12 rows, 5 shown
    assert place.describe("zh") == "工作表“能耗数据”，第 2、3、4、5、6 行等（另有 7 行）"
    assert place.describe("en") == "sheet 能耗数据, rows 2, 3, 4, 5, 6 and 7 more"
    assert Place(rows=[3, 4]).describe("zh") == "第 3、4 行"


@pytest.mark.parametrize("typed, code", [("中国", "CN"), ("中华人民共和国", "CN"), ("China", "CN"),
                                         ("德国", "DE"), ("Deutschland", "DE"), ("USA", "US"),
                                         ("Atlantis", "Atlantis")])
def test_a_country_as_operators_write_it_is_its_code(typed, code):
    # packs and factor tables name countries by ISO code: 国家 = 中国 once matched no pack
    from greendc.reading.tables import parse_field
    from greendc.reference.columns import fields

    assert parse_field(fields("facility")["country"], typed) == (code, None)
