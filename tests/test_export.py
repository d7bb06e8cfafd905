"""Excel export and hostile facility names: text stays text, everywhere."""

from __future__ import annotations

from dataclasses import replace

import openpyxl
import pytest

from greendc import assess
from greendc.report.excel import safe_text, write_xlsx
from greendc.report.html import render_html

HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "=HYPERLINK(\"x\")",
           "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture(scope="module")
def assessment(hourly_xlsx):
    return assess(hourly_xlsx)


def test_export_sheets(assessment, tmp_path):
    path = write_xlsx(assessment, tmp_path / "a.xlsx", "en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Metrics", "Monthly", "Findings", "Criteria", "Savings"]
    metrics = book["Metrics"]
    assert metrics.freeze_panes == "A2" and metrics.auto_filter.ref
    pue = next(row for row in metrics.iter_rows(values_only=True) if row[0] == "PUE")
    assert pue[1] == pytest.approx(assessment.metrics["pue"]["value"])
    assert book["Monthly"].max_row == 13
    criteria_rows = list(book["Criteria"].iter_rows(min_row=2, values_only=True))
    assert sum(len(c.findings) for c in assessment.criteria) == len(criteria_rows)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_stay_text_in_html_and_excel(assessment, tmp_path, name):
    sub = replace(assessment.submission,
                  facility={**assessment.submission.facility, "facility_name": name,
                            "operator": name})
    hostile = replace(assessment, submission=sub)
    for kind in ("full", "eligibility"):
        html = render_html(hostile, "en", kind=kind)
        assert "<script>alert" not in html and "<img src=x" not in html
    path = write_xlsx(hostile, tmp_path / "h.xlsx", "en")
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), cell.value
                    assert not (cell.value.startswith("-") and name in cell.value)
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["Facility"] == name or summary["Facility"].startswith("'")


def test_safe_text():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("张北") == "张北"
    assert safe_text(-3) == "'-3"
