"""Tiny server-side SVG charts: no JavaScript, no CDN, nothing to download.

Each chart is an inline ``<svg>`` that scales to its container (``viewBox``). Every data
mark carries ``data-label`` and ``data-value`` (the exact integer) and a ``<title>`` tooltip,
so the numbers are readable by people, screen readers and tests alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ACCENT = "#d9480f"
ACCENT_LIGHT = "#ffd8a8"
GRID = "#e9ecef"
INK = "#495057"
# A narrow canvas keeps the text readable when a phone (about 360 px) scales the chart down.
WIDTH = 420
FONT = 12


@dataclass(frozen=True)
class Point:
    label: str  # shown on the axis (may be shortened)
    value: int
    key: str = ""  # the full label for data-label and the tooltip (defaults to label)


Formatter = Callable[[int], str]


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 x 10^k (k >= 0) that is at least ``value`` (1 for nothing)."""
    if value <= 1:
        return 1
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor: str = "start", fill: str = INK) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{FONT}" fill="{fill}" '
        f'text-anchor="{anchor}">{escape(content)}</text>'
    )


def _open(kind: str, title: str, width: int, height: int) -> str:
    return (
        f'<svg class="chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" data-chart="{kind}"><title>{escape(title)}</title>'
    )


def _y_axis(
    parts: list[str],
    top: float,
    bottom: float,
    left: float,
    right: float,
    ceiling: int,
    fmt: Formatter,
) -> None:
    # Round steps: 5 of 1000 rather than 4 of 1250; never more steps than units (counts).
    ticks = min(ceiling, 5 if str(ceiling).startswith("5") else 4)
    for i in range(ticks + 1):
        value = ceiling * i // ticks
        y = bottom - (bottom - top) * i / ticks
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 4, y + 4, fmt(value), anchor="end"))


def _empty(parts: list[str], width: int, height: int, points: Sequence[Point]) -> None:
    if not points or all(point.value == 0 for point in points):
        parts.append(_text(width / 2, height / 2, "暂无数据", anchor="middle"))


def _label_every(count: int, room: float, per_label: float = 40) -> int:
    """Show every n-th x label so they never overlap."""
    fits = max(1, int(room // per_label))
    return max(1, -(-count // fits))


def column_chart(
    points: Sequence[Point],
    *,
    title: str,
    fmt: Formatter = str,
    axis_fmt: Formatter | None = None,
    width: int = WIDTH,
    height: int = 200,
) -> Markup:
    """Vertical bars, one per point (e.g. sales per day); ``axis_fmt`` labels the y axis."""
    left, right, top, bottom = 52.0, width - 4.0, 10.0, height - 24.0
    ceiling = nice_ceiling(max((p.value for p in points), default=0))
    parts = [_open("columns", title, width, height)]
    _y_axis(parts, top, bottom, left, right, ceiling, axis_fmt or fmt)
    slot = (right - left) / max(1, len(points))
    every = _label_every(len(points), right - left)
    for i, point in enumerate(points):
        bar_height = (bottom - top) * max(0, point.value) / ceiling
        x = left + slot * i + slot * 0.15
        key = point.key or point.label
        parts.append(
            f'<rect class="mark" x="{_n(x)}" y="{_n(bottom - bar_height)}" '
            f'width="{_n(slot * 0.7)}" height="{_n(bar_height)}" fill="{ACCENT}" '
            f'data-label="{escape(key)}" data-value="{point.value}">'
            f"<title>{escape(key)}: {escape(fmt(point.value))}</title></rect>"
        )
        if i % every == 0:
            parts.append(_text(left + slot * (i + 0.5), height - 8, point.label, anchor="middle"))
    _empty(parts, width, height, points)
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    fmt: Formatter = str,
    axis_fmt: Formatter | None = None,
    width: int = WIDTH,
    height: int = 200,
) -> Markup:
    """A line through the points with a dot on each (e.g. orders per day)."""
    left, right, top, bottom = 52.0, width - 4.0, 10.0, height - 24.0
    ceiling = nice_ceiling(max((p.value for p in points), default=0))
    parts = [_open("line", title, width, height)]
    _y_axis(parts, top, bottom, left, right, ceiling, axis_fmt or fmt)
    slot = (right - left) / max(1, len(points))
    every = _label_every(len(points), right - left)
    coords = []
    for i, point in enumerate(points):
        x = left + slot * (i + 0.5)
        y = bottom - (bottom - top) * max(0, point.value) / ceiling
        coords.append((x, y))
    if coords:
        path = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    for i, (point, (x, y)) in enumerate(zip(points, coords, strict=True)):
        key = point.key or point.label
        parts.append(
            f'<circle class="mark" cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{ACCENT}" '
            f'data-label="{escape(key)}" data-value="{point.value}">'
            f"<title>{escape(key)}: {escape(fmt(point.value))}</title></circle>"
        )
        if i % every == 0:
            parts.append(_text(x, height - 8, point.label, anchor="middle"))
    _empty(parts, width, height, points)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    points: Sequence[Point], *, title: str, fmt: Formatter = str, width: int = WIDTH
) -> Markup:
    """Horizontal bars with the label above each (long product names fit on a phone)."""
    row, left, right = 42.0, 4.0, width - 84.0
    height = int(max(1, len(points)) * row + 8)
    ceiling = max((p.value for p in points), default=0) or 1
    parts = [_open("bars", title, width, height)]
    for i, point in enumerate(points):
        y = 4 + row * i
        bar_width = max(2.0, (right - left) * max(0, point.value) / ceiling)
        key = point.key or point.label
        parts.append(_text(left, y + 13, point.label))
        parts.append(
            f'<rect x="{_n(left)}" y="{_n(y + 17)}" width="{_n(right - left)}" height="14" '
            f'fill="{ACCENT_LIGHT}" opacity="0.35"/>'
        )
        parts.append(
            f'<rect class="mark" x="{_n(left)}" y="{_n(y + 17)}" width="{_n(bar_width)}" '
            f'height="14" fill="{ACCENT}" data-label="{escape(key)}" '
            f'data-value="{point.value}"><title>{escape(key)}: {escape(fmt(point.value))}'
            "</title></rect>"
        )
        parts.append(_text(right + 6, y + 28, fmt(point.value)))
    _empty(parts, width, height, points)
    parts.append("</svg>")
    return Markup("".join(parts))
