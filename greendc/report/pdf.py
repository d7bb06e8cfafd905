"""Reports as PDF: the HTML report laid out for print by WeasyPrint.

WeasyPrint uses the system's Pango and fontconfig.  Chinese text needs a CJK font: without one
every Chinese character would print as a box, so greendc refuses with the Debian package to
install (``fonts-noto-cjk``) instead of writing an unreadable file.  Nothing is fetched from the
network: the report is self-contained and any URL it might name is refused.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from greendc.assessment import Assessment
from greendc.errors import GreenDCError
from greendc.report.html import render_html

CJK_FONT_PACKAGE = "fonts-noto-cjk"


@cache
def cjk_fonts() -> list[str]:
    """Families of the installed fonts that cover Chinese (from ``fc-list :lang=zh``)."""
    if shutil.which("fc-list") is None:
        return []
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                            check=False, timeout=30)
    return sorted({line.split(",")[0].strip() for line in listed.stdout.splitlines()
                   if line.strip()})


def _refuse_urls(url: str, *args: Any, **kwargs: Any) -> dict:
    raise ValueError(f"greendc's PDF fetches nothing ({url})")


def render_pdf(assessment: Assessment, lang: str = "zh", template_dir: str | Path | None = None,
               kind: str = "full", result: dict[str, Any] | None = None,
               html: str | None = None) -> bytes:
    """The report of ``assessment`` as PDF bytes (A4, one section per page as the print CSS
    says); ``html`` is the report already rendered in ``lang`` and ``kind``, when the caller
    has it.

    Raises
    ------
    GreenDCError
        WeasyPrint is not installed, or a Chinese report has no CJK font to print with.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango or its libraries missing
        raise GreenDCError(f"PDF output needs WeasyPrint and the system's Pango ({exc}): "
                           "pip install 'greendc[pdf]'; see `greendc docs pdf`") from None
    if lang == "zh" and not cjk_fonts():
        raise GreenDCError("a Chinese PDF needs a CJK font and none is installed: install the "
                           f"Debian package {CJK_FONT_PACKAGE} (apt-get install "
                           f"{CJK_FONT_PACKAGE}) or another font covering Chinese, or use "
                           "--lang en")
    if html is None:
        html = render_html(assessment, lang, template_dir, kind, result)
    return weasyprint.HTML(string=html, url_fetcher=_refuse_urls).write_pdf()


def write_pdf(assessment: Assessment, path: str | Path, lang: str = "zh",
              template_dir: str | Path | None = None, kind: str = "full",
              result: dict[str, Any] | None = None, html: str | None = None) -> Path:
    """Write :func:`render_pdf` to ``path`` and return it."""
    path = Path(path)
    path.write_bytes(render_pdf(assessment, lang, template_dir, kind, result, html))
    return path
