"""The SVG chart helpers: accessible names, escaping, geometry."""

from __future__ import annotations

from decimal import Decimal

from app.charts import bar_chart, line_chart


def test_line_chart_is_an_accessible_image_with_escaped_text():
    svg = str(line_chart([(2020, Decimal(1)), (2021, Decimal(3))], title="A <b> & B",
                         desc='"quoted"', baseline=Decimal(0), target=Decimal(4),
                         chart_id="c1"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">A &lt;b&gt; &amp; B</title>' in svg
    assert '<desc id="c1-desc">&#34;quoted&#34;</desc>' in svg
    # Values 0..4 over 68 px (80 high, 6 of padding): 1 -> 6 + 3/4 * 68 = 57, 3 -> 23.
    assert 'points="6,57 234,23"' in svg
    assert 'class="chart-baseline"' in svg and 'y1="74"' in svg  # 0 at the bottom
    assert 'class="chart-target"' in svg and 'y1="6"' in svg     # 4 at the top


def test_line_chart_single_point_and_flat_values():
    svg = str(line_chart([(2024, Decimal(5))], title="t", desc="d", chart_id="c2"))
    assert "<polyline" not in svg and svg.count("<circle") == 1 and 'cx="120"' in svg
    assert "<circle" not in str(line_chart([], title="t", desc="d", chart_id="c3"))


def test_bar_chart_scales_to_maximum_and_escapes_labels():
    svg = str(bar_chart([("<x>", Decimal(50)), ("b", Decimal(150))], title="t", desc="d",
                        maximum=Decimal(100), chart_id="c4"))
    assert "&lt;x&gt;" in svg and "<x>" not in svg
    # 320 wide, labels 120, gap 6: bars of up to 194; 50% -> 97, over the maximum -> full.
    assert 'class="chart-bar" x="120" y="6" width="97"' in svg
    assert 'class="chart-bar" x="120" y="30" width="194"' in svg
    assert 'aria-labelledby="c4-title c4-desc"' in svg
