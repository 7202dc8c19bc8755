"""Charts as inline SVG, drawn on the server: no script, no CDN, readable without colour.

Each chart has a ``<title>`` per mark (the browser's tooltip and what screen readers read),
and the dashboard shows the numbers as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 36
PALETTE = ("#417690", "#e0823d", "#5b9c4d", "#a64d79", "#c9b037", "#6a6a6a", "#3d8fe0", "#b3473d")


def _n(value: float) -> str:
    """A coordinate with one decimal (format_html escapes its arguments, so format first)."""
    return f"{value:.1f}"


def _scale(values: Sequence[float]) -> float:
    top = max([float(v) for v in values] + [0])
    if top <= 0:
        return 1.0
    step = 10 ** (len(str(int(top))) - 1)
    return float(((int(top) // step) + 1) * step)


def _frame(peak: float, labels: Sequence[str], label_every: int) -> list[SafeString]:
    """Axes, three grid lines with values, and every ``label_every``-th x label."""
    parts = []
    plot_h = HEIGHT - TOP - BOTTOM
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        value = peak * fraction
        text = f"{value:,.0f}"
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>',
                LEFT,
                _n(y),
                WIDTH - RIGHT,
                _n(y),
                LEFT - 6,
                _n(y + 4),
                text,
            )
        )
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    for i, label in enumerate(labels):
        if i % label_every == 0 or i == len(labels) - 1:
            x = LEFT + slot * (i + 0.5)
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
                    _n(x),
                    HEIGHT - BOTTOM + 16,
                    label,
                )
            )
    return parts


def _svg(title: str, parts: Sequence[str]) -> SafeString:
    return format_html(
        '<svg class="tally-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        HEIGHT,
        title,
        title,
        mark_safe("".join(parts)),
    )


def line_chart(title: str, labels: Sequence[str], values: Sequence[int]) -> SafeString:
    peak = _scale(values)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    points = [
        (LEFT + slot * (i + 0.5), TOP + plot_h * (1 - float(v) / peak))
        for i, v in enumerate(values)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" class="series-0"><title>{}: {}</title></circle>',
        ((_n(x), _n(y), labels[i], values[i]) for i, (x, y) in enumerate(points)),
    )
    return _svg(
        title,
        [*_frame(peak, labels, 2), format_html('<polyline points="{}" class="line"/>', line), dots],
    )


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | Decimal]]],
    *,
    stacked: bool = False,
) -> SafeString:
    """Bars per label: side by side (grouped) or on top of each other (stacked)."""
    if stacked:
        totals = [sum(float(values[i]) for _, values in series) for i in range(len(labels))]
    else:
        totals = [float(v) for _, values in series for v in values]
    peak = _scale(totals)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    width = slot * 0.7 / (1 if stacked else max(len(series), 1))
    bars = []
    for i, label in enumerate(labels):
        base = 0.0
        for s, (name, values) in enumerate(series):
            value = float(values[i])
            height = plot_h * value / peak
            x = LEFT + slot * (i + 0.15) + (0 if stacked else width * s)
            y = TOP + plot_h - height - (plot_h * base / peak if stacked else 0)
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="series-{}">'
                    "<title>{} {}: {}</title></rect>",
                    _n(x),
                    _n(y),
                    _n(width),
                    _n(height),
                    s % len(PALETTE),
                    name,
                    label,
                    values[i],
                )
            )
            if stacked:
                base += value
    return _svg(title, [*_frame(peak, labels, 2), *bars])


def legend(names: Sequence[str]) -> SafeString:
    return format_html(
        '<ul class="tally-legend">{}</ul>',
        format_html_join(
            "",
            '<li><span class="swatch series-{}"></span>{}</li>',
            ((i % len(PALETTE), name) for i, name in enumerate(names)),
        ),
    )


def palette_css() -> SafeString:
    """The series colours, shared by the bars, the dots and the legend swatches."""
    rules = "".join(
        f".series-{i}{{fill:{colour};background:{colour}}}" for i, colour in enumerate(PALETTE)
    )
    return mark_safe(rules)
