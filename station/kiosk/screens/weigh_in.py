"""The weigh-in screen: stand still while the plate weighs you.

Shown from stepping on until the body weight is known (then the weight, for a
moment) or the first jump. The ring fills over the weigh-in window, so the
athlete sees how long to hold still.
"""

from __future__ import annotations

import math

import pygame

from station.analysis.events import G_M_PER_S2
from station.kiosk.draw.layout import BACKGROUND, LABEL, RATING_COLOURS, TEXT, TILE, Page
from station.kiosk.draw.text import TextCache
from station.kiosk.state.board import LiveBoard

DONE = RATING_COLOURS["soft"]


def render(surface: pygame.Surface, board: LiveBoard, now_s: float, fonts: TextCache,
           moving: dict | None = None) -> list[pygame.Rect]:
    """Draw the weigh-in of ``board`` at session time ``now_s``; the rect of every text drawn.

    With ``moving``, ``moving["ring"]`` is the ring's box, the part that fills with time."""
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    weighed = board.body_weight_n is not None
    title = "BODY WEIGHT" if weighed else "STAND STILL"
    page.text(title, page.u(9), TEXT, page.width - 2 * page.margin_x, midtop=(page.width // 2, page.u(6)))
    radius = page.u(27)
    centre = (page.width // 2, page.u(52))
    ring = pygame.Rect(0, 0, 2 * radius, 2 * radius)
    ring.center = centre
    thickness = max(4, page.u(4))
    pygame.draw.circle(surface, TILE, centre, radius, width=thickness)
    if moving is not None:
        moving["ring"] = ring.inflate(2, 2)
    progress = board.weigh_in_progress(now_s)
    if progress > 0:
        # Clockwise from the top: pygame's arcs run anticlockwise from ``start`` to ``stop``.
        stop = math.pi / 2
        pygame.draw.arc(surface, DONE if weighed else TEXT, ring, stop - 2 * math.pi * progress, stop, thickness)
    inside = 2 * radius * 7 // 10
    if weighed:
        kg = f"{board.body_weight_n / G_M_PER_S2:.1f}"
        number = page.text(kg, page.u(13), TEXT, inside, center=(centre[0], centre[1] - page.u(2)))
        page.text("kg", page.u(5), LABEL, inside, midtop=(centre[0], number.bottom + page.u(2)))
    else:
        page.text("WEIGHING", page.u(5), LABEL, inside, center=centre)
    hint = "Start jumping when you are ready" if weighed else "Feet flat, arms by your sides"
    page.text(hint, page.u(5), LABEL, page.width - 2 * page.margin_x, midtop=(page.width // 2, page.u(88)))
    return page.rects
