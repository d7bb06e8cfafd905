"""Reports: what an assessment or a batch looks like to people, in zh and en.

Every renderer reads the result's JSON form and formats it; none computes a figure.
:mod:`.html` renders the full and the eligibility report through the templates in the
top-level ``templates/`` folder; :mod:`.views` prepares their rows; :mod:`.charts` draws inline
SVG; :mod:`.excel` writes the Excel export; :mod:`.overview` renders a batch's ``index.html``.
To add a report section: its rows in ``views``, its block in ``templates/report.html.j2``, its
words in ``messages.toml`` (``report.*``, zh and en).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported on first use (PEP 562): the plain-text summary must not load jinja2 and openpyxl.
_LAZY = {"safe_text": "greendc.report.excel", "write_xlsx": "greendc.report.excel",
         "render_html": "greendc.report.html", "write_html": "greendc.report.html"}

__all__ = ["render_html", "safe_text", "write_html", "write_xlsx"]

if TYPE_CHECKING:
    from greendc.report.excel import safe_text, write_xlsx
    from greendc.report.html import render_html, write_html


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'greendc.report' has no attribute {name!r}")
