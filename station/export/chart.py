"""One session of one athlete as a PNG chart, drawn with pygame surfaces only.

Bars: each rep's rebound contact time (ms, left axis), coloured by its landing
rating; an invalid rep is an outline only. Line: each rep's jump height (cm,
right axis). A thin gap separates sets. No window is opened, so this works
with pygame's dummy video driver and in a worker thread.

Example::

    png = render_chart(ChartData("Anna", "2026-11-24T18:05:00+00:00", 12, reps))
"""

from __future__ import annotations

import io
import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime

# Exports run from the command line too, whose output is only the export's.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

SIZE = (1280, 720)
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 90, 90, 120, 90
BACKGROUND = (255, 255, 255)
INK = (30, 30, 30)
GRID = (225, 225, 225)
HEIGHT_LINE = (25, 70, 160)
#: Rating colours: the traffic light a coach reads without a legend.
RATING_COLOURS = {"soft": (60, 160, 80), "firm": (235, 165, 40), "hard": (210, 60, 50),
                  None: (150, 150, 150)}
#: Axis ticks; the tops are rounded up to them so every tick is a round number.
CONTACT_STEP_MS = 100
HEIGHT_STEP_CM = 5
#: An invalid rep (a pause on the mat, a step off) can be far off the scale of
#: the others; its bar or point is clipped at these tops instead.
CONTACT_AXIS_MAX_MS = 1000
HEIGHT_AXIS_MAX_CM = 80
#: A short set's bars stay bar-shaped rather than filling the chart.
MAX_SLOT_PX = 40
#: Shades from each text colour to the background, for antialiased text.
RAMP_STEPS = 96


def _palette() -> list[tuple[int, int, int]]:
    """The chart's 256 colours: ramps for text, the bar colours, the grid."""
    colours = [BACKGROUND, GRID, *RATING_COLOURS.values()]
    for ink in (INK, HEIGHT_LINE):
        for step in range(RAMP_STEPS):
            share = step / (RAMP_STEPS - 1)
            colours.append(tuple(round(a + (b - a) * share) for a, b in zip(ink, BACKGROUND)))
    return colours + [INK] * (256 - len(colours))


#: An 8-bit chart saves as PNG about eight times faster than a 24-bit one and
#: looks the same: it has few colours. 1 000 charts then take seconds.
PALETTE = _palette()


@dataclass(frozen=True)
class ChartRep:
    set_index: int
    rep_index: int
    rebound_contact_s: float | None
    jump_height_m: float | None
    rating: str | None
    valid: bool


@dataclass(frozen=True)
class ChartData:
    """What one chart shows: who, which session, and the reps in order."""

    athlete: str
    session_started_at: str
    session_id: int
    reps: list[ChartRep]


class _Fonts:
    def __init__(self):
        pygame.font.init()
        self.title = pygame.font.Font(None, 44)
        self.text = pygame.font.Font(None, 26)
        self.small = pygame.font.Font(None, 22)


_fonts: _Fonts | None = None


def render_chart(data: ChartData) -> bytes:
    """The chart as PNG bytes."""
    global _fonts
    if _fonts is None:
        _fonts = _Fonts()
    surface = pygame.Surface(SIZE, depth=8)
    surface.set_palette(PALETTE)
    surface.fill(BACKGROUND)
    plot = pygame.Rect(MARGIN_LEFT, MARGIN_TOP, SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT,
                       SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM)
    _draw_title(surface, _fonts, data)
    contact_top_ms = _axis_top([r.rebound_contact_s for r in data.reps], 1000, CONTACT_STEP_MS,
                               CONTACT_AXIS_MAX_MS)
    height_top_cm = _axis_top([r.jump_height_m for r in data.reps], 100, HEIGHT_STEP_CM,
                              HEIGHT_AXIS_MAX_CM)
    _draw_axes(surface, _fonts, plot, contact_top_ms, height_top_cm)
    slots = _rep_slots(data.reps, plot)
    _draw_bars(surface, plot, data.reps, slots, contact_top_ms)
    _draw_heights(surface, plot, data.reps, slots, height_top_cm)
    _draw_legend(surface, _fonts, plot)
    out = io.BytesIO()
    pygame.image.save(surface, out, "chart.png")
    return out.getvalue()


def _printable(text: str) -> str:
    """``text`` without control characters, which fonts cannot draw."""
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)


def _local_time(iso_utc: str) -> str:
    """The station's local time, as the people who were there saw the clock."""
    try:
        return datetime.fromisoformat(iso_utc).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    except ValueError:
        return "unknown time"


def _fit(font, text: str, width_px: int) -> str:
    while text and font.size(text)[0] > width_px:
        text = text[:-2] + "…"
    return text


def _draw_title(surface, fonts, data: ChartData) -> None:
    width = SIZE[0] - 2 * MARGIN_LEFT
    when = _local_time(data.session_started_at)
    title = _fit(fonts.title, _printable(data.athlete or "Nobody picked"), width)
    surface.blit(fonts.title.render(title, True, INK, BACKGROUND), (MARGIN_LEFT, 20))
    valid = [r for r in data.reps if r.valid]
    heights = [r.jump_height_m for r in valid if r.jump_height_m is not None]
    best = f", best height {max(heights) * 100:.1f} cm" if heights else ""
    line = (f"Session {data.session_id}, {when}: {len(data.reps)} reps, "
            f"{len(valid)} valid{best}")
    surface.blit(fonts.text.render(line, True, INK, BACKGROUND), (MARGIN_LEFT, 66))


def _axis_top(values, scale: float, step: float, most: float) -> float:
    present = [v * scale for v in values if v is not None]
    top = min(most, max(present, default=0.0))
    return max(step, -(-top // step) * step)


def _draw_axes(surface, fonts, plot, contact_top_ms, height_top_cm) -> None:
    for tick_ms in range(0, int(contact_top_ms) + 1, CONTACT_STEP_MS):
        y = plot.bottom - plot.height * tick_ms / contact_top_ms
        pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y))
        label = fonts.small.render(f"{tick_ms}", True, INK, BACKGROUND)
        surface.blit(label, (plot.left - 8 - label.get_width(), y - label.get_height() / 2))
    for tick_cm in range(0, int(height_top_cm) + 1, HEIGHT_STEP_CM):
        y = plot.bottom - plot.height * tick_cm / height_top_cm
        label = fonts.small.render(f"{tick_cm}", True, HEIGHT_LINE, BACKGROUND)
        surface.blit(label, (plot.right + 8, y - label.get_height() / 2))
    pygame.draw.rect(surface, INK, plot, 1)
    surface.blit(fonts.small.render("rebound contact (ms)", True, INK, BACKGROUND),
                 (plot.left - 80, plot.top - 30))
    label = fonts.small.render("jump height (cm)", True, HEIGHT_LINE, BACKGROUND)
    surface.blit(label, (plot.right + 80 - label.get_width(), plot.top - 30))


def _rep_slots(reps, plot) -> list[tuple[float, float]]:
    """Each rep's bar as (left x, width), with a one-slot gap between sets."""
    gaps = sum(1 for a, b in zip(reps, reps[1:]) if a.set_index != b.set_index)
    slot = min(MAX_SLOT_PX, plot.width / max(1, len(reps) + gaps))
    slots, x, previous = [], float(plot.left), None
    for rep in reps:
        if previous is not None and rep.set_index != previous:
            x += slot
        slots.append((x, slot))
        x += slot
        previous = rep.set_index
    return slots


def _draw_bars(surface, plot, reps, slots, top_ms) -> None:
    for rep, (x, slot) in zip(reps, slots):
        if rep.rebound_contact_s is None:
            continue
        height = min(plot.height, plot.height * rep.rebound_contact_s * 1000 / top_ms)
        bar = pygame.Rect(round(x + slot * 0.15), round(plot.bottom - height),
                          max(1, round(slot * 0.7)), max(1, round(height)))
        colour = RATING_COLOURS.get(rep.rating, RATING_COLOURS[None])
        pygame.draw.rect(surface, colour, bar, 0 if rep.valid else 2)


def _draw_heights(surface, plot, reps, slots, top_cm) -> None:
    points = [(x + slot / 2, plot.bottom - plot.height * min(1.0, r.jump_height_m * 100 / top_cm))
              for r, (x, slot) in zip(reps, slots) if r.jump_height_m is not None]
    if len(points) > 1:
        pygame.draw.lines(surface, HEIGHT_LINE, False, points, 3)
    if len(points) <= plot.width / 6:
        for point in points:
            pygame.draw.circle(surface, HEIGHT_LINE, point, 4)


def _draw_legend(surface, fonts, plot) -> None:
    x = plot.left
    y = plot.bottom + 40
    for name in ("soft", "firm", "hard"):
        pygame.draw.rect(surface, RATING_COLOURS[name], (x, y, 18, 18))
        surface.blit(fonts.small.render(f"{name} landing", True, INK, BACKGROUND), (x + 24, y + 1))
        x += 150
    pygame.draw.rect(surface, INK, (x, y, 18, 18), 2)
    surface.blit(fonts.small.render("invalid rep", True, INK, BACKGROUND), (x + 24, y + 1))
    x += 150
    pygame.draw.line(surface, HEIGHT_LINE, (x, y + 9), (x + 30, y + 9), 3)
    surface.blit(fonts.small.render("jump height", True, HEIGHT_LINE, BACKGROUND), (x + 38, y + 1))
