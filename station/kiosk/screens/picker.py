"""The athlete picker: who is about to jump ("Guest" first).

NEXT and BACK move the highlight, SELECT picks it, a tap picks a name (see
station.kiosk.flow). A long roster scrolls so the highlight stays in view.
"""

from __future__ import annotations

import pygame

from station.kiosk.draw.layout import BACKGROUND, LABEL, PROMPT, TEXT, TILE, Page
from station.kiosk.draw.text import TextCache

#: Row height and gap, in percent of the screen height: a finger-sized target on a 7" panel.
ROW_PCT = 11
GAP_PCT = 1.5
LIST_TOP_PCT = 17
LIST_BOTTOM_PCT = 87


def render(surface: pygame.Surface, names: list[str], highlighted: int, fonts: TextCache,
           targets: dict | None = None) -> list[pygame.Rect]:
    """Draw ``names`` with ``highlighted`` lit; the rect of every text drawn.

    Puts each shown row's box in ``targets["row N"]`` (N its index in ``names``).
    """
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    width = page.width - 2 * page.margin_x
    page.text("WHO IS JUMPING?", page.u(7), TEXT, width, topleft=(page.margin_x, page.u(5)))
    rows(page, names, highlighted, LIST_TOP_PCT, targets)
    return page.rects


def rows(page: Page, names: list[str], highlighted: int, top_pct: float, targets: dict | None) -> None:
    """A list of names from ``top_pct`` down to ``LIST_BOTTOM_PCT``, scrolled so
    ``highlighted`` is in view and lit, with the hint for moving through it.
    Puts each shown row's box in ``targets["row N"]`` (N its index in ``names``)."""
    width = page.width - 2 * page.margin_x
    step = page.u(ROW_PCT + GAP_PCT)
    fits = max(1, (page.u(LIST_BOTTOM_PCT) - page.u(top_pct) + page.u(GAP_PCT)) // step)
    first = min(max(0, highlighted - fits + 1), max(0, len(names) - fits))
    pad = page.u(3)
    for row, index in enumerate(range(first, min(len(names), first + fits))):
        box = pygame.Rect(page.margin_x, page.u(top_pct) + row * step, width, page.u(ROW_PCT))
        pygame.draw.rect(page.surface, PROMPT if index == highlighted else TILE, box, border_radius=page.u(1.5))
        page.text(names[index], page.u(5), TEXT, box.width - 2 * pad, midleft=(box.left + pad, box.centery))
        if targets is not None:
            targets[f"row {index}"] = tuple(box)
    page.text("NEXT and BACK move, SELECT picks, or tap a name", page.u(3.5), LABEL, width,
              midtop=(page.width // 2, page.u(91)))
