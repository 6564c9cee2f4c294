"""What every screen shares: colours, and a page laid out in fractions of its height.

All sizes are fractions of the height, so one layout serves a 7" panel, a
laptop window and a TV; every text drawn is recorded, so tests can check that
none overlaps another or runs off the screen.
"""

from __future__ import annotations

import pygame

from station.kiosk.draw.text import TextCache

# Near-white on near-black reads best across a bright gym; labels are greyer
# so the numbers stand out. Amber means "not counted" and carries dark text.
BACKGROUND = (12, 14, 18)
TILE = (34, 38, 46)
TEXT = (240, 242, 245)
LABEL = (150, 160, 175)
DIM = (110, 118, 130)
FLASH = (90, 255, 140)
AMBER = (255, 176, 0)
ON_AMBER = (20, 16, 8)
PROMPT = (36, 92, 170)
BADGE = (150, 70, 200)
RED = (225, 45, 45)

#: The traffic light of a landing's rating, and the text that reads on it.
RATING_COLOURS = {"soft": (40, 200, 90), "firm": AMBER, "hard": RED}
ON_RATING = {"soft": ON_AMBER, "firm": ON_AMBER, "hard": TEXT}

MISSING = "\u2014"


class Page:
    """One frame's drawing on ``surface``: sizes in percent of its height, texts recorded.

        page = Page(surface, fonts)
        page.text("REPS", page.u(5), LABEL, 300, topleft=(page.margin_x, page.u(3)))
        page.rects        # every text box drawn
    """

    def __init__(self, surface: pygame.Surface, fonts: TextCache) -> None:
        self.surface = surface
        self.fonts = fonts
        self.width, self.height = surface.get_size()
        self.margin_x = max(self.u(3), round(self.width * 0.025))
        self.rects: list[pygame.Rect] = []

    def u(self, percent: float) -> int:
        """``percent`` of the page height, in pixels."""
        return round(self.height * percent / 100)

    def text(self, text: str, cap_px: int, colour: tuple, width_px: int, **where) -> pygame.Rect:
        """Blit ``text`` fitted to ``width_px``, placed by rect attributes (``topleft=...``)."""
        image = self.fonts.fit(text, max(1, cap_px), colour, max(1, width_px))
        rect = image.get_rect(**where)
        self.surface.blit(image, rect)
        self.rects.append(rect)
        return rect

    def message(self, message: str, box: pygame.Rect, cap_px: int, colour: tuple) -> None:
        """``message`` centred in ``box``: on one line if it reads at 80 % of ``cap_px``, else on two."""
        width = box.width - 2 * self.u(2)
        if self.fonts.fit_cap_px(message, cap_px, width) >= cap_px * 4 // 5:
            self.text(message, cap_px, colour, width, center=box.center)
            return
        lines = split_in_two(message)
        cap = min(self.fonts.fit_cap_px(line, min(cap_px * 7 // 10, box.height * 2 // 5), width)
                  for line in lines)
        top = box.centery - cap * 5 // 4  # the capitals of both lines, 1.5 caps apart, centred
        self.text(lines[0], cap, colour, width, midtop=(box.centerx, top))
        self.text(lines[1], cap, colour, width, midtop=(box.centerx, top + cap * 3 // 2))

    def chart_box(self, label: str, box: pygame.Rect, cap_px: int) -> pygame.Rect:
        """A tile with ``label`` in its top-left corner; the part below the label, for a chart."""
        pygame.draw.rect(self.surface, TILE, box, border_radius=max(2, box.height // 12))
        pad = max(2, cap_px // 2)
        shown = self.text(label, cap_px, DIM, box.width - 2 * pad, topleft=(box.left + pad, box.top + pad))
        return pygame.Rect(box.left, shown.bottom, box.width, box.bottom - shown.bottom)

    def band(self, message: str, fill: tuple, colour: tuple, top_pct: float = 86, height_pct: float = 12) -> None:
        """A rounded band across the page with ``message`` in it."""
        band = pygame.Rect(self.margin_x, self.u(top_pct), self.width - 2 * self.margin_x, self.u(height_pct))
        pygame.draw.rect(self.surface, fill, band, border_radius=self.u(1.5))
        self.message(message, band, self.u(height_pct * 0.46), colour)

    def number(self, box: pygame.Rect, number: str, unit: str, colour: tuple) -> None:
        """A big number and its small unit on one baseline, left in ``box``, centred down it."""
        number_cap = min(self.u(14), box.height)
        unit_cap, gap = number_cap * 2 // 5, self.u(1.5)
        width = self.fonts.width_px(number, number_cap)
        if unit:
            width += gap + self.fonts.width_px(unit, unit_cap)
        if width > box.width:
            number_cap, unit_cap, gap = (max(1, v * box.width // width) for v in (number_cap, unit_cap, gap))
        top = box.centery - number_cap // 2
        rect = self.text(number, number_cap, DIM if number == MISSING else colour, box.width,
                         left=box.left, top=top)
        if unit:
            self.text(unit, unit_cap, LABEL, box.right - rect.right - gap,
                      left=rect.right + gap, top=rect.top + number_cap - unit_cap)


def split_in_two(text: str) -> tuple[str, str]:
    """``text`` as two lines as even as its spaces allow."""
    spaces = [i for i, c in enumerate(text) if c == " "] or [len(text)]
    cut = min(spaces, key=lambda i: abs(len(text) - 2 * i))
    return text[:cut], text[cut + 1:]


def ms_text(duration_s: float | None) -> tuple[str, str]:
    """A duration as a number of milliseconds and its unit; a dash without one."""
    return (MISSING, "") if duration_s is None else (f"{duration_s * 1000:.0f}", "ms")


def cm_text(height_m: float | None) -> tuple[str, str]:
    """A height in centimetres and its unit; a dash without one."""
    return (MISSING, "") if height_m is None else (f"{height_m * 100:.1f}", "cm")
