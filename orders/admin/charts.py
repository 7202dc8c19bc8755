"""Charts as inline SVG, drawn on the server: no script, no CDN, readable without colour.

Each chart has a ``<title>`` per mark (the browser's tooltip and what screen readers read),
and the dashboard shows the numbers as a table below it. The y axis has "nice" ticks (1, 2 or
5 times a power of ten, never 0/4/7), and x labels are thinned so they never touch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 960, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 14, 34
PALETTE_SIZE = 8  # .series-0 ... .series-7 in orders/static/orders/admin.css
LABEL_SPACE = 64  # the room one x label needs, in SVG units
TICKS = 4

Number = int | float | Decimal


def _n(value: float) -> str:
    """A coordinate with one decimal (format_html escapes its arguments, so format first)."""
    return f"{value:.1f}"


def nice_ticks(peak: float, ticks: int = TICKS, *, whole: bool = True) -> list[float]:
    """0 and up to ``ticks`` evenly spaced values at 1, 2 or 5 times a power of ten."""
    if peak <= 0:
        return [0.0, 1.0]
    raw = peak / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(step, 1.0)
    count = math.ceil(peak / step - 1e-9)
    return [step * i for i in range(count + 1)]


def label_stride(count: int) -> int:
    """Show every n-th x label so that neighbours never collide."""
    room = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return max(1, math.ceil(LABEL_SPACE / room))


def _frame(ticks: list[float], labels: Sequence[str], fmt: Callable[[float], str]) -> list[str]:
    """Horizontal grid lines with their values, and the x labels that fit."""
    parts = []
    plot_h = HEIGHT - TOP - BOTTOM
    top = ticks[-1]
    for value in ticks:
        y = TOP + plot_h * (1 - value / top)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>',
                LEFT,
                _n(y),
                WIDTH - RIGHT,
                _n(y),
                LEFT - 8,
                _n(y + 4),
                fmt(value),
            )
        )
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    stride = label_stride(len(labels))
    last = len(labels) - 1
    for i, label in enumerate(labels):
        # every stride-th label counted back from the latest, which is always shown
        if (last - i) % stride == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
                    _n(LEFT + slot * (i + 0.5)),
                    HEIGHT - BOTTOM + 18,
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
        mark_safe("".join(parts)),  # noqa: S308 - every part was built by format_html
    )


def whole(value: float) -> str:
    return f"{value:,.0f}"


def percent(value: float) -> str:
    """``30%``, ``12.5%``: one decimal only when it says something."""
    tenths = round(value * 1000)
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths / 10:.1f}%"


def line_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    fmt: Callable[[float], str] = whole,
    whole_ticks: bool = True,
) -> SafeString:
    """One line; a point without a value (None) is left out, and the line breaks there."""
    known = [float(v) for v in values if v is not None]
    ticks = nice_ticks(max(known + [0.0]), whole=whole_ticks)
    top = ticks[-1]
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    runs: list[list[tuple[float, float]]] = [[]]
    dots = []
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        x, y = LEFT + slot * (i + 0.5), TOP + plot_h * (1 - float(value) / top)
        runs[-1].append((x, y))
        dots.append((_n(x), _n(y), labels[i], fmt(float(value))))
    lines = [
        format_html(
            '<polyline points="{}" class="line"/>', " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        )
        for run in runs
        if run
    ]
    marks = format_html_join(
        "", '<circle cx="{}" cy="{}" r="4" class="series-0"><title>{}: {}</title></circle>', dots
    )
    return _svg(title, [*_frame(ticks, labels, fmt), *lines, marks])


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    *,
    stacked: bool = False,
    fmt: Callable[[float], str] = whole,
) -> SafeString:
    """Bars per label: side by side (grouped) or on top of each other (stacked)."""
    if stacked:
        totals = [sum(float(values[i]) for _, values in series) for i in range(len(labels))]
    else:
        totals = [float(v) for _, values in series for v in values]
    ticks = nice_ticks(max(totals + [0.0]), whole=False)
    top = ticks[-1]
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    width = slot * 0.7 / (1 if stacked else max(len(series), 1))
    bars = []
    for i, label in enumerate(labels):
        base = 0.0
        for s, (name, values) in enumerate(series):
            value = float(values[i])
            height = plot_h * value / top
            x = LEFT + slot * (i + 0.15) + (0 if stacked else width * s)
            y = TOP + plot_h - height - (plot_h * base / top if stacked else 0)
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="series-{}">'
                    "<title>{} {}: {}</title></rect>",
                    _n(x),
                    _n(y),
                    _n(width),
                    _n(height),
                    s % PALETTE_SIZE,
                    name,
                    label,
                    fmt(value),
                )
            )
            if stacked:
                base += value
    return _svg(title, [*_frame(ticks, labels, fmt), *bars])


def legend(names: Sequence[str]) -> SafeString:
    return format_html(
        '<ul class="tally-legend">{}</ul>',
        format_html_join(
            "",
            '<li><span class="swatch series-{}"></span>{}</li>',
            ((i % PALETTE_SIZE, name) for i, name in enumerate(names)),
        ),
    )
