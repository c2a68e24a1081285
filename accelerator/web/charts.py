"""Charts drawn on the server as SVG, readable without colour: every bar and marker carries
its number or word, series differ by pattern (solid, hatched, dotted, ...) and by shape,
and each chart has a title and description for screen readers (the page also shows the
same numbers as a table). Colours are dark on white (WCAG 2.1 AA contrast and more).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

INK = "#1a1a1a"
NAVY = "#1d3f66"
RED = "#a4262c"
PATTERNS = ("solid", "hatch", "dots", "cross", "vertical", "horizontal")
ROW = 30
LABEL = 190
WIDTH = 720


def defs(prefix: str) -> str:
    """One fill per pattern name, ids prefixed so that several charts share a page."""
    lines = {
        "hatch": f'<path d="M0,8 L8,0" stroke="{NAVY}" stroke-width="2"/>',
        "dots": f'<circle cx="4" cy="4" r="1.8" fill="{NAVY}"/>',
        "cross": f'<path d="M0,8 L8,0 M0,0 L8,8" stroke="{NAVY}" stroke-width="1.4"/>',
        "vertical": f'<path d="M4,0 L4,8" stroke="{NAVY}" stroke-width="2"/>',
        "horizontal": f'<path d="M0,4 L8,4" stroke="{NAVY}" stroke-width="2"/>',
    }
    patterns = "".join(
        f'<pattern id="{prefix}-{name}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="#ffffff"/>{body}</pattern>'
        for name, body in lines.items()
    )
    return f"<defs>{patterns}</defs>"


def fill(prefix: str, pattern: str) -> str:
    return NAVY if pattern == "solid" else f"url(#{prefix}-{pattern})"


def svg(prefix: str, height: int, title: str, description: str, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(description)}</desc>'
        f"{defs(prefix)}{body}</svg>"
    )


def text(
    x: float, y: float, words: str, anchor: str = "start", weight: str = "normal", colour: str = INK
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}" fill="{colour}" '
        f'font-size="14">{escape(words)}</text>'
    )


def line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float, dash: str = "") -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{width}"{dashes}/>'
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    shown: str
    """The value as the reader reads it (a count, an amount in the page's language)."""
    pattern: str = "solid"


def bars(
    prefix: str, title: str, description: str, rows: Sequence[Bar], maximum: Decimal | int | None = None
) -> Markup:
    """Horizontal bars, one per row: label, patterned bar, value."""
    top = max([maximum or 0, *(r.value for r in rows), 1])
    span = WIDTH - LABEL - 110
    body = []
    for i, row in enumerate(rows):
        y = 10 + i * ROW
        width = float(row.value) / float(top) * span
        body.append(text(0, y + 17, row.label))
        body.append(
            f'<rect x="{LABEL}" y="{y + 3}" width="{max(width, 1):.1f}" height="{ROW - 10}" '
            f'fill="{fill(prefix, row.pattern)}" stroke="{NAVY}" stroke-width="1.5"/>'
        )
        body.append(text(LABEL + width + 8, y + 17, row.shown, weight="bold"))
    return svg(prefix, 20 + len(rows) * ROW, title, description, "".join(body))


@dataclass(frozen=True)
class Burn:
    label: str
    paid: Decimal
    committed: Decimal
    awarded: Decimal
    shown: str


def burn(
    prefix: str, title: str, description: str, rows: Sequence[Burn], cap: Decimal, cap_label: str
) -> Markup:
    """Grant burn: paid (solid), committed but not yet paid (hatched), the rest of the award
    (outlined), against the cap (a dashed line with its amount)."""
    span = WIDTH - LABEL - 170
    scale = span / float(cap)
    body = []
    for i, row in enumerate(rows):
        y = 30 + i * ROW
        body.append(text(0, y + 17, row.label))
        segments = (
            (row.paid, "solid"),
            (row.committed - row.paid, "hatch"),
            (row.awarded - row.committed, "none"),
        )
        x = float(LABEL)
        for amount, pattern in segments:
            width = max(float(amount), 0) * scale
            colour = "#ffffff" if pattern == "none" else fill(prefix, pattern)
            body.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 10}" fill="{colour}" '
                f'stroke="{NAVY}" stroke-width="1.5"/>'
            )
            x += width
        body.append(text(LABEL + span + 8, y + 17, row.shown))
    cap_x = LABEL + span
    bottom = 30 + len(rows) * ROW
    body.append(line(cap_x, 20, cap_x, bottom, RED, 2, "6 4"))
    body.append(text(cap_x, 15, cap_label, anchor="middle", weight="bold", colour=RED))
    return svg(prefix, bottom + 10, title, description, "".join(body))


@dataclass(frozen=True)
class Mark:
    lane: int
    day: date
    label: str
    shape: str
    """done (filled circle), due (hollow circle), waiting (square), late (triangle), overdue (cross)."""


SHAPES: dict[str, Callable[[float, float], str]] = {
    "done": lambda x, y: f'<circle cx="{x:.1f}" cy="{y}" r="7" fill="{NAVY}"/>',
    "due": lambda x, y: (
        f'<circle cx="{x:.1f}" cy="{y}" r="7" fill="#ffffff" stroke="{NAVY}" stroke-width="2.5"/>'
    ),
    "waiting": lambda x, y: f'<rect x="{x - 7:.1f}" y="{y - 7}" width="14" height="14" fill="{NAVY}"/>',
    "late": lambda x, y: (
        f'<path d="M{x:.1f},{y - 8} L{x + 8:.1f},{y + 7} L{x - 8:.1f},{y + 7} Z" fill="{NAVY}"/>'
    ),
    "overdue": lambda x, y: (
        f'<path d="M{x - 7:.1f},{y - 7} L{x + 7:.1f},{y + 7} M{x - 7:.1f},{y + 7} L{x + 7:.1f},{y - 7}" '
        f'stroke="{RED}" stroke-width="4"/>'
    ),
    "event": lambda x, y: (
        f'<path d="M{x:.1f},{y - 8} L{x + 8:.1f},{y} L{x:.1f},{y + 8} L{x - 8:.1f},{y} Z" fill="{NAVY}"/>'
    ),
}


def anchor(x: float, left: float, right: float) -> str:
    """Labels near an edge grow inwards, so none is cut off."""
    if x > right - 60:
        return "end"
    return "start" if x < left + 40 else "middle"


def timeline(
    prefix: str,
    title: str,
    description: str,
    start: date,
    end: date,
    lanes: Sequence[str],
    marks: Sequence[Mark],
    ticks: Sequence[tuple[date, str]],
    today: tuple[date, str] | None,
) -> Markup:
    """Six months from `start` to `end`: a lane per kind of thing, each mark a shape with
    its label; month ticks; today's line."""
    left, right, lane_height = 150, WIDTH - 70, 64
    days = max((end - start).days, 1)

    def x(day: date) -> float:
        return left + (right - left) * min(max((day - start).days, 0), days) / days

    height = 40 + lane_height * len(lanes)
    body = [line(left, 30, right, 30, INK, 1)]
    for day, label in ticks:
        body.append(line(x(day), 26, x(day), height, "#767676", 1))
        body.append(text(x(day) + 3, 20, label))
    for i, lane in enumerate(lanes):
        body.append(text(0, 40 + i * lane_height + 24, lane, weight="bold"))
    for n, mark in enumerate(marks):
        y = 40 + mark.lane * lane_height + 20
        body.append(SHAPES.get(mark.shape, SHAPES["event"])(x(mark.day), y))
        offset = 24 if n % 2 == 0 else 38  # neighbouring labels on two lines, so they do not overlap
        body.append(text(x(mark.day), y + offset, mark.label, anchor=anchor(x(mark.day), left, right)))
    if today is not None and start <= today[0] <= end:
        body.append(line(x(today[0]), 26, x(today[0]), height, RED, 2, "4 3"))
        body.append(text(x(today[0]), height - 4, today[1], anchor="middle", weight="bold", colour=RED))
    return svg(prefix, height + 6, title, description, "".join(body))
