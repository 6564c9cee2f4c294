"""Text for the kiosk: sized by the height of its capitals, rendered once.

Rendering text is the slow part of drawing a frame, so every surface is kept,
keyed by its text, cap height and colour: a frame whose state has not changed
renders no new text. Names in every script: pygame's own font draws what it
has, fallback fonts the rest (station/fonts/).
"""

from __future__ import annotations

from collections import OrderedDict

import pygame

from station.fonts.chain import FontChain, FontFiles
from station.fonts.files import find_fonts

# Enough for every text of several frames (a frame has about twenty), few
# enough that the huge count surfaces of a long session don't pile up on a Pi.
MAX_SURFACES = 128

# Fitting a text to its box measures it at several sizes: a few frames' worth.
MAX_WIDTHS = 1024

# The font size whose capitals are measured to size every other font.
_PROBE_SIZE = 200


class TextCache:
    """Fonts and rendered text surfaces for one screen, cached.

    A surface starts at the top of the capitals (or of an accent or glyph
    that rises above them) and ends at the baseline, or at the bottom of any
    descender, so texts placed at the same y line up and a surface's rect is
    the text's own. ``renders`` counts the surfaces rendered. ``font_paths``:
    the fallback fonts (default: those of ``find_fonts()``).

        text = TextCache()
        reps = text.render("12", 300, (255, 255, 255))
        screen.blit(reps, (40, 80))
    """

    def __init__(self, font_paths: tuple[str, ...] | None = None) -> None:
        self._files = FontFiles(find_fonts() if font_paths is None else font_paths)
        self._fonts: dict[int, FontChain] = {}
        self._widths: OrderedDict[tuple[str, int], int] = OrderedDict()
        self._surfaces: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._size_per_cap_px = _PROBE_SIZE / FontChain(self._files, _PROBE_SIZE).cap_px
        self.renders = 0

    def render(self, text: str, cap_px: int, colour: tuple) -> pygame.Surface:
        """``text`` in ``colour`` with capitals ``cap_px`` tall."""
        key = (text, cap_px, colour)
        surface = self._surfaces.get(key)
        if surface is not None:
            self._surfaces.move_to_end(key)
            return surface
        font = self._font(cap_px)
        full, baseline_px = font.render(text, colour)
        ink = full.get_bounding_rect()
        top_px = baseline_px - font.cap_px
        if ink.height:
            top_px = min(top_px, ink.top)
        bottom_px = max(baseline_px, ink.bottom)
        surface = full.subsurface((0, top_px, full.get_width(), bottom_px - top_px))
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
            width = self._widths[key] = self._font(cap_px).width_px(text)
            if len(self._widths) > MAX_WIDTHS:
                self._widths.popitem(last=False)
        return width

    def _font(self, cap_px: int) -> FontChain:
        """The fonts whose capitals are ``cap_px`` tall."""
        if cap_px not in self._fonts:
            self._fonts[cap_px] = FontChain(self._files, max(1, round(cap_px * self._size_per_cap_px)))
        return self._fonts[cap_px]
