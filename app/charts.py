"""Small charts drawn on the server as inline SVG: no JavaScript, readable by screen readers.

Each chart is an ``<svg role="img">`` with ``aria-labelledby`` pointing at its own ``<title>``
and ``<desc>``; the page should also show the same numbers in a table (the charts only give
the shape). Every piece of text is escaped with markupsafe, so titles from user or staff
input cannot inject markup. Colours come from CSS classes (``chart-*`` in the stylesheet),
with ``currentColor`` fallbacks, so the charts follow the page's contrast.

- `line_chart`: a trend of yearly values, with an optional baseline and target marked;
- `bar_chart`: horizontal bars, one per labelled value (shares, amounts, progress).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

_ids = itertools.count(1)


def _number(value: Decimal | float | int) -> str:
    """A coordinate with at most one decimal, as SVG wants it (a dot, no grouping)."""
    return f"{float(value):.1f}".rstrip("0").rstrip(".")


def _chart_id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def line_chart(points: Sequence[tuple[int, Decimal]], *, title: str, desc: str,
               baseline: Decimal | None = None, target: Decimal | None = None,
               width: int = 240, height: int = 80, chart_id: str | None = None) -> Markup:
    """A trend line through (year, value) points, years along x, values along y.

    The baseline is drawn as a dashed line, the target as a dotted one, both labelled in the
    description the caller writes. One point is drawn as a dot; no points give an empty frame.
    """
    chart_id = chart_id or _chart_id("chart")
    pad = 6
    values = [Decimal(v) for _, v in points]
    marks = [m for m in (baseline, target) if m is not None]
    low = min(values + marks, default=Decimal(0))
    high = max(values + marks, default=Decimal(1))
    if high == low:
        high, low = high + 1, low - 1
    years = [year for year, _ in points]
    first, last = (min(years), max(years)) if years else (0, 1)
    span_x = (last - first) or 1

    def x(year: int) -> float:
        if len(points) == 1:
            return width / 2
        return pad + (year - first) / span_x * (width - 2 * pad)

    def y(value: Decimal) -> float:
        return pad + float((high - value) / (high - low)) * (height - 2 * pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-line" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<rect class="chart-frame" x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" '
        f'fill="none" stroke="currentColor" stroke-opacity="0.3"/>',
    ]
    if baseline is not None:
        parts.append(f'<line class="chart-baseline" x1="{pad}" x2="{width - pad}" '
                     f'y1="{_number(y(baseline))}" y2="{_number(y(baseline))}" '
                     f'stroke="currentColor" stroke-dasharray="6 3" stroke-opacity="0.6"/>')
    if target is not None:
        parts.append(f'<line class="chart-target" x1="{pad}" x2="{width - pad}" '
                     f'y1="{_number(y(target))}" y2="{_number(y(target))}" '
                     f'stroke="currentColor" stroke-dasharray="2 3" stroke-width="2"/>')
    if len(points) > 1:
        path = " ".join(f"{_number(x(year))},{_number(y(Decimal(v)))}" for year, v in points)
        parts.append(f'<polyline class="chart-trend" points="{path}" fill="none" '
                     f'stroke="currentColor" stroke-width="2"/>')
    for year, value in points:
        parts.append(f'<circle class="chart-point" cx="{_number(x(year))}" '
                     f'cy="{_number(y(Decimal(value)))}" r="3" fill="currentColor"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def bar_chart(bars: Sequence[tuple[str, Decimal]], *, title: str, desc: str,
              maximum: Decimal | None = None, width: int = 320, bar_height: int = 18,
              label_width: int = 120, chart_id: str | None = None) -> Markup:
    """Horizontal bars, each with its label on the left; `maximum` fixes the full length
    (100 for percentages), else the largest value fills the width."""
    chart_id = chart_id or _chart_id("chart")
    gap = 6
    height = max(len(bars), 1) * (bar_height + gap) + gap
    top = max([Decimal(v) for _, v in bars] + [Decimal(0)]) if maximum is None else maximum
    top = top or Decimal(1)
    room = width - label_width - gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for index, (label, value) in enumerate(bars):
        top_y = gap + index * (bar_height + gap)
        length = max(float(min(Decimal(value), top) / top) * room, 0)
        text = label if len(label) <= 20 else label[:19] + "…"
        parts.append(f'<text x="0" y="{top_y + bar_height - 5}" font-size="12" '
                     f'fill="currentColor">{escape(text)}</text>')
        parts.append(f'<rect class="chart-track" x="{label_width}" y="{top_y}" '
                     f'width="{room}" height="{bar_height}" fill="currentColor" '
                     f'fill-opacity="0.1"/>')
        parts.append(f'<rect class="chart-bar" x="{label_width}" y="{top_y}" '
                     f'width="{_number(length)}" height="{bar_height}" fill="currentColor"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
