"""Banners across the top of every screen: faults, warnings, simulated data.

A screen draws below the banners, on what is left, so a banner never covers
a number. At most ``MAX_SHOWN`` show, most urgent first (``BANNER_KINDS``).
"""

from __future__ import annotations

import pygame

from station.kiosk.draw.layout import AMBER, BADGE, ON_AMBER, PROMPT, RED, TEXT, Page
from station.kiosk.draw.text import TextCache

#: Two banners leave 86 % of the screen to the screen itself.
MAX_SHOWN = 2
#: Each banner's height, in percent of the window's height: two lines of text fit.
HEIGHT_PCT = 7

_COLOURS = {"device": (RED, TEXT), "fault": (RED, TEXT), "simulated": (BADGE, TEXT),
            "greeting": (PROMPT, TEXT)}


def render(surface: pygame.Surface, banners: list[tuple[str, str]],
           fonts: TextCache) -> tuple[list[pygame.Rect], int]:
    """Draw the first ``MAX_SHOWN`` of ``banners`` (kind, sentence) at the top of
    ``surface``; the rects of their texts and the height they take."""
    page = Page(surface, fonts)
    height = page.u(HEIGHT_PCT)
    for i, (kind, sentence) in enumerate(banners[:MAX_SHOWN]):
        fill, colour = _COLOURS.get(kind, (AMBER, ON_AMBER))
        box = pygame.Rect(0, i * height, page.width, height)
        pygame.draw.rect(surface, fill, box)
        page.message(sentence, box.inflate(-2 * page.margin_x, 0), page.u(3.6), colour)
    return page.rects, height * min(len(banners), MAX_SHOWN)
