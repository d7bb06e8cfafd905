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
    assert _pdf_pages(page) == len(result.criteria) == 4
    page.screenshot(path=str(ARTIFACTS / "eligibility-zh.png"), full_page=True)
    page.close()
