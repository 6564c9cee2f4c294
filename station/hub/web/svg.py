"""History charts drawn by the server as SVG: the geometry here (pure
numbers), the elements in the template (escaped like any other text)."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 220
#: Room for the axis labels: left, right, top, bottom.
MARGIN = (74, 28, 12, 36)
TICKS = 4


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class Chart:
    """One measure by session: its points, the line through them, the y ticks
    ((y, text)) and the x labels ((x, text)), in a WIDTH x HEIGHT box."""

    title: str
    points: list[Point]
    path: str
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT


def _nice_step(span: float) -> float:
    raw = span / TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def line_chart(title: str, values: list[tuple[str, float | None]], show,
               resolution: float) -> Chart:
    """``values``: (x label, value or None) in order; ``show`` formats a
    value, to ``resolution`` (the smallest step it shows, so no two ticks
    read the same)."""
    known = [(i, label, v) for i, (label, v) in enumerate(values) if v is not None]
    left, right, top, bottom = MARGIN
    inner_w, inner_h = WIDTH - left - right, HEIGHT - top - bottom
    if not known:
        return Chart(title, [], "", [], [])
    low, high = min(v for *_, v in known), max(v for *_, v in known)
    if high - low < 1e-9:
        low, high = low - abs(low) * 0.1 - 1e-3, high + abs(high) * 0.1 + 1e-3
    step = _nice_step(max(high - low, resolution * TICKS))
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    n = max(1, len(values) - 1)

    def x_of(i: int) -> float:
        return left + (inner_w * i / n if len(values) > 1 else inner_w / 2)

    def y_of(v: float) -> float:
        return top + inner_h * (1 - (v - low) / (high - low))

    points = [Point(round(x_of(i), 1), round(y_of(v), 1), label, show(v)) for i, label, v in known]
    path = " ".join(f"{'M' if k == 0 else 'L'}{p.x},{p.y}" for k, p in enumerate(points))
    ticks = []
    tick = low
    while tick <= high + step / 2:
        ticks.append((round(y_of(tick), 1), show(tick)))
        tick += step
    every = max(1, math.ceil(len(values) / 6))
    labels = [(round(x_of(i), 1), label) for i, (label, _) in enumerate(values) if i % every == 0]
    return Chart(title, points, path, ticks, labels)
