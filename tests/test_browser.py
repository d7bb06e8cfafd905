"""The reports in a real browser: headless Chromium (Debian's package), driven by Playwright.

Checks what a person would see: the page loads from a file URL with no console error and no
request to any other URL, every chart has a size, and print-to-PDF gives the expected pages.
A screenshot of each report is saved under tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from greendc import assess
from greendc.report.html import write_html

ARTIFACTS = Path(os.environ.get("GREENDC_ARTIFACTS", Path(__file__).parent / "artifacts"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None or not _has_playwright():
        if os.environ.get("CI"):
            pytest.fail("CI must provide Chromium and Playwright (see .ci/run)")
        pytest.skip("Chromium or Playwright not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _has_playwright() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return True


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    console, requests = [], []
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, console, requests


def _pdf_pages(page) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4")))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_full_report_in_chromium(browser, hourly_xlsx, tmp_path, lang):
    result = assess(hourly_xlsx)
    path = write_html(result, tmp_path / f"report-{lang}.html", lang)
    page, console, requests = _open(browser, path)
    assert [c for c in console if c[0] in ("error", "pageerror")] == []
    assert requests == [path.resolve().as_uri()]  # nothing from any other URL
    sizes = page.eval_on_selector_all(
        "svg.chart", "els => els.map(e => [e.id, e.getBoundingClientRect().width,"
                     " e.getBoundingClientRect().height])")
    assert {s[0] for s in sizes} == {"chart-monthly-pue", "chart-monthly-energy"}
    assert all(w > 100 and h > 100 for _, w, h in sizes), sizes
    assert page.inner_text("#headline-pue") == f"{result.metrics['pue']['value']:.3f}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{lang}.png"), full_page=True)
    # a cover page, then each of the eight sections starts a new page
    sections = page.eval_on_selector_all("main > section", "els => els.length")
    assert sections == 9
    pages = _pdf_pages(page)
    assert sections <= pages <= 3 * sections, pages
    page.close()


def test_eligibility_report_is_one_page_per_pack(browser, hourly_xlsx, tmp_path):
    result = assess(hourly_xlsx)
    path = write_html(result, tmp_path / "eligibility.html", "zh", kind="eligibility")
    page, console, requests = _open(browser, path)
    assert [c for c in console if c[0] in ("error", "pageerror")] == []
    assert requests == [path.resolve().as_uri()]
    assert _pdf_pages(page) == len(result.criteria) == 6  # the demo's default packs
    page.screenshot(path=str(ARTIFACTS / "eligibility-zh.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_eligibility_and_batch_index_in_each_language(browser, hourly_xlsx, tmp_path, lang):
    """Screenshots of the eligibility report and the batch overview at 1280 px, in zh and en;
    the overview's table fits the width (no column squeezed to one character a line)."""
    from greendc.batch import BatchOptions, run_batch

    result = assess(hourly_xlsx)
    path = write_html(result, tmp_path / f"eligibility-{lang}.html", lang, kind="eligibility")
    page, console, _ = _open(browser, path)
    assert [c for c in console if c[0] in ("error", "pageerror")] == []
    page.screenshot(path=str(ARTIFACTS / f"eligibility-{lang}.png"), full_page=True)
    page.close()
    box = tmp_path / "box"
    box.mkdir()
    corpus = Path(__file__).parent / "data" / "corpus"
    shutil.copy(hourly_xlsx, box / "zhangbei.xlsx")
    for name in ("gj.csv", "legacy.xls", "not_a_workbook.xlsx", "it_above_total.csv",
                 "canonical_en.xlsx"):
        shutil.copy(corpus / name, box / name)
    run_batch(box, tmp_path / "out", BatchOptions(jobs=1, lang=lang))
    index = tmp_path / "out" / "index.html"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(index.resolve().as_uri())
    page.wait_for_load_state("load")
    assert errors == []
    table = page.eval_on_selector("#table", "t => t.getBoundingClientRect().width")
    assert table <= 1280
    # nor is the last column squeezed to a character a line (it was, with six packs)
    assert page.eval_on_selector("#table col.c-problems",
                                 "c => c.getBoundingClientRect().width") >= 150
    wrapped = page.eval_on_selector_all(
        "#table td.nowrap", "cells => cells.filter(c => { const r = document.createRange(); "
        "r.selectNodeContents(c); const tops = new Set(Array.from(r.getClientRects(), "
        "x => Math.round(x.top))); return tops.size > 1; }).length")
    assert wrapped == 0  # city and status each stay on one line
    page.screenshot(path=str(ARTIFACTS / f"index-{lang}.png"), full_page=True)
    page.close()


def test_pdf_page_as_an_image():
    """The first two pages of a Chinese PDF report as PNG, for a person to look at."""
    pytest.importorskip("weasyprint")
    import subprocess

    from greendc.authoring import synthetic
    from greendc.report.pdf import cjk_fonts, write_pdf

    if not cjk_fonts() or shutil.which("pdftoppm") is None:
        pytest.skip("needs fonts-noto-cjk and poppler-utils")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = synthetic.write_demo_submission(ARTIFACTS / "pdf-demo.xlsx", freq="1h")
    pdf = write_pdf(assess(source), ARTIFACTS / "report-zh.pdf", "zh")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf),
                    str(ARTIFACTS / "report-zh-pdf")], check=True)
    assert list(ARTIFACTS.glob("report-zh-pdf*.png"))
