"""pygame's own font with fallback fonts for the characters it lacks, at one size.

Text that pygame's font draws whole is rendered by it alone, exactly as
before. Other text is cut into pieces (station/fonts/runs.py), each shaped
by pygame-ce's text layout (SDL_ttf with HarfBuzz: Arabic letters joined,
Devanagari conjuncts formed, right-to-left pieces drawn right to left) in
the first font that has its characters, and the pieces are put side by side
on one baseline.

    chain = FontChain(FontFiles(find_fonts()), 32)
    surface, baseline_px = chain.render("Zoë محمد", (0, 0, 0))
"""

from __future__ import annotations

import unicodedata

import pygame
import pygame.freetype

from station.fonts.runs import Piece, pieces, script_of

#: A fallback font with no Latin capital to measure is sized as if its
#: capitals were this share of its em, as Noto's are: Noto's scripts are
#: drawn to sit together at one size.
NOTO_CAP_EM = 0.714
#: The scripts pygame's own font draws. It has a few letters of others
#: (Arabic, for one) but cannot join or order them: those come from the
#: fallback fonts first.
OWN_SCRIPTS = {None, "Latn", "Grek", "Cyrl"}
#: The size FreeType measures at; only ratios are kept.
_MEASURE_PX = 100
_INK = (255, 255, 255)


class FontFiles:
    """Fallback font files, and which characters each has (from FreeType's
    character map: a font without a character would draw its missing-glyph
    box). Font 0 is pygame's own; ``paths[i - 1]`` is font ``i``.

        files = FontFiles(find_fonts())
        files.font_for("李", None)   # 5: the CJK font's index
    """

    def __init__(self, paths: tuple[str, ...]) -> None:
        pygame.freetype.init()
        self.paths = tuple(paths)
        self._faces: dict[int, pygame.freetype.Font] = {}
        self._choices: dict[tuple[str, int | None], int] = {}

    def font_for(self, char: str, preferred: int | None) -> int:
        """The font to draw ``char`` with: ``preferred`` if it has it, else the
        first that has it; pygame's own (its box) when none has. pygame's own
        font comes first for its scripts, last for the others."""
        key = (char, preferred)
        choice = self._choices.get(key)
        if choice is None:
            fallbacks = list(range(1, len(self.paths) + 1))
            own_first = script_of(char) in OWN_SCRIPTS
            order = [0, *fallbacks] if own_first else [*fallbacks, 0]
            if preferred is not None and (preferred or own_first):
                order.insert(0, preferred)
            choice = self._choices[key] = next((i for i in order if self.has(i, char)), 0)
        return choice

    def has(self, font: int, char: str) -> bool:
        """Whether font ``font`` has a glyph for ``char``."""
        return self._face(font).get_metrics(char)[0] is not None

    def cap_em(self, font: int) -> float:
        """The height of font ``font``'s capital H as a share of its em."""
        if not self.has(font, "H"):
            return NOTO_CAP_EM
        return self._face(font).get_rect("H").height / _MEASURE_PX

    def _face(self, font: int) -> pygame.freetype.Font:
        if font not in self._faces:
            self._faces[font] = pygame.freetype.Font(self.paths[font - 1] if font else None, _MEASURE_PX)
        return self._faces[font]


class FontChain:
    """pygame's own font at ``size``, and the fallback fonts sized so their
    capitals are as tall as its (opened when first needed). ``cap_px``: the
    height of pygame's font's capitals."""

    def __init__(self, files: FontFiles, size: int) -> None:
        self.files = files
        self.own = pygame.font.Font(None, size)
        capital = self.own.render("H", True, _INK).get_bounding_rect()
        self.cap_px = capital.height
        self._fallbacks: dict[int, pygame.font.Font] = {}

    def width_px(self, text: str) -> int:
        """How wide ``text`` renders."""
        if self._own_alone(text):
            return self.own.size(text)[0]
        return sum(self._font_of(piece).size(piece.text)[0] for piece in self._pieces(text))

    def render(self, text: str, colour, background=None) -> tuple[pygame.Surface, int]:
        """``text`` as a surface (opaque on ``background`` if given) and the row
        of its baseline. Its top is the top of a line of pygame's font, or of
        any glyph that rises above that."""
        if self._own_alone(text):
            surface = self.own.render(text, True, colour, background)
            return surface, _baseline_px(self.own, surface)
        drawn = []
        for piece in self._pieces(text):
            font = self._font_of(piece)
            surface = font.render(piece.text, True, colour)
            drawn.append((surface, _baseline_px(font, surface)))
        return _side_by_side(drawn, self.own, background)

    def _own_alone(self, text: str) -> bool:
        """Whether pygame's font draws ``text`` by itself: it has every
        printable ASCII character (most text is that) and no right-to-left
        letter."""
        return text.isascii() or all(self.files.font_for(c, None) == 0
                                     and unicodedata.bidirectional(c) not in ("R", "AL") for c in text)

    def _pieces(self, text: str) -> list[Piece]:
        return pieces(text, self.files.font_for)

    def _font_of(self, piece: Piece) -> pygame.font.Font:
        """The font of ``piece``, told its script and direction (pygame's own
        font is left as it is: it draws only scripts that need neither)."""
        if piece.font == 0:
            return self.own
        font = self._fallbacks.get(piece.font)
        if font is None:
            size = max(1, round(self.cap_px / self.files.cap_em(piece.font)))
            font = self._fallbacks[piece.font] = pygame.font.Font(self.files.paths[piece.font - 1], size)
        font.set_script(piece.script)
        font.set_direction(pygame.DIRECTION_RTL if piece.rtl else pygame.DIRECTION_LTR)
        return font


def _baseline_px(font: pygame.font.Font, surface: pygame.Surface) -> int:
    """The baseline's row in a surface ``font`` rendered: at the font's
    ascent, unless a glyph rose above that: SDL_ttf then moves the line down
    by as much, and the surface grows by as much."""
    grown_px = surface.get_height() - max(font.get_height(), font.get_linesize())
    if grown_px > 0 and surface.get_bounding_rect().top == 0:
        return font.get_ascent() + grown_px
    return font.get_ascent()


def _side_by_side(drawn: list[tuple[pygame.Surface, int]], own: pygame.font.Font,
                  background) -> tuple[pygame.Surface, int]:
    """Pieces left to right on one baseline, in a line as tall as one of
    ``own``, grown to hold any ink beyond it."""
    above_px, below_px = own.get_ascent(), own.get_linesize() - own.get_ascent()
    for surface, baseline_px in drawn:
        ink = surface.get_bounding_rect()
        if ink.height:
            above_px = max(above_px, baseline_px - ink.top)
            below_px = max(below_px, ink.bottom - baseline_px)
    line = pygame.Surface((sum(s.get_width() for s, _ in drawn), above_px + below_px), pygame.SRCALPHA)
    x = 0
    for surface, baseline_px in drawn:
        line.blit(surface, (x, above_px - baseline_px))
        x += surface.get_width()
    if background is not None:
        opaque = pygame.Surface(line.get_size())
        opaque.fill(background)
        opaque.blit(line, (0, 0))
        line = opaque
    return line, above_px
