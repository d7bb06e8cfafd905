"""A total column beside the numbered meters it totals (总进线 beside 1#进线, 2#进线): the
total is used, and when the meters' sum contradicts it beyond the meters' accuracy the file
contradicts itself, so no rule is judged on the figures that use that energy.

Workbooks are written as an operator types them (title row, Chinese headers, a 合计 row, a
note under the table, a 基本信息 sheet); every expectation is computed here from the inputs.
"""

from __future__ import annotations

import calendar
from datetime import datetime

import openpyxl
import pytest

from greendc import assess

PUE_BY_MONTH = [1.26, 1.26, 1.28, 1.31, 1.35, 1.38, 1.40, 1.40, 1.34, 1.30, 1.27, 1.26]
IT_KW = 5000
IT = [calendar.monthrange(2025, m)[1] * 24 * IT_KW for m in range(1, 13)]
FACILITY = [round(i * p) for i, p in zip(IT, PUE_BY_MONTH, strict=True)]
# the assessment's PUE-like rules: none may pass or fail on a disputed total
PUE_LIKE = ("pue", "ttm_pue", "dcie", "gb40879_value")


def workbook(path, headers, rows, city="张家口市"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "能耗数据"
    ws.append([f"{city[:-1]}Q数据中心 2025年能耗月报"])
    ws.append(headers)
    for m, values in enumerate(rows, start=1):
        ws.append([f"2025-{m:02d}", *values])
    ws.append(["合计", *(sum(r[i] for r in rows if isinstance(r[i], (int, float)))
                         for i in range(len(headers) - 1))])
    ws.append([])
    ws.append(["注：数据来源于配电室关口表及UPS输出表，填表人：王五"])
    info = wb.create_sheet("基本信息")
    info.append(["项目", "内容"])
    for row in (["数据中心名称", "张家口Q数据中心"], ["国家", "中国"], ["省份", "河北省"],
                ["城市", city], ["建设状态", "既有"], ["投运日期", datetime(2018, 5, 1)],
                ["已安装机架数", 2000], ["在用机架数", 1900], ["制冷方式", "间接蒸发冷却"]):
        info.append(row)
    wb.save(path)
    return path


INCOMERS = ["月份", "1#进线电量(kWh)", "2#进线电量(kWh)", "总进线电量(kWh)", "IT设备用电量(kWh)"]
FIRST = [round(f * 0.55) for f in FACILITY]  # 1#进线; 2#进线 carries the rest
SECOND = [f - a for f, a in zip(FACILITY, FIRST, strict=True)]


def incomers(path, total):
    """Two incomers summing to FACILITY, a 总进线 column typed as ``total``, IT in kWh."""
    return workbook(path, INCOMERS, [[a, b, t, i] for a, b, t, i in
                                     zip(FIRST, SECOND, total, IT, strict=True)])


def finding(result, code):
    return next(f for f in result.findings if f.code == code)


def rule_verdicts(result, metrics=PUE_LIKE):
    return [(c.pack.id, f.rule.id, f.verdict) for c in result.criteria for f in c.findings
            if f.rule.metric in metrics]


def judged_none(result):
    """No PUE-like rule passed or failed, and some were held for want of data."""
    verdicts = {v for _, _, v in rule_verdicts(result)}
    return "insufficient_data" in verdicts and not verdicts & {"pass", "fail"}


def test_a_total_below_its_incomers_is_no_pass(tmp_path):
    # the re-check's workbook: 总进线 typed 8 % below 1#进线 + 2#进线 every month
    first = [round(f * 0.55) for f in FACILITY]
    second = [f - a for f, a in zip(FACILITY, first, strict=True)]
    total = [round(f * 0.92) for f in FACILITY]
    path = workbook(tmp_path / "Q.xlsx",
                    ["月份", "1#进线电量(kWh)", "2#进线电量(kWh)", "总进线电量(kWh)",
                     "IT设备用电量(万kWh)"],
                    [[a, b, t, round(i / 1e4, 2)]
                     for a, b, t, i in zip(first, second, total, IT, strict=True)])
    result = assess(path)
    on_total = sum(total) / sum(IT)
    assert on_total < 1.25 < sum(FACILITY) / sum(IT)  # the total alone would pass 1.25 and 1.30
    assert result.metrics["pue"]["value"] == pytest.approx(on_total)  # the total is used ...
    found = finding(result, "total_differs_parts")
    assert found.severity == "warning"
    assert found.params["stated"] == pytest.approx(sum(total))
    assert found.params["summed"] == pytest.approx(sum(FACILITY))
    assert found.params["difference"] == pytest.approx(sum(total) / sum(FACILITY) - 1)
    assert (found.params["periods"], found.params["apart"]) == (12, 12)
    assert found.place.sheet == "能耗数据" and found.place.column == "总进线电量(kWh)"
    assert found.place.rows[:2] == (3, 4)  # the first month is row 3 under the title
    # ... and nothing is judged on it: no pass, no grade
    assert judged_none(result)
    assert next(c for c in result.criteria if c.pack.id == "gb40879-2021").grade is None
    for name in (*PUE_LIKE, "co2_t", "energy_tce_equivalent"):
        assert result.metrics[name]["basis"]["held"] == ["meters_disagree"]
    # the rack gate does not use the energy: it is still judged
    assert ("cn-green-dc-2025", "occupancy", "pass") in rule_verdicts(result, ("rack_occupancy",))
    # both languages name both sums
    for lang in ("en", "zh"):
        text = found.describe(lang)
        assert f"{sum(total):,.0f}" in text and f"{sum(FACILITY):,.0f}" in text


def test_an_it_total_above_its_ups_outputs_is_no_pass(tmp_path):
    # an IT total typed high makes PUE low: the dangerous direction for the IT energy
    ups = [[round(i * s) for s in (0.5, 0.3)] for i in IT]
    ups = [[a, b, i - a - b] for (a, b), i in zip(ups, IT, strict=True)]
    it_total = [round(i * 1.05) for i in IT]
    path = workbook(tmp_path / "ups.xlsx",
                    ["月份", "总用电量(kWh)", "1#UPS输出(kWh)", "2#UPS输出(kWh)",
                     "3#UPS输出(kWh)", "UPS输出合计(kWh)"],
                    [[f, *u, t] for f, u, t in zip(FACILITY, ups, it_total, strict=True)])
    result = assess(path)
    assert result.metrics["pue"]["value"] == pytest.approx(sum(FACILITY) / sum(it_total))
    found = finding(result, "total_differs_parts")
    assert found.params["difference"] == pytest.approx(sum(it_total) / sum(IT) - 1)
    assert found.params["role_en"].startswith("IT")
    assert judged_none(result)
    assert result.metrics["it_utilisation"]["basis"]["held"] == ["meters_disagree"]


def test_a_total_within_the_meters_accuracy_is_judged(tmp_path):
    # the total read off its own meter: within 0.6 % of the incomers' sum, off both ways
    total = [round(f * (1.006 if m % 2 else 0.995)) for m, f in enumerate(FACILITY)]
    result = assess(incomers(tmp_path / "agree.xlsx", total))
    assert abs(sum(total) / sum(FACILITY) - 1) < 0.02
    codes = {f.code for f in result.findings}
    assert "parts_not_summed" in codes and "total_differs_parts" not in codes
    assert result.metrics["pue"]["value"] == pytest.approx(sum(total) / sum(IT))
    assert "held" not in result.metrics["pue"]["basis"]
    verdicts = {v for _, _, v in rule_verdicts(result)}
    assert verdicts & {"pass", "fail"}  # judged (1.33: GB 40879 grade 3, a 1.30 gate fails)
    assert next(c for c in result.criteria if c.pack.id == "gb40879-2021").grade == 3


def test_text_in_a_numbered_meter_is_no_error_and_compared_elsewhere(tmp_path):
    # a meter being replaced in March: "换表" typed in its cell; the total is what counts
    first = [round(f * 0.55) for f in FACILITY]
    second = [f - a for f, a in zip(FACILITY, first, strict=True)]
    total = [round(f * 0.90) for f in FACILITY]
    rows = [[a, b, t, i] for a, b, t, i in zip(first, second, total, IT, strict=True)]
    rows[2][0] = "换表"
    path = workbook(tmp_path / "text.xlsx",
                    ["月份", "1#进线电量(kWh)", "2#进线电量(kWh)", "总进线电量(kWh)",
                     "IT设备用电量(kWh)"], rows)
    result = assess(path)
    assert not [f for f in result.findings if f.severity == "error"]
    found = finding(result, "total_differs_parts")
    assert found.params["periods"] == 11
    compared = [m for m in range(12) if m != 2]
    assert found.params["summed"] == pytest.approx(sum(FACILITY[m] for m in compared))
    assert found.params["stated"] == pytest.approx(sum(total[m] for m in compared))


def test_numbered_meters_without_a_unit_do_not_stop_the_total(tmp_path):
    first = [round(f * 0.55) for f in FACILITY]
    second = [f - a for f, a in zip(FACILITY, first, strict=True)]
    path = workbook(tmp_path / "nounit.xlsx",
                    ["月份", "1#进线", "2#进线", "总进线电量(kWh)", "IT设备用电量(kWh)"],
                    [[a, b, f, i] for a, b, f, i in zip(first, second, FACILITY, IT,
                                                         strict=True)])
    result = assess(path)
    assert result.metrics["pue"]["value"] == pytest.approx(sum(FACILITY) / sum(IT))
    assert "total_differs_parts" not in {f.code for f in result.findings}


def test_a_batch_marks_the_held_pue_and_counts_in_whole_facilities(tmp_path):
    # a reviewer sorting the overview by PUE must see that 1.212 was judged on nothing
    import re

    from greendc.batch import BatchOptions, run_batch

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first = [round(f * 0.55) for f in FACILITY]
    second = [f - a for f, a in zip(FACILITY, first, strict=True)]
    headers = ["月份", "1#进线电量(kWh)", "2#进线电量(kWh)", "总进线电量(kWh)",
               "IT设备用电量(kWh)"]
    workbook(inbox / "low.xlsx", headers,
             [[a, b, round(f * 0.92), i] for a, b, f, i in zip(first, second, FACILITY, IT,
                                                                strict=True)])
    workbook(inbox / "agree.xlsx", headers,
             [[a, b, f, i] for a, b, f, i in zip(first, second, FACILITY, IT, strict=True)])
    out = tmp_path / "out"
    run_batch(inbox, out, BatchOptions(jobs=1, lang="en"))
    page = (out / "index.html").read_text(encoding="utf-8")
    rows = {name: row for name, row in re.findall(r">(low|agree)\.xlsx<.*?(<td.*?)</tr>", page,
                                                 flags=re.S)}
    assert "the total and its numbered meters disagree, not graded" in rows["low"]
    assert "PUE not judged" in rows["low"]
    assert "disagree" not in rows["agree"]
    sheet = openpyxl.load_workbook(out / "summary.xlsx").worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    low = next(r for r in table if r[0] == "low.xlsx")
    assert "PUE not judged" in low[table[0].index("flags")]
    # two facilities: the histogram's count axis reads 0, 1 (never 0.5 printed as 1)
    ticks = re.findall(r'<text[^>]*class="tick[^"]*"[^>]*>([^<]*)</text>',
                       page.split('id="pue-histogram"')[1].split("</svg>")[0])
    counts = [t for t in ticks if t.strip().isdigit()]
    assert counts and len(counts) == len(set(counts))


def test_numbered_temperatures_beside_their_mean_are_not_added_up(tmp_path):
    # 1#/2# outdoor sensors beside the site's mean temperature: a sum is no check of a mean
    rows = [[f, i, t - 1, t + 1, t] for f, i, t in zip(FACILITY, IT, range(-5, 7), strict=True)]
    path = workbook(tmp_path / "temps.xlsx",
                    ["月份", "总用电量(kWh)", "IT设备用电量(kWh)", "1#室外温度(℃)",
                     "2#室外温度(℃)", "室外温度(℃)"], rows)
    result = assess(path)
    assert "total_differs_parts" not in {f.code for f in result.findings}
    assert "held" not in result.metrics["pue"]["basis"]


def test_sub_meters_above_the_total_and_a_totals_row_that_differs_are_no_pass(tmp_path):
    # the stranger's c24: one incomer typed (the other '冷备'), UPS and cooling meters beside
    # it add up to more than that 'total' in most months; and c16: a 合计 row 10 % below the
    # months. Each file contradicts itself: the PUE is shown, no rule judged on it
    cooling = [round((f - i) * 0.8) for f, i in zip(FACILITY, IT, strict=True)]
    one = [round(f * 0.85) for f in FACILITY]
    path = workbook(tmp_path / "c24.xlsx",
                    ["月份", "1#进线电量(kWh)", "UPS输出电量(kWh)", "制冷系统用电量(kWh)"],
                    [[o, i, c] for o, i, c in zip(one, IT, cooling, strict=True)])
    result = assess(path)
    over = sum(i + c > o * 1.01 for o, i, c in zip(one, IT, cooling, strict=True))
    assert over >= 9
    assert "submeters_above_total" in {f.code for f in result.findings}
    assert result.metrics["pue"]["value"] == pytest.approx(sum(one) / sum(IT))
    assert result.metrics["pue"]["basis"]["held"] == ["submeters_above_total"]
    assert judged_none(result)

    wb = openpyxl.load_workbook(workbook(
        tmp_path / "c16.xlsx", ["月份", "总用电量(kWh)", "IT设备用电量(kWh)"],
        [[f, i] for f, i in zip(FACILITY, IT, strict=True)]))
    ws = wb["能耗数据"]
    total_row = next(r for r in ws.iter_rows() if r[0].value == "合计")
    total_row[1].value = round(sum(FACILITY) * 0.9)
    wb.save(tmp_path / "c16.xlsx")
    result = assess(tmp_path / "c16.xlsx")
    assert "totals_mismatch" in {f.code for f in result.findings}
    assert result.metrics["pue"]["value"] == pytest.approx(sum(FACILITY) / sum(IT))
    assert result.metrics["pue"]["basis"]["held"] == ["totals_row_differs"]
    assert "held" not in result.metrics["wue_l_per_kwh"]["basis"]  # IT's total agrees
    assert judged_none(result)
    for lang, words in (("en", "the totals row differs"), ("zh", "合计行与各时段之和不符")):
        gb = next(f for c in result.criteria if c.pack.id == "cn-green-dc-2025"
                  for f in c.findings if f.rule.id == "pue")
        assert words in gb.reason.render(lang)


@pytest.mark.parametrize("share, held", [(0.985, True), (1.015, False)])
def test_a_total_within_accuracy_is_held_only_when_it_is_the_favourable_reading(
        tmp_path, share, held):
    # the stranger's c04: 总进线 1.9 % below the incomers flipped GB 40879 grade 3 to 2; within
    # the meters' accuracy either reading may be right, so the one giving the lower PUE is not
    # judged, while a total above its incomers (the higher PUE) is
    total = [round(f * share) for f in FACILITY]
    result = assess(incomers(tmp_path / "near.xlsx", total))
    assert abs(sum(total) / sum(FACILITY) - 1) < 0.02
    codes = {f.code for f in result.findings}
    assert ("total_favours_pue" in codes) is held and "total_differs_parts" not in codes
    assert ("held" in result.metrics["pue"]["basis"]) is held
    assert judged_none(result) is held


def test_a_held_rule_shows_no_headroom(tmp_path):
    # a held PUE rule printed 'margin 0.163' and 'non-IT energy may grow 7,751 MWh before 1.3'
    total = [round(f * 0.92) for f in FACILITY]
    result = assess(incomers(tmp_path / "held.xlsx", total))
    for pack_result in result.criteria:
        for rule in pack_result.findings:
            if rule.rule.metric == "pue" and rule.verdict == "insufficient_data":
                assert rule.margin is None and rule.hint is None
