"""Text for the kiosk: sized by the height of its capitals, rendered once.

Rendering text is the slow part of drawing a frame, so every surface is kept,
keyed by its text, cap height and colour: a frame whose state has not changed
renders no new text.
"""

from __future__ import annotations

from collections import OrderedDict

import pygame

# Enough for every text of several frames (a frame has about twenty), few
# enough that the huge count surfaces of a long session don't pile up on a Pi.
MAX_SURFACES = 128

# Fitting a text to its box measures it at several sizes: a few frames' worth.
MAX_WIDTHS = 1024

# The font size whose capitals are measured to size every other font.
_PROBE_SIZE = 200


class TextCache:
    """Fonts and rendered text surfaces for one screen, cached.

    A surface starts at the top of the capitals and ends at the baseline, or
    at the bottom of any descender, so texts placed at the same y line up and a
    surface's rect is the text's own. ``renders`` counts the surfaces rendered.

        text = TextCache()
        reps = text.render("12", 300, (255, 255, 255))
        screen.blit(reps, (40, 80))
    """

    def __init__(self) -> None:
        self._fonts: dict[int, tuple[pygame.font.Font, int, int]] = {}
        self._widths: OrderedDict[tuple[str, int], int] = OrderedDict()
        self._surfaces: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._size_per_cap_px = _PROBE_SIZE / _cap_box(pygame.font.Font(None, _PROBE_SIZE))[1]
        self.renders = 0

    def render(self, text: str, cap_px: int, colour: tuple) -> pygame.Surface:
        """``text`` in ``colour`` with capitals ``cap_px`` tall."""
        key = (text, cap_px, colour)
        surface = self._surfaces.get(key)
        if surface is not None:
            self._surfaces.move_to_end(key)
            return surface
        font, cap_top_px, baseline_px = self._font(cap_px)
        full = font.render(text, True, colour)
        bottom_px = max(baseline_px, full.get_bounding_rect().bottom)
        surface = full.subsurface((0, cap_top_px, full.get_width(), bottom_px - cap_top_px))
        self.renders += 1
        self._surfaces[key] = surface
        if len(self._surfaces) > MAX_SURFACES:
            self._surfaces.popitem(last=False)
        return surface

    def fit(self, text: str, cap_px: int, colour: tuple, width_px: int) -> pygame.Surface:
        """Like ``render``, smaller if needed so it is at most ``width_px`` wide."""
        return self.render(text, self.fit_cap_px(text, cap_px, width_px), colour)

    def fit_cap_px(self, text: str, cap_px: int, width_px: int) -> int:
        """The largest cap height up to ``cap_px`` at which ``text`` is at most ``width_px`` wide."""
        while cap_px > 1:
            text_width_px = self.width_px(text, cap_px)
            if text_width_px <= width_px:
                break
            cap_px = max(1, min(cap_px - 1, cap_px * width_px // text_width_px))
        return cap_px

    def width_px(self, text: str, cap_px: int) -> int:
        """How wide ``text`` would render, without rendering it (kept: every frame asks again)."""
        key = (text, cap_px)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self._font(cap_px)[0].size(text)[0]
            if len(self._widths) > MAX_WIDTHS:
                self._widths.popitem(last=False)
        return width

    def _font(self, cap_px: int) -> tuple[pygame.font.Font, int, int]:
        """The font whose capitals are ``cap_px`` tall, and where they start and end."""
        if cap_px not in self._fonts:
            font = pygame.font.Font(None, max(1, round(cap_px * self._size_per_cap_px)))
            top_px, height_px = _cap_box(font)
            self._fonts[cap_px] = (font, top_px, top_px + height_px)
        return self._fonts[cap_px]


def _cap_box(font: pygame.font.Font) -> tuple[int, int]:
    """Where a capital starts below the top of a line, and its height, in pixels."""
    ink = font.render("H", True, (255, 255, 255)).get_bounding_rect()
    return ink.top, ink.height
