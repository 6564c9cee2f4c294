"""The coach's lists before a class challenge: which challenge, then who takes part.

Like the athlete picker: NEXT and BACK move the highlight, SELECT picks or
ticks, a tap picks a row; a long list scrolls so the highlight stays in view.
A ticked athlete shows their place in the relay order.
"""

from __future__ import annotations

import pygame

from station.kiosk.challenge.control import Row
from station.kiosk.challenge.live import WORK_COLOUR, line
from station.kiosk.draw.layout import AMBER, BACKGROUND, LABEL, ON_AMBER, PROMPT, TEXT, TILE, Page
from station.kiosk.draw.text import TextCache

ROW_PCT = 10
GAP_PCT = 1.5
LIST_TOP_PCT = 16
LIST_BOTTOM_PCT = 86
HINTS = {"choose": "NEXT and BACK move, SELECT picks, or tap a challenge",
         "class": "SELECT ticks a name (the relay goes in that order), then START"}


def render(surface: pygame.Surface, heading: str, stage: str, rows: list[Row], highlighted: int,
           message: str, fonts: TextCache, targets: dict | None = None) -> list[pygame.Rect]:
    """Draw the list ``rows`` under ``heading`` with ``highlighted`` lit, and
    ``message`` (why START did nothing) or the hint at the bottom; the rect
    of every text drawn. Puts each shown row's box in ``targets["row N"]``."""
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    width = page.width - 2 * page.margin_x
    page.text(heading, page.u(6.5), TEXT, width, topleft=(page.margin_x, page.u(4)))
    step = page.u(ROW_PCT + GAP_PCT)
    fits = max(1, (page.u(LIST_BOTTOM_PCT) - page.u(LIST_TOP_PCT) + page.u(GAP_PCT)) // step)
    first = min(max(0, highlighted - fits + 1), max(0, len(rows) - fits))
    for slot, index in enumerate(range(first, min(len(rows), first + fits))):
        box = pygame.Rect(page.margin_x, page.u(LIST_TOP_PCT) + slot * step, width, page.u(ROW_PCT))
        _row(page, box, rows[index], index == highlighted)
        if targets is not None:
            targets[f"row {index}"] = tuple(box)
    if message:
        page.band(message, AMBER, ON_AMBER, top_pct=88, height_pct=10)
    else:
        page.text(HINTS[stage], page.u(3.5), LABEL, width, midtop=(page.width // 2, page.u(91)))
    return page.rects


def _row(page: Page, box: pygame.Rect, row: Row, lit: bool) -> None:
    """One row: the name, and on the right a ticked athlete's place in the order."""
    fill = PROMPT if lit else TILE
    pygame.draw.rect(page.surface, fill, box, border_radius=page.u(1.5))
    pad = page.u(3)
    right = box.right - pad
    if row.tick is not None:
        badge = pygame.Rect(0, 0, page.u(8), page.u(7))
        badge.midright = (right, box.centery)
        pygame.draw.rect(page.surface, WORK_COLOUR, badge, border_radius=page.u(1))
        page.text(str(row.tick), page.u(4), ON_AMBER, badge.width - page.u(1), center=badge.center)
        right = badge.left - pad
    colour = WORK_COLOUR if row.kind == "start" and not lit else TEXT
    line(page, row.label, page.u(4.8), colour, right - box.left - pad, box.centery, left=box.left + pad)
