"""The "New tag" screen: whose is the tag just tapped? "Guest", the roster, "Not now".

NEXT and BACK move the highlight, SELECT or a tap picks (station.kiosk.tap.control).
A long roster scrolls so the highlight stays in view, as in the picker.
"""

from __future__ import annotations

import pygame

from station.kiosk.draw.layout import AMBER, BACKGROUND, LABEL, TEXT, Page
from station.kiosk.draw.text import TextCache
from station.kiosk.screens.picker import rows

LIST_TOP_PCT = 24


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
    rows(page, names, highlighted, LIST_TOP_PCT, targets)
    return page.rects
