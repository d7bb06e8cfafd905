"""Charts as hand-built inline SVG: no plotting library, no script, a fraction of a millisecond.

Every chart has a ``<title>`` and ``<desc>`` for screen readers and scales with its container
(``viewBox``).  Values are drawn as given; the caller aggregates (months, days) first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 300
MARGIN = {"left": 56, "right": 16, "top": 16, "bottom": 40}


def nice_ticks(low: float, high: float, count: int = 5, min_step: float = 0.0) -> list[float]:
    """Round tick values covering [low, high], at least ``min_step`` apart (so that ticks
    printed to a fixed number of decimals never read alike)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high <= low:
        high = low + 1e-3 if low == 0 else low + abs(low) * 0.05
    raw = max((high - low) / max(count - 1, 1), min_step)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def line_chart(labels: Sequence[str], values: Sequence[float | None], *, title: str, desc: str,
               value_format: str = "{:.3f}", references: Sequence[tuple[float, str]] = (),
               chart_id: str = "chart") -> Markup:
    """A line chart with points, y gridlines, category labels and optional reference lines.

    Parameters
    ----------
    labels : category labels along the x axis (e.g. months)
    values : one value per label; None or NaN leaves a gap
    references : (value, label) horizontal lines, e.g. criteria thresholds
    """
    present = [v for v in values if v is not None and math.isfinite(v)]
    span = present + [r for r, _ in references]
    if not present:
        return Markup("")
    decimals = re.search(r"\.(\d+)f", value_format)
    ticks = nice_ticks(min(span), max(span),
                       min_step=10.0 ** -int(decimals[1]) if decimals else 0.0)
    lo, hi = ticks[0], ticks[-1]
    plot_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    plot_h = HEIGHT - MARGIN["top"] - MARGIN["bottom"]
    n = len(labels)

    def x(i: int) -> float:
        return MARGIN["left"] + (i + 0.5) * plot_w / n

    def y(v: float) -> float:
        return MARGIN["top"] + plot_h * (1 - (v - lo) / (hi - lo))

    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
    ]
    for t in ticks:
        parts.append(f'<line class="grid" x1="{MARGIN["left"]}" x2="{WIDTH - MARGIN["right"]}" '
                     f'y1="{y(t):.1f}" y2="{y(t):.1f}"/>')
        parts.append(f'<text class="tick" x="{MARGIN["left"] - 6}" y="{y(t) + 4:.1f}" '
                     f'text-anchor="end">{escape(value_format.format(t))}</text>')
    for i, label in enumerate(labels):
        parts.append(f'<text class="tick" x="{x(i):.1f}" y="{HEIGHT - MARGIN["bottom"] + 18}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    for value, label in references:
        parts.append(f'<line class="ref" x1="{MARGIN["left"]}" x2="{WIDTH - MARGIN["right"]}" '
                     f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>')
        parts.append(f'<text class="ref-label" x="{WIDTH - MARGIN["right"] - 4}" '
                     f'y="{y(value) - 5:.1f}" text-anchor="end">{escape(label)}</text>')
    segment: list[str] = []
    segments = []
    for i, v in enumerate(values):
        if v is None or not math.isfinite(v):
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(v):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(f'<polyline class="series" points="{" ".join(seg)}"/>')
    for i, v in enumerate(values):
        if v is not None and math.isfinite(v):
            parts.append(f'<circle class="point" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5">'
                         f'<title>{escape(labels[i])}: {escape(value_format.format(v))}</title>'
                         "</circle>")
    parts.append("</svg>")
    return Markup(_paint("".join(parts)))


def stacked_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]],
                 *, title: str, desc: str, unit: str, chart_id: str = "bars",
                 scale: float = 1.0, min_step: float = 0.0) -> Markup:
    """Stacked bars, one per label, with a legend.

    Parameters
    ----------
    series : (name, values, css class) from the bottom of the stack up; None counts as 0
    scale : values are divided by it for display (e.g. 1000 for kWh shown as MWh)
    min_step : the least step between axis ticks (1 for counts: no 0.5 printed as 1)
    """
    totals = [sum((s[1][i] or 0) for s in series) / scale for i in range(len(labels))]
    if not labels or max(totals, default=0) <= 0:
        return Markup("")
    ticks = nice_ticks(0, max(totals), min_step=min_step)
    top = ticks[-1]
    plot_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    plot_h = HEIGHT - MARGIN["top"] - MARGIN["bottom"] - 22  # room for the legend
    n = len(labels)
    band = plot_w / n
    bar = band * 0.62

    def y(v: float) -> float:
        return MARGIN["top"] + 22 + plot_h * (1 - v / top)

    cid = escape(chart_id)
    parts = [f'<svg class="chart" id="{cid}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{cid}-t {cid}-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{cid}-t">{escape(title)}</title>',
             f'<desc id="{cid}-d">{escape(desc)}</desc>']
    for t in ticks:
        parts.append(f'<line class="grid" x1="{MARGIN["left"]}" x2="{WIDTH - MARGIN["right"]}" '
                     f'y1="{y(t):.1f}" y2="{y(t):.1f}"/>')
        parts.append(f'<text class="tick" x="{MARGIN["left"] - 6}" y="{y(t) + 4:.1f}" '
                     f'text-anchor="end">{escape(f"{t:,.0f}")}</text>')
    parts.append(f'<text class="tick" x="{MARGIN["left"] - 6}" y="{MARGIN["top"] + 10}" '
                 f'text-anchor="end">{escape(unit)}</text>')
    for i, label in enumerate(labels):
        x = MARGIN["left"] + i * band + (band - bar) / 2
        base = 0.0
        for name, values, css in series:
            v = (values[i] or 0) / scale
            if v <= 0:
                continue
            parts.append(f'<rect class="{escape(css)}" x="{x:.1f}" y="{y(base + v):.1f}" '
                         f'width="{bar:.1f}" height="{y(base) - y(base + v):.1f}">'
                         f"<title>{escape(label)} {escape(name)}: {escape(f'{v:,.0f}')} "
                         f"{escape(unit)}</title></rect>")
            base += v
        parts.append(f'<text class="tick" x="{x + bar / 2:.1f}" '
                     f'y="{HEIGHT - MARGIN["bottom"] + 18}" text-anchor="middle">'
                     f"{escape(label)}</text>")
    x = MARGIN["left"]
    for name, _, css in series:
        parts.append(f'<rect class="{escape(css)}" x="{x}" y="{MARGIN["top"]}" width="12" '
                     f'height="12"/><text class="legend" x="{x + 16}" y="{MARGIN["top"] + 10}">'
                     f"{escape(name)}</text>")
        x += 28 + 7.5 * len(name) + (7 * sum(ord(c) > 0x2E80 for c in name))
    parts.append("</svg>")
    return Markup(_paint("".join(parts)))


# The look of each chart element as SVG presentation attributes, so that renderers that do not
# apply the page's stylesheet to inline SVG (WeasyPrint's PDF) draw the same chart; in a
# browser the stylesheet (report.css) takes precedence.
PAINT = {
    "grid": 'stroke="#e3e9e5" stroke-width="1"',
    "tick": 'fill="#5b6b63" font-size="11"',
    "series": 'fill="none" stroke="#2f7d4f" stroke-width="2.5"',
    "point": 'fill="#ffffff" stroke="#2f7d4f" stroke-width="2"',
    "ref": 'stroke="#b3261e" stroke-dasharray="5 4" stroke-width="1.2"',
    "ref-label": 'fill="#b3261e" font-size="11"',
    "legend": 'fill="#1d2a24" font-size="12"',
    "s-it": 'fill="#2f7d4f"',
    "s-cooling": 'fill="#5aa3d8"',
    "s-losses": 'fill="#e0a43a"',
    "s-other": 'fill="#b7b7b7"',
    "s-unmetered": 'fill="#e8e2d6"',
}
_CLASS = re.compile(r'class="([a-z-]+)"')


def _paint(svg: str) -> str:
    return _CLASS.sub(lambda m: f'{m[0]} {PAINT[m[1]]}' if m[1] in PAINT else m[0], svg)
