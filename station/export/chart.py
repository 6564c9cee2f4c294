"""One session as a PNG chart, a row per athlete, drawn with pygame surfaces only.

Each athlete's row: their name and totals on the left; a bar per rep for its
rebound contact time (ms, left axis) coloured by its landing rating (an
invalid rep is an outline only), a thin gap between sets, and a line for
each rep's jump height (cm, right axis). Every row shares the same axes, so
athletes compare at a glance. The picture grows with the number of athletes
so each row stays readable on a laptop. No window is opened, so this works
with pygame's dummy video driver. Names in every script are drawn with the
kiosk's fonts (station/fonts/).

Example::

    png = render_chart(ChartData(12, "2026-11-24T18:05:00+00:00", [AthleteReps("Anna", reps)]))
"""

from __future__ import annotations

import os
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import datetime

# Exports run from the command line too, whose output is only the export's.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import numpy as np  # noqa: E402
import pygame  # noqa: E402

from station.fonts.chain import FontChain, FontFiles  # noqa: E402
from station.fonts.files import find_fonts  # noqa: E402

WIDTH = 1600
HEADER_PX = 130
ROW_PX = 150
FOOTER_PX = 20
LABEL_PX = 300          # the names and totals, left of the plots
AXIS_LEFT_PX = 50       # contact ticks
AXIS_RIGHT_PX = 60      # height ticks
ROW_GAP_PX = 30         # between one row's plot and the next
MARGIN_PX = 30
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
#: At most this many ticks per axis in a row, so their labels never touch.
MAX_TICKS = 4
#: An invalid rep (a pause on the mat, a step off) can be far off the scale of
#: the others; its bar or point is clipped at these tops instead.
CONTACT_AXIS_MAX_MS = 1000
HEIGHT_AXIS_MAX_CM = 80
#: A short set's bars stay bar-shaped rather than filling the row.
MAX_SLOT_PX = 40
#: Shades from each text colour to the background, for antialiased text.
RAMP_STEPS = 96
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_COMPRESSION = 3


def _palette() -> list[tuple[int, int, int]]:
    """The chart's 256 colours: ramps for text, the bar colours, the grid."""
    colours = [BACKGROUND, GRID, *RATING_COLOURS.values()]
    for ink in (INK, HEIGHT_LINE):
        for step in range(RAMP_STEPS):
            share = step / (RAMP_STEPS - 1)
            colours.append(tuple(round(a + (b - a) * share) for a, b in zip(ink, BACKGROUND)))
    return colours + [INK] * (256 - len(colours))


#: An 8-bit chart saves as PNG about eight times faster than a 24-bit one and
#: looks the same: it has few colours.
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
class AthleteReps:
    """One row of the chart: who ("" for nobody picked) and their reps in order."""

    athlete: str
    reps: list[ChartRep]


@dataclass(frozen=True)
class ChartData:
    """What one chart shows: which session, and a row per athlete."""

    session_id: int
    session_started_at: str
    athletes: list[AthleteReps]


class _Fonts:
    def __init__(self, font_paths: tuple[str, ...]):
        pygame.font.init()
        files = FontFiles(font_paths)
        self.title = FontChain(files, 44)
        self.name = FontChain(files, 32)
        self.text = FontChain(files, 26)
        self.small = FontChain(files, 22)


#: The fonts of each list of fallback font files charts were drawn with.
_fonts: dict[tuple[str, ...], _Fonts] = {}
#: Texts drawn already, as 8-bit surfaces in the chart's palette: a chart's
#: labels mostly repeat, and blitting them then is a plain copy rather than
#: a colour conversion of every pixel.
_texts: dict[tuple, pygame.Surface] = {}
MAX_TEXTS = 1000


def _text(font, text: str, colour) -> pygame.Surface:
    key = (id(font), text, colour)
    if key not in _texts:
        if len(_texts) >= MAX_TEXTS:
            _texts.clear()
        rendered = font.render(text, colour, BACKGROUND)[0]
        paletted = pygame.Surface(rendered.get_size(), depth=8)
        paletted.set_palette(PALETTE)
        paletted.blit(rendered, (0, 0))
        _texts[key] = paletted
    return _texts[key]


def chart_size(athletes: int) -> tuple[int, int]:
    """The picture's size for a session of ``athletes`` athletes."""
    return WIDTH, HEADER_PX + ROW_PX * max(1, athletes) + FOOTER_PX


def render_chart(data: ChartData, font_paths: tuple[str, ...] | None = None) -> bytes:
    """The chart as PNG bytes; ``font_paths``: the fallback fonts for names
    (default: those of ``find_fonts()``)."""
    paths = find_fonts() if font_paths is None else tuple(font_paths)
    if paths not in _fonts:
        _fonts[paths] = _Fonts(paths)
    fonts = _fonts[paths]
    surface = pygame.Surface(chart_size(len(data.athletes)), depth=8)
    surface.set_palette(PALETTE)
    surface.fill(BACKGROUND)
    every = [rep for row in data.athletes for rep in row.reps]
    tops = (_axis_top([r.rebound_contact_s for r in every], 1000, CONTACT_STEP_MS, CONTACT_AXIS_MAX_MS),
            _axis_top([r.jump_height_m for r in every], 100, HEIGHT_STEP_CM, HEIGHT_AXIS_MAX_CM))
    _draw_title(surface, fonts, data, every)
    _draw_legend(surface, fonts)
    slots_px = _slot_px(data.athletes)
    for number, row in enumerate(data.athletes):
        top = HEADER_PX + number * ROW_PX
        _draw_row(surface, fonts, row, top, tops, slots_px)
    return png_bytes(surface)


def png_bytes(surface: pygame.Surface) -> bytes:
    """An 8-bit ``surface`` with the chart's palette as a PNG file.

    Written here rather than by ``pygame.image.save`` for the compression
    level: zlib level 3 takes a third of the time of the default level 6 for
    a file a quarter bigger, and a chart's time is mostly its compression.
    """
    width, height = surface.get_size()
    pixels = np.frombuffer(pygame.image.tobytes(surface, "P"), np.uint8).reshape(height, width)
    # Each row starts with its filter type, 0: none (flat colours compress well as they are).
    rows = np.hstack([np.zeros((height, 1), np.uint8), pixels]).tobytes()
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit, palette
    palette = b"".join(bytes(colour) for colour in PALETTE)
    return b"".join([PNG_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"PLTE", palette),
                     _chunk(b"IDAT", zlib.compress(rows, PNG_COMPRESSION)), _chunk(b"IEND", b"")])


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _plot_rect(top: int) -> pygame.Rect:
    left = LABEL_PX + AXIS_LEFT_PX
    return pygame.Rect(left, top + 10, WIDTH - left - AXIS_RIGHT_PX - MARGIN_PX,
                       ROW_PX - ROW_GAP_PX)


def _slot_px(rows: list[AthleteReps]) -> float:
    """One rep's width, the same in every row so reps line up: the longest
    row (reps and set gaps) fills the plot."""
    longest = max((len(r.reps) + _set_gaps(r.reps) for r in rows), default=1)
    return min(MAX_SLOT_PX, _plot_rect(0).width / max(1, longest))


def _set_gaps(reps: list[ChartRep]) -> int:
    return sum(1 for a, b in zip(reps, reps[1:]) if a.set_index != b.set_index)


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
    while text and font.width_px(text) > width_px:
        text = text[:-2] + "…"
    return text


def _blit(surface, font, text: str, colour, where: tuple[int, int], width_px: int) -> None:
    surface.blit(_text(font, _fit(font, _printable(text), width_px), colour), where)


def _best_height(reps: list[ChartRep]) -> float | None:
    heights = [r.jump_height_m for r in reps if r.valid and r.jump_height_m is not None]
    return max(heights) if heights else None


def _draw_title(surface, fonts, data: ChartData, every: list[ChartRep]) -> None:
    width = WIDTH - 2 * MARGIN_PX
    when = _local_time(data.session_started_at)
    _blit(surface, fonts.title, f"Session {data.session_id}, {when}", INK, (MARGIN_PX, 18), width)
    athletes = len(data.athletes)
    valid = sum(r.valid for r in every)
    best = _best_height(every)
    line = (f"{athletes} {'athlete' if athletes == 1 else 'athletes'}, {len(every)} reps, "
            f"{valid} valid" + (f", best height {best * 100:.1f} cm" if best is not None else ""))
    _blit(surface, fonts.text, line, INK, (MARGIN_PX, 62), width)


def _draw_legend(surface, fonts) -> None:
    x, y = MARGIN_PX, 98
    label = _text(fonts.small, "Bars: rebound contact (ms), left axis", INK)
    surface.blit(label, (x, y + 1))
    x += label.get_width() + 24
    for name in ("soft", "firm", "hard"):
        pygame.draw.rect(surface, RATING_COLOURS[name], (x, y, 18, 18))
        surface.blit(_text(fonts.small, f"{name} landing", INK), (x + 24, y + 1))
        x += 140
    pygame.draw.rect(surface, RATING_COLOURS[None], (x, y, 18, 18))
    surface.blit(_text(fonts.small, "not rated", INK), (x + 24, y + 1))
    x += 120
    pygame.draw.rect(surface, INK, (x, y, 18, 18), 2)
    surface.blit(_text(fonts.small, "invalid rep", INK), (x + 24, y + 1))
    x += 130
    pygame.draw.line(surface, HEIGHT_LINE, (x, y + 9), (x + 30, y + 9), 3)
    surface.blit(_text(fonts.small, "jump height (cm), right axis", HEIGHT_LINE),
                 (x + 38, y + 1))


def _draw_row(surface, fonts, row: AthleteReps, top: int, tops, slot_px: float) -> None:
    contact_top_ms, height_top_cm = tops
    plot = _plot_rect(top)
    label_width = LABEL_PX - MARGIN_PX - 10
    _blit(surface, fonts.name, row.athlete or "Nobody picked", INK, (MARGIN_PX, plot.top),
          label_width)
    valid = sum(r.valid for r in row.reps)
    _blit(surface, fonts.text, f"{len(row.reps)} reps, {valid} valid", INK,
          (MARGIN_PX, plot.top + 36), label_width)
    best = _best_height(row.reps)
    if best is not None:
        _blit(surface, fonts.text, f"best height {best * 100:.1f} cm", INK,
              (MARGIN_PX, plot.top + 62), label_width)
    _draw_axes(surface, fonts, plot, contact_top_ms, height_top_cm)
    slots = _rep_slots(row.reps, plot, slot_px)
    _draw_bars(surface, plot, row.reps, slots, contact_top_ms)
    _draw_heights(surface, plot, row.reps, slots, height_top_cm)


def _axis_top(values, scale: float, step: float, most: float) -> float:
    present = [v * scale for v in values if v is not None]
    top = min(most, max(present, default=0.0))
    return max(step, -(-top // step) * step)


def _ticks(top: float, step: float) -> range:
    """Round ticks from 0 to ``top``, at most MAX_TICKS + 1 of them."""
    every = step * -(-top // (step * MAX_TICKS))
    return range(0, int(top) + 1, int(every))


def _draw_axes(surface, fonts, plot, contact_top_ms, height_top_cm) -> None:
    for tick_ms in _ticks(contact_top_ms, CONTACT_STEP_MS):
        y = plot.bottom - plot.height * tick_ms / contact_top_ms
        pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y))
        label = _text(fonts.small, f"{tick_ms}", INK)
        surface.blit(label, (plot.left - 6 - label.get_width(), y - label.get_height() / 2))
    for tick_cm in _ticks(height_top_cm, HEIGHT_STEP_CM):
        y = plot.bottom - plot.height * tick_cm / height_top_cm
        label = _text(fonts.small, f"{tick_cm}", HEIGHT_LINE)
        surface.blit(label, (plot.right + 6, y - label.get_height() / 2))
    pygame.draw.rect(surface, INK, plot, 1)


def _rep_slots(reps, plot, slot: float) -> list[tuple[float, float]]:
    """Each rep's bar as (left x, width), with a one-slot gap between sets."""
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
        pygame.draw.lines(surface, HEIGHT_LINE, False, points, 2)
    if len(points) <= plot.width / 8:
        for point in points:
            pygame.draw.circle(surface, HEIGHT_LINE, point, 3)
