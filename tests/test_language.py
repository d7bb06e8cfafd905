"""One language at a time: a Chinese page shows no English sentence, an English page no Chinese.

Every page kind (full report, eligibility report, error report, batch overview) is rendered in
both languages from submissions that exercise every section: the demo (savings, criteria,
sub-meters, operating points), a template filled with only what a user must fill, and a file
with errors.  What the user wrote (``class="data"``) and citations (``<cite>``) are names, not
sentences, and are left out of the check.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from greendc import assess
from greendc.authoring import synthetic
from greendc.authoring.template import write_submission
from greendc.batch import BatchOptions, run_batch
from greendc.report.html import render_html

CORPUS = Path(__file__).parent / "data" / "corpus"
# Runs of three or more lowercase English words are sentences; these are names and symbols.
ALLOWED_EN = {"max(0, t − t_cp)", "e_it", "e_dc", "greendc criteria list"}  # names, commands
ENGLISH_RUN = re.compile(r"[a-z][a-z'’-]*(?:[ ,/]+[a-z][a-z'’-]*){2,}")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


class _Text(HTMLParser):
    """The visible text of a page, without user data, citations, styles and scripts."""

    SKIP = frozenset({"style", "script", "cite", "title"})  # the title holds the facility name

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("br", "meta", "col", "input", "img", "link"):
            return
        self.stack.append(tag in self.SKIP or "data" in classes or "mono" in classes)

    def handle_endtag(self, tag):
        if tag in ("br", "meta", "col", "input", "img", "link"):
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_sentences(html: str) -> list[str]:
    runs = ENGLISH_RUN.findall(visible_text(html))
    return sorted({r for r in runs if r.strip() not in ALLOWED_EN})


def place_names() -> set[str]:
    """Chinese place names the criteria name (cities, provinces): proper names, allowed."""
    import tomllib
    from importlib import resources

    names: set[str] = set()
    folder = resources.files("greendc.criteria.packs")
    for file in folder.iterdir():
        if file.name.endswith(".toml"):
            for match in re.finditer(r'"([^"]+)"', file.read_text("utf-8")):
                if re.fullmatch(r"[\u4e00-\u9fff]{2,8}", match[1]):
                    names.add(match[1])
    factors = tomllib.loads(resources.files("greendc.reference.data").joinpath(
        "factors.toml").read_text("utf-8"))
    for group in (factors["provinces"]["regions"], factors["provinces"]["scopes"]):
        for aliases in group.values():
            names.update(a for a in aliases if CJK.search(a))
    return names


def chinese_text(html: str) -> list[str]:
    text = visible_text(html)
    for name in sorted(place_names(), key=len, reverse=True):
        text = text.replace(name, "")
    return sorted({line.strip() for line in text.splitlines() if CJK.search(line)})


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Every page kind in zh and en: name -> {lang: html}."""
    folder = tmp_path_factory.mktemp("pages")
    demo = synthetic.write_demo_submission(folder / "demo.xlsx", freq="1h", lang="zh")
    filled = _filled_template(folder / "filled.xlsx")
    broken = CORPUS / "it_above_total.csv"
    out: dict[str, dict[str, str]] = {}
    for name, path in (("demo", demo), ("filled", filled), ("broken", broken)):
        result = assess(path)
        for kind in ("full", "eligibility"):
            out[f"{name}-{kind}"] = {lang: render_html(result, lang, kind=kind)
                                     for lang in ("zh", "en")}
    inbox = folder / "inbox"
    inbox.mkdir()
    for path in (demo, filled, broken, CORPUS / "not_a_workbook.xlsx"):
        (inbox / path.name).write_bytes(path.read_bytes())
    out["index"] = {}
    for lang in ("zh", "en"):
        run_batch(inbox, folder / f"batch-{lang}", BatchOptions(jobs=1, lang=lang))
        out["index"][lang] = (folder / f"batch-{lang}" / "index.html").read_text("utf-8")
    return out


def _filled_template(path: Path) -> Path:
    """The blank template filled the way a user would: name, province, city, twelve months."""
    write_submission(path, lang="zh", granularity="monthly", year=2025)
    book = openpyxl.load_workbook(path)
    facility = book["基本信息"]
    values = {"数据中心名称 Facility name": "廊坊测试数据中心", "省份 Province": "河北省",
              "城市 City": "廊坊"}
    for row in facility.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    energy = book["能耗数据"]
    for i, row in enumerate(energy.iter_rows(min_row=2, max_row=13)):
        row[1].value, row[2].value = 1_200_000 + 10_000 * i, 900_000 + 5_000 * i
    book.save(path)
    return path


PAGES = ["demo-full", "demo-eligibility", "filled-full", "filled-eligibility", "broken-full",
         "broken-eligibility", "index"]


@pytest.mark.parametrize("page", PAGES)
def test_chinese_pages_hold_no_english_sentence(pages, page):
    found = english_sentences(pages[page]["zh"])
    assert not found, found[:20]


@pytest.mark.parametrize("page", PAGES)
def test_english_pages_hold_no_chinese_text(pages, page):
    found = chinese_text(pages[page]["en"])
    assert not found, found[:20]


def test_the_checks_catch_what_they_look_for():
    assert english_sentences("<p>数据 the model extrapolates there</p>")
    assert not english_sentences('<p><span class="data">Server hall load total</span></p>')
    assert not english_sentences("<p><cite>ISO/IEC 30134-2 power usage effectiveness</cite></p>")
    assert chinese_text("<p>PUE 临时值</p>") and not chinese_text("<p><cite>数据中心</cite></p>")
