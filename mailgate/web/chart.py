"""A server-side SVG bar chart: counts per day, one bar per series side by side (grouped).

No script, no inline style attributes (the CSP forbids them): colours and fonts
are SVG presentation attributes. Every text is XML-escaped. The chart carries
<title> and <desc>; each bar has its own <title> (the exact number) and
data-day / data-series attributes. Pages show the same numbers as a table.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

HEIGHT = 260
PLOT_TOP = 20
PLOT_HEIGHT = 190
LEFT = 44
RIGHT = 16
FONT = "system-ui, sans-serif"
PALETTE = ("#d92d20", "#7a5af8", "#f79009", "#1570ef", "#475467", "#0e9384", "#c11574")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Series:
    key: str  # stable identifier (e.g. the reason), used for the colour and data-series
    label: str  # shown in the legend and the bar titles
    counts: list[int]  # one per day
    colour: str = ""


def _text(value: object) -> str:
    return escape(_CONTROL.sub("", str(value)))


def _attr(value: object) -> str:
    return quoteattr(_CONTROL.sub("", str(value)))


def nice_max(value: int) -> int:
    """The top of the y axis: at least the value, a round number, never 0."""
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value  # pragma: no cover


def bar_chart(
    *,
    days: list[date],
    series: list[Series],
    title: str,
    desc: str,
    empty_text: str = "",
    colours: dict[str, str] | None = None,
) -> str:
    """The SVG document (a str) for counts per day, grouped by series."""
    colours = colours or {}
    groups = max(len(series), 1)
    bar = 12 if groups <= 2 else 8 if groups <= 3 else 6
    width = max(LEFT + RIGHT + (groups * bar + 8) * max(len(days), 1), 640)
    slot = (width - LEFT - RIGHT) / max(len(days), 1)
    top = nice_max(max((max(s.counts, default=0) for s in series), default=0))
    base = PLOT_TOP + PLOT_HEIGHT
    # Legend positions first: the chart grows to fit its rows.
    legend: list[tuple[float, float, Series, str]] = []
    x, y = float(LEFT), float(base + 36)
    for s_index, s in enumerate(series):
        colour = s.colour or colours.get(s.key) or PALETTE[s_index % len(PALETTE)]
        item = 16 + 13 * len(s.label) + 16
        if x > LEFT and x + item > width - RIGHT:
            x, y = float(LEFT), y + 18
        legend.append((x, y, s, colour))
        x += item
    height = max(HEIGHT, int(y) + 12)
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family={_attr(FONT)} font-size="11">',
        f'<title id="chart-title">{_text(title)}</title>',
        f'<desc id="chart-desc">{_text(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    # Y axis: gridlines at fifths of a round top, so every label is a whole number.
    for i in range(6):
        value = top * i // 5
        y = base - PLOT_HEIGHT * i / 5
        label = str(value)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{width - RIGHT}" y2="{y:.1f}" '
            f'stroke="#d0d5dd" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#475467">'
            f"{_text(label)}</text>"
        )
    # Bars, grouped per day.
    every = max(1, math.ceil(34 / slot))  # a day label is about 30 px wide
    for d, day in enumerate(days):
        x0 = LEFT + d * slot + (slot - groups * bar) / 2
        for s_index, s in enumerate(series):
            count = s.counts[d] if d < len(s.counts) else 0
            if count <= 0:
                continue
            h = PLOT_HEIGHT * count / top
            colour = s.colour or colours.get(s.key) or PALETTE[s_index % len(PALETTE)]
            out.append(
                f'<rect class="bar" x="{x0 + s_index * bar:.1f}" y="{base - h:.1f}" '
                f'width="{bar - 1}" height="{h:.1f}" fill={_attr(colour)} '
                f"data-day={_attr(day.isoformat())} data-series={_attr(s.key)} "
                f'data-count="{count}">'
                f"<title>{_text(f'{day.isoformat()} {s.label}: {count}')}</title></rect>"
            )
        if d % every == 0:
            cx = LEFT + d * slot + slot / 2
            out.append(
                f'<text x="{cx:.1f}" y="{base + 14}" text-anchor="middle" fill="#475467">'
                f"{_text(f'{day.month}/{day.day}')}</text>"
            )
    out.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{width - RIGHT}" y2="{base}" '
        f'stroke="#667085" stroke-width="1"/>'
    )
    if not any(any(s.counts) for s in series) and empty_text:
        out.append(
            f'<text x="{width / 2:.1f}" y="{PLOT_TOP + PLOT_HEIGHT / 2:.1f}" '
            f'text-anchor="middle" fill="#475467" font-size="14">{_text(empty_text)}</text>'
        )
    for lx, ly, s, colour in legend:
        out.append(
            f'<rect x="{lx:.0f}" y="{ly - 10:.0f}" width="12" height="12" fill={_attr(colour)}/>'
        )
        out.append(f'<text x="{lx + 16:.0f}" y="{ly:.0f}" fill="#101828">{_text(s.label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
