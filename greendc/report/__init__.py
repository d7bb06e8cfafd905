"""Reports: what an assessment or a batch looks like to people, in zh and en.

Every renderer reads the result's JSON form and formats it; none computes a figure.
:mod:`.html` renders the full and the eligibility report through the templates in the
top-level ``templates/`` folder; :mod:`.views` prepares their rows; :mod:`.charts` draws inline
SVG; :mod:`.excel` writes the Excel export; :mod:`.overview` renders a batch's ``index.html``.
To add a report section: its rows in ``views``, its block in ``templates/report.html.j2``, its
words in ``messages.toml`` (``report.*``, zh and en).
"""

from greendc.report.excel import safe_text, write_xlsx
from greendc.report.html import render_html, write_html

__all__ = ["render_html", "safe_text", "write_html", "write_xlsx"]
