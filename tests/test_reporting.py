"""The HTML report: self-contained, escaped, the same figures in zh and en."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from greendc import assess
from greendc.report.charts import line_chart, nice_ticks
from greendc.report.html import render_html


@pytest.fixture(scope="module")
def assessment(hourly_xlsx):
    return assess(hourly_xlsx)


def test_report_shows_headline_pue_and_every_month(assessment):
    html = render_html(assessment, "en")
    pue = assessment.metrics["pue"]["value"]
    assert f'id="headline-pue">{pue:.3f}<' in html
    for month in assessment.to_dict()["monthly"]:
        assert f">{month['month']}<" in html
        assert f">{month['pue']:.3f}<" in html


def test_report_is_self_contained(assessment):
    for lang in ("zh", "en"):
        html = render_html(assessment, lang)
        assert "<script" not in html
        urls = set(re.findall(r"""(?:src|href)\s*=\s*["']?([^"' >]+)""", html))
        assert all(url.startswith("#") for url in urls), urls  # in-page links only
        namespaces = html.count('xmlns="http://www.w3.org/2000/svg"')
        assert len(re.findall(r"https?://", html)) == namespaces  # only the SVG namespace
        assert "@import" not in html and "url(" not in html


def test_zh_and_en_reports_carry_the_same_figures(assessment):
    def figures(html):
        return sorted(re.findall(r">\s*([\d,]+\.\d+|[\d,]{4,})\s*<", html))

    assert figures(render_html(assessment, "zh")) == figures(render_html(assessment, "en"))
    zh, en = render_html(assessment, "zh"), render_html(assessment, "en")
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en
    assert "数据中心能效评估报告" in zh and "Data-centre energy assessment" in en


@pytest.mark.parametrize("name", ["<script>alert(1)</script>",
                                  '"><img src=x onerror=alert(1)>'])
def test_user_text_is_escaped(assessment, name):
    sub = replace(assessment.submission,
                  facility={**assessment.submission.facility, "facility_name": name,
                            "operator": name})
    html = render_html(replace(assessment, submission=sub), "en")
    assert name not in html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&#34;&gt;&lt;img" in html


def test_template_dir_overrides_the_built_in_template(assessment, tmp_path):
    (tmp_path / "report.html.j2").write_text("custom {{ r.metrics.pue.value | num(2) }}")
    html = render_html(assessment, "en", template_dir=tmp_path)
    assert html == f"custom {assessment.metrics['pue']['value']:.2f}"


def test_error_report_lists_the_problems(tmp_path):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Period", "Facility energy (kWh)", "IT energy (kWh)"])
    for m in range(1, 13):
        ws.append([dt.datetime(2025, m, 1), 500.0 if m == 3 else 950.0, 620.0])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    result = assess(path)
    html = render_html(result, "zh")
    assert 'id="errors"' in html and "第 4 行" in html
    assert 'id="headline-pue"' not in html


def test_chart_has_title_description_and_points():
    svg = line_chart(["2025-01", "2025-02", "2025-03"], [1.2, None, 1.3], title="t<x>",
                     desc="d", references=[(1.25, "limit")])
    assert "<title id=\"chart-t\">t&lt;x&gt;</title>" in svg
    assert svg.count("<circle") == 2
    assert svg.count("<polyline") == 2  # the gap splits the line
    assert 'role="img"' in svg


def test_nice_ticks_cover_the_range():
    ticks = nice_ticks(1.13, 1.38)
    assert ticks[0] <= 1.13 and ticks[-1] >= 1.38
    assert len(ticks) <= 7


def test_provisional_report_says_why(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("月份,总用电量(万千瓦时),IT设备用电量(万千瓦时)\n"
                    "2025-01,95,62\n2025-02,90,60\n2025-04,80,55\n", encoding="utf-8")
    html = render_html(assess(path), "en")
    assert "Provisional: 3 consecutive month(s)" not in html  # Jan, Feb, Apr: two in a row
    assert "Provisional: 2 consecutive month(s) of data, fewer than 12." in html
    assert 'id="metric-wue_l_per_kwh"' in html and "not available: no water column" in html


def test_stylesheet_is_inlined_unescaped(assessment):
    html = render_html(assessment, "en")
    assert 'td[class^="verdict-"]' in html and "&#34;" not in html.split("</style>")[0]


def test_a_flat_series_gets_axis_labels_that_differ():
    import re

    from greendc.report.charts import line_chart

    flat = [1.25 - 1e-7 * i for i in range(12)]  # a constant PUE, up to float noise
    svg = str(line_chart([f"2025-{m:02d}" for m in range(1, 13)], flat, title="t", desc="d"))
    labels = re.findall(r">(\d\.\d{3})</text>", svg)
    assert labels and len(labels) == len(set(labels)), labels


def test_a_site_no_built_in_pack_covers_is_not_asked_for_its_country():
    import pandas as pd

    from greendc.assessment import assess_submission
    from greendc.reading import Submission

    months = pd.date_range("2025-01-01", periods=12, freq="MS", name="period_start")
    energy = pd.DataFrame({"facility_energy_kwh": [1.3e6] * 12, "it_energy_kwh": [1e6] * 12},
                          index=months)
    result = assess_submission(Submission.from_frame(energy, {"country": "US", "city": "Ashburn"}))
    assert result.criteria == []  # DCOI is for federal sites: opt-in
    for lang, said in (("en", "a site in United States"), ("zh", "位于 美国 的数据中心")):
        html = render_html(result, lang)
        assert said in html and "--criteria" in html
        assert ("Country, Province" not in html) and ("填写国家、省份" not in html)
    bare = assess_submission(Submission.from_frame(energy, {}))
    for lang, said, measures in (("en", "No facility information was given", "Measures sheet"),
                                 ("zh", "未提供数据中心基本信息", "“节能措施”表")):
        html = render_html(bare, lang)
        assert said in html and measures in html
        assert re.search(r'<section id="facility">\s*<h2>[^<]+</h2>\s*<table>', html) is None


def test_compared_model_errors_print_apart():
    from greendc.report.formatting import distinct_percents

    assert distinct_percents(0.0182, 0.0179) == ("1.82 %", "1.79 %")  # was 1.8 % and 1.8 %
    assert distinct_percents(0.25, 0.30) == ("25.0 %", "30.0 %")
    assert distinct_percents(0.018, 0.018) == ("1.8 %", "1.8 %")
