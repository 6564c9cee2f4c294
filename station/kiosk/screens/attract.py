"""The attract screen: how to do the backward jump, who is up, and how to start.

Shown while nobody is on the mat. A stick figure repeats the jump; the step
it is doing is lit in the list beside it. A line under the steps says that
BACK held brings this screen back from any other.
"""

from __future__ import annotations

import pygame

from station.kiosk.draw.figure import draw_figure, step_at
from station.kiosk.draw.layout import BACKGROUND, DIM, LABEL, PROMPT, TEXT, TILE, Page
from station.kiosk.draw.text import TextCache

#: The exercise in the order it is done; each with the figure's step it goes with.
STEPS = (
    ("Feet shoulder-width, knees soft", 0),
    ("Jump back, swinging your arms forward", 1),
    ("Land softly on the balls of your feet", 2),
    ("Bend your knees as you land", 2),
    ("Jump straight forward to the start", 3),
    ("Start small, and warm up first", None),
)


def render(surface: pygame.Surface, athlete_name: str, time_s: float, fonts: TextCache,
           targets: dict | None = None, history: bool = False, moving: dict | None = None,
           back_hold_s: float = 2.0) -> list[pygame.Rect]:
    """Draw the attract screen for ``athlete_name`` at animation time ``time_s``.

    Returns the rect of every text drawn; puts the tappable name's box in
    ``targets["athlete"]`` when ``targets`` is given. With ``history``, a
    "HISTORY" button at the top right opens the athlete's history
    (``targets["history"]``). With ``moving``, ``moving["figure"]`` and
    ``moving["steps"]`` are the boxes of the parts that change with ``time_s``
    (the figure's with the drawing of the figure alone, at a time, inside a box).
    ``back_hold_s``: how long BACK is held to come back here (``[kiosk] back_hold_s``).
    """
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    right = _history_button(page, targets) if history else page.width - page.margin_x
    _athlete(page, athlete_name, targets, right)
    split = round(page.width * 0.42)
    figure = pygame.Rect(page.margin_x, page.u(18), split - page.margin_x, page.u(64))
    draw_figure(surface, figure, time_s)
    first_step = len(page.rects)
    _steps(page, split + page.u(3), step_at(time_s))
    if moving is not None:
        moving["figure"] = (figure, lambda at_s, box: _figure_alone(surface, figure, at_s, box))
        moving["steps"] = page.rects[first_step].unionall(page.rects[first_step + 1:])
    page.text(f"Hold BACK {back_hold_s:g} s to come back here from any screen", page.u(2.8), DIM,
              page.width - page.margin_x - split - page.u(3), topleft=(split + page.u(3), page.u(80.5)))
    page.band("Step on the mat to start", PROMPT, TEXT)
    return page.rects


def _figure_alone(surface: pygame.Surface, figure: pygame.Rect, time_s: float, box: pygame.Rect) -> None:
    """The figure at ``time_s`` drawn again inside ``box`` (part of ``figure``, where nothing else is)."""
    surface.set_clip(box)
    surface.fill(BACKGROUND, box)
    draw_figure(surface, figure, time_s)
    surface.set_clip(None)


def _history_button(page: Page, targets: dict | None) -> int:
    """A tile at the top right that opens the history; where the name may end."""
    pad = page.u(1.5)
    shown = page.fonts.fit("HISTORY", page.u(3.5), TEXT, page.width // 5)
    # As tall as the name's tile, so both are the same size to a finger.
    tile = pygame.Rect(0, 0, shown.get_width() + 4 * pad, page.u(5) + 2 * pad)
    tile.midright = (page.width - page.margin_x, page.u(4) + page.u(3.5) // 2)
    pygame.draw.rect(page.surface, TILE, tile, border_radius=pad)
    page.text("HISTORY", page.u(3.5), TEXT, page.width // 5, center=tile.center)
    if targets is not None:
        targets["history"] = tuple(tile)
    return tile.left - page.u(3)


def _athlete(page: Page, name: str, targets: dict | None, right: int) -> None:
    """Who is up, on a tile that opens the picker when tapped; the tile ends by ``right``."""
    pad = page.u(1.5)
    label = page.text("UP NEXT", page.u(3.5), LABEL, page.width // 4, topleft=(page.margin_x, page.u(4)))
    left = label.right + page.u(3)
    shown = page.fonts.fit(name, page.u(5), TEXT, right - left - 2 * pad)
    tile = shown.get_rect().inflate(2 * pad, 2 * pad)
    tile.midleft = (left, label.centery)
    pygame.draw.rect(page.surface, TILE, tile, border_radius=pad)
    page.text(name, page.u(5), TEXT, tile.width - 2 * pad, center=tile.center)
    if targets is not None:
        targets["athlete"] = tuple(tile)


def _steps(page: Page, left: int, current_step: int) -> None:
    """The title and the numbered steps; those the figure is doing now in white."""
    width = page.width - page.margin_x - left
    page.text("THE BACKWARD JUMP", page.u(6), TEXT, width, topleft=(left, page.u(17)))
    cap = min(page.fonts.fit_cap_px(f"{i}. {text}", page.u(4.2), width) for i, (text, _) in enumerate(STEPS, 1))
    for i, (text, step) in enumerate(STEPS):
        colour = TEXT if step == current_step else LABEL
        page.text(f"{i + 1}. {text}", cap, colour, width, topleft=(left, page.u(29 + i * 9)))
