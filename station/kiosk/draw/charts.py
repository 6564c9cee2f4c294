"""Small charts: a bar per rep of its rebound contact, and the force trace.

Neither draws text (the screen labels them, above the box it gives), and both
draw only inside that box.
"""

from __future__ import annotations

import numpy as np
import pygame

from station.kiosk.draw.layout import AMBER, DIM, LABEL, RATING_COLOURS, TEXT, TILE
from station.kiosk.state.totals import RepBar
from station.kiosk.state.trace import ForceTrace

#: The bars' scale reaches at least this, so a fast rebound (under 250 ms)
#: reads as short even when every rep of the set was fast.
BARS_MIN_FULL_S = 0.3
#: Room above the tallest bar or peak, so the chart reads as a chart, not a fill.
HEADROOM = 0.1
#: Room for this many bars before they get narrower: a typical set.
BARS_ROOM = 12
#: The trace's scale reaches at least this many body weights (landings are 2-6 BW).
TRACE_MIN_FULL_BW = 3.0
#: Without a body weight, the scale reaches at least this (a heavy athlete's 3 BW).
TRACE_MIN_FULL_N = 3000.0


def draw_bars(surface: pygame.Surface, box: pygame.Rect, bars: list[RepBar] | tuple[RepBar, ...]) -> None:
    """A bar per rep, left to right, as tall as its rebound contact, coloured by
    its landing's rating (white without load cells); an invalid rep is an amber
    outline. Only the latest bars that fit are drawn."""
    pygame.draw.rect(surface, TILE, box, border_radius=max(2, box.height // 12))
    inner = box.inflate(-box.height // 6, -box.height // 6)
    slot_px = max(4, inner.width // max(BARS_ROOM, len(bars)))
    shown = list(bars)[-(inner.width // slot_px):]
    # Scaled to the valid reps: the long contact of a rep that went wrong
    # (a pause, a step off) is cut at the top rather than flattening the rest.
    rebounds_s = [bar.rebound_s for bar in shown if bar.rebound_s is not None and bar.valid]
    full_s = max([BARS_MIN_FULL_S, *rebounds_s]) / (1 - HEADROOM)
    gap_px = max(1, slot_px // 5)
    for i, bar in enumerate(shown):
        share = 1 / 12 if bar.rebound_s is None else min(1 - HEADROOM, bar.rebound_s / full_s)
        height_px = round(inner.height * share)
        rect = pygame.Rect(inner.left + i * slot_px, inner.bottom - height_px, slot_px - gap_px, max(2, height_px))
        if not bar.valid:
            pygame.draw.rect(surface, AMBER, rect, width=max(2, gap_px))
        else:
            pygame.draw.rect(surface, RATING_COLOURS.get(bar.rating, TEXT) if bar.rebound_s else DIM, rect)


def draw_trace(surface: pygame.Surface, box: pygame.Rect, trace: ForceTrace,
               body_weight_n: float | None) -> None:
    """The last seconds of total force, newest on the right, with a line at
    body weight when it is known. One polyline, whatever the sample rate."""
    pygame.draw.rect(surface, TILE, box, border_radius=max(2, box.height // 12))
    inner = box.inflate(-box.height // 8, -box.height // 8)
    time_s, force_n = trace.points()
    floor_n = TRACE_MIN_FULL_N if body_weight_n is None else TRACE_MIN_FULL_BW * body_weight_n
    full_n = max(floor_n, trace.peak_n()) / (1 - HEADROOM)
    if body_weight_n is not None:
        y = inner.bottom - round(inner.height * body_weight_n / full_n)
        pygame.draw.line(surface, DIM, (inner.left, y), (inner.right, y))
    if len(time_s) < 2:
        return
    newest_s = trace.newest_s
    x = inner.right - (newest_s - time_s) / trace.span_s * inner.width
    y = inner.bottom - np.clip(force_n / full_n, 0.0, 1.0) * inner.height
    points = np.column_stack([x, y]).round().astype(int).tolist()
    pygame.draw.lines(surface, LABEL, False, points, width=max(2, box.height // 40))
