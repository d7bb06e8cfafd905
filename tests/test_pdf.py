"""PDF reports through WeasyPrint: pages as the print CSS lays them out, Chinese text that can
be extracted (a CJK font embedded), and a clear refusal when no CJK font is installed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from greendc import assess
from greendc.authoring import synthetic
from greendc.cli import main
from greendc.errors import GreenDCError
from greendc.reference.messages import message
from greendc.report import pdf

pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")
SECTIONS = ("headline", "monthly", "indicators", "criteria", "savings", "energy_totals",
            "facility", "data_quality", "methodology")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = synthetic.write_demo_submission(tmp_path_factory.mktemp("pdf") / "demo.xlsx",
                                           freq="1h", lang="zh")
    return assess(path)


def _pages(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


@pytest.mark.skipif(not pdf.cjk_fonts(), reason="no CJK font installed (fonts-noto-cjk)")
def test_chinese_full_report_starts_each_section_on_a_page_with_extractable_text(demo, tmp_path):
    pages = _pages(pdf.render_pdf(demo, "zh"), tmp_path)
    assert "数据中心能效评估报告" in pages[0]
    firsts = [next((line.strip() for line in p.splitlines() if line.strip()), "") for p in pages]
    for key in SECTIONS[1:]:  # the headline shares the cover page; every other section opens one
        title = message(f"report.{key}", "zh")
        assert title in firsts, (title, firsts)
    assert len(pages) >= len(SECTIONS)
    assert f"{demo.metrics['pue']['value']:.3f}" in pages[0]


def test_english_eligibility_report_gives_each_pack_its_own_page(demo, tmp_path):
    pages = _pages(pdf.render_pdf(demo, "en", kind="eligibility"), tmp_path)
    title = message("report.eligibility_title", "en")
    opening = [p for p in pages if p.lstrip().startswith(title)]
    assert len(opening) == len(demo.criteria)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in pages[0].split("Facility")[0])


def test_a_chinese_pdf_without_cjk_fonts_is_refused_with_the_package_to_install(demo,
                                                                               monkeypatch):
    monkeypatch.setattr(pdf, "cjk_fonts", lambda: [])
    with pytest.raises(GreenDCError, match="fonts-noto-cjk"):
        pdf.render_pdf(demo, "zh")
    assert pdf.render_pdf(demo, "en")[:5] == b"%PDF-"  # English needs no CJK font


@pytest.mark.skipif(not pdf.cjk_fonts(), reason="no CJK font installed (fonts-noto-cjk)")
def test_cli_writes_the_pdf(tmp_path):
    path = synthetic.write_demo_submission(tmp_path / "d.xlsx", freq="1h", lang="zh")
    out = tmp_path / "d.pdf"
    result = CliRunner().invoke(main, ["assess", str(path), "--no-report", "--pdf", str(out),
                                       "--kind", "eligibility"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"
