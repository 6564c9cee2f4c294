"""The "New tag" screen: whose is the tag just tapped? "Guest", the roster, "Not now".

NEXT and BACK move the highlight, SELECT or a tap picks (station.kiosk.tap.control).
A long roster scrolls so the highlight stays in view, as in the picker.
"""

from __future__ import annotations

import pygame

from station.kiosk.draw.layout import AMBER, BACKGROUND, LABEL, PROMPT, TEXT, TILE, Page
from station.kiosk.draw.text import TextCache
from station.kiosk.screens.picker import GAP_PCT, ROW_PCT

LIST_TOP_PCT = 24
LIST_BOTTOM_PCT = 87


def render(surface: pygame.Surface, tag: str, names: list[str], highlighted: int, message: str,
           fonts: TextCache, targets: dict | None = None) -> list[pygame.Rect]:
    """Draw the screen for ``tag`` with the rows ``names``, ``highlighted`` lit;
    the rect of every text drawn. Puts each shown row's box in ``targets["row N"]``."""
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    width = page.width - 2 * page.margin_x
    page.text("NEW TAG: WHOSE IS IT?", page.u(7), TEXT, width, topleft=(page.margin_x, page.u(4)))
    page.text(message or f"Tag {tag}: pick the athlete, or Guest", page.u(3.5), AMBER if message else LABEL,
              width, topleft=(page.margin_x, page.u(14)))
    step = page.u(ROW_PCT + GAP_PCT)
    fits = max(1, (page.u(LIST_BOTTOM_PCT) - page.u(LIST_TOP_PCT) + page.u(GAP_PCT)) // step)
    first = min(max(0, highlighted - fits + 1), max(0, len(names) - fits))
    pad = page.u(3)
    for row, index in enumerate(range(first, min(len(names), first + fits))):
        box = pygame.Rect(page.margin_x, page.u(LIST_TOP_PCT) + row * step, width, page.u(ROW_PCT))
        pygame.draw.rect(surface, PROMPT if index == highlighted else TILE, box, border_radius=page.u(1.5))
        page.text(names[index], page.u(5), TEXT, box.width - 2 * pad, midleft=(box.left + pad, box.centery))
        if targets is not None:
            targets[f"row {index}"] = tuple(box)
    page.text("NEXT and BACK move, SELECT picks, or tap a name", page.u(3.5), LABEL, width,
              midtop=(page.width // 2, page.u(91)))
    return page.rects
