"""The live page: reps, the last rep's numbers, read at a glance from the mat.

The athlete stands 1-3 m away, breathing hard, in a loud gym, so the count
takes half the screen and every other number is big, light on dark. All sizes
are fractions of the window height, so one layout serves a 7" panel and a TV.
"""

from __future__ import annotations

import pygame

from station.analysis.events import Contact, Flight, Rep
from station.kiosk.board import LiveBoard
from station.kiosk.text import TextCache

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

MISSING = "\u2014"


def render(surface: pygame.Surface, board: LiveBoard, fonts: TextCache,
           highlight: bool = False) -> list[pygame.Rect]:
    """Draw ``board`` onto ``surface``; the rect of every text drawn, for layout checks.

    ``highlight`` marks a rep that has just arrived (the count lights up).
    """
    surface.fill(BACKGROUND)
    page = _Page(surface, fonts)
    between_sets = board.valid_reps == 0 and board.invalid_reps == 0 and board.last_set is not None
    badge_left = page.badge("SIMULATED") if board.simulated else page.width - page.margin_x
    page.top_bar(board, between_sets, badge_left)
    page.count(board, between_sets, highlight)
    page.tiles(board)
    page.band(board)
    return page.rects


class _Page:
    """One frame's layout: where each block goes for this surface's size."""

    def __init__(self, surface: pygame.Surface, fonts: TextCache) -> None:
        self.surface = surface
        self.fonts = fonts
        self.width, self.height = surface.get_size()
        self.margin_x = max(self.u(3), round(self.width * 0.025))
        self.main_top = self.u(13)
        self.main_bottom = self.u(84)
        self.count_width = round(self.width * 0.40)
        self.rects: list[pygame.Rect] = []

    def u(self, percent: float) -> int:
        """``percent`` of the window height, in pixels."""
        return round(self.height * percent / 100)

    def text(self, text: str, cap_px: int, colour: tuple, width_px: int, **where) -> pygame.Rect:
        """Blit ``text`` fitted to ``width_px``, placed by rect attributes (``topleft=...``)."""
        image = self.fonts.fit(text, cap_px, colour, width_px)
        rect = image.get_rect(**where)
        self.surface.blit(image, rect)
        self.rects.append(rect)
        return rect

    def badge(self, text: str) -> int:
        """A pill in the top-right corner; returns its left edge."""
        pad = self.u(1.5)
        image = self.fonts.render(text, self.u(4), TEXT)
        pill = image.get_rect().inflate(2 * pad, 2 * pad)
        pill.topright = (self.width - self.margin_x, self.u(2))
        pygame.draw.rect(self.surface, BADGE, pill, border_radius=pad)
        rect = image.get_rect(center=pill.center)
        self.surface.blit(image, rect)
        self.rects.append(rect)
        return pill.left

    def top_bar(self, board: LiveBoard, between_sets: bool, right_px: int) -> None:
        """The set under way, and how many reps the last one counted, left of ``right_px``."""
        x, top = self.margin_x, self.u(3)
        cap, gap = self.u(5), self.u(4)
        if board.finished is None:
            shown = self.text(f"SET {board.set_number}", cap, TEXT, right_px - gap - x, topleft=(x, top))
            x = shown.right + gap
        if board.last_set is not None and not between_sets and right_px - gap > x:
            last = f"LAST SET {board.last_set.valid_reps}"
            self.text(last, cap, LABEL, right_px - gap - x, topleft=(x, top))

    def count(self, board: LiveBoard, between_sets: bool, highlight: bool) -> None:
        """The huge count of valid reps (the last set's, dimmed, between sets), and the invalid ones."""
        left, width = self.margin_x, self.count_width
        cap = self.u(5)
        label = "LAST SET" if between_sets else "REPS"
        label_rect = self.text(label, cap, LABEL, width, topleft=(left, self.main_top))
        if board.invalid_reps:
            tally_width = width - label_rect.width - self.u(3)
            self.text(f"{board.invalid_reps} INVALID", cap, AMBER, tally_width,
                      topright=(left + width, self.main_top))
        if between_sets:
            reps, colour = board.last_set.valid_reps, DIM
        else:
            reps = board.valid_reps
            colour = FLASH if highlight and board.last_rep is not None and board.last_rep.valid else TEXT
        top = label_rect.bottom + self.u(3)
        count_cap = min(self.u(48), self.main_bottom - top)
        middle = (top + self.main_bottom) // 2
        image = self.fonts.fit(str(reps), count_cap, colour, width)
        rect = image.get_rect(center=(left + width // 2, middle))
        self.surface.blit(image, rect)
        self.rects.append(rect)

    def tiles(self, board: LiveBoard) -> None:
        """The last rep's four numbers, in the order they happen, two by two."""
        rep = board.last_rep
        left = self.margin_x + self.count_width + self.u(4)
        gap = self.u(2)
        tile_w = (self.width - self.margin_x - left - gap) // 2
        tile_h = (self.main_bottom - self.main_top - gap) // 2
        numbers = _rep_numbers(rep)
        pad = self.u(2.5)
        # One label size for all four, that of the longest, so the tiles look alike.
        label_cap = min(self.fonts.fit_cap_px(label, self.u(4), tile_w - 2 * pad)
                        for label, _, _ in numbers)
        colour = TEXT if rep is None or rep.valid else AMBER
        for i, (label, number, unit) in enumerate(numbers):
            tile = pygame.Rect(left + (i % 2) * (tile_w + gap), self.main_top + (i // 2) * (tile_h + gap),
                               tile_w, tile_h)
            pygame.draw.rect(self.surface, TILE, tile, border_radius=self.u(1.5))
            inner = tile.inflate(-2 * pad, -2 * pad)
            self.text(label, label_cap, LABEL, inner.width, topleft=inner.topleft)
            label_h = self.u(6)
            self.number(pygame.Rect(inner.left, inner.top + label_h, inner.width, inner.height - label_h),
                        number, unit, colour)

    def number(self, box: pygame.Rect, number: str, unit: str, colour: tuple) -> None:
        """A big number and its small unit on one baseline, left in ``box``, centred down it."""
        number_cap, unit_cap, gap = self.u(14), self.u(5.5), self.u(1.5)
        width = self.fonts.width_px(number, number_cap)
        if unit:
            width += gap + self.fonts.width_px(unit, unit_cap)
        if width > box.width:
            number_cap, unit_cap, gap = (v * box.width // width for v in (number_cap, unit_cap, gap))
        if number == MISSING:
            colour = DIM
        top = box.centery - number_cap // 2
        rect = self.text(number, number_cap, colour, box.width, left=box.left, top=top)
        if unit:
            self.text(unit, unit_cap, LABEL, box.right - rect.right - gap,
                      left=rect.right + gap, top=rect.top + number_cap - unit_cap)

    def band(self, board: LiveBoard) -> None:
        """A band across the bottom: how to start, the end, a sensor fault, or why a rep did not count."""
        if board.finished is not None:
            message, fill, colour = f"Finished: {board.finished.valid_reps} reps", PROMPT, TEXT
        elif board.device_problem is not None:  # a device problem outranks everything else
            message, fill, colour = board.device_problem, AMBER, ON_AMBER
        elif board.fault is not None:
            message, fill, colour = board.fault.message, AMBER, ON_AMBER
        elif not board.on_mat:
            message, fill, colour = "Step on the mat to start", PROMPT, TEXT
        elif board.last_rep is not None and not board.last_rep.valid:
            message, fill, colour = f"Not counted: {board.invalid_reason or 'invalid rep'}", AMBER, ON_AMBER
        else:
            return
        band = pygame.Rect(self.margin_x, self.u(86), self.width - 2 * self.margin_x, self.u(12))
        pygame.draw.rect(self.surface, fill, band, border_radius=self.u(1.5))
        width = band.width - self.u(6)
        if self.fonts.fit_cap_px(message, self.u(5.5), width) >= self.u(4.5):
            self.text(message, self.u(5.5), colour, width, center=band.center)
            return
        lines = _split_in_two(message)
        cap = min(self.fonts.fit_cap_px(line, self.u(3.8), width) for line in lines)
        top = band.centery - cap * 5 // 4  # the capitals of both lines, 1.5 caps apart, centred
        self.text(lines[0], cap, colour, width, midtop=(band.centerx, top))
        self.text(lines[1], cap, colour, width, midtop=(band.centerx, top + cap * 3 // 2))


def _split_in_two(text: str) -> tuple[str, str]:
    """``text`` as two lines as even as its spaces allow."""
    spaces = [i for i, c in enumerate(text) if c == " "] or [len(text)]
    cut = min(spaces, key=lambda i: abs(len(text) - 2 * i))
    return text[:cut], text[cut + 1:]


def _rep_numbers(rep: Rep | None) -> list[tuple[str, str, str]]:
    """Label, number and unit of each tile; a part the rep lacks reads as a dash."""
    if rep is None:
        return [(label, MISSING, "") for label in ("BACK FLIGHT", "REBOUND", "FORWARD FLIGHT", "HEIGHT")]
    height = (MISSING, "") if rep.height_m is None else (f"{rep.height_m * 100:.1f}", "cm")
    return [
        ("BACK FLIGHT", *_ms(_duration_s(rep.back_flight))),
        ("REBOUND", *_ms(_duration_s(rep.rebound_contact))),
        ("FORWARD FLIGHT", *_ms(_duration_s(rep.forward_flight))),
        ("HEIGHT", *height),
    ]


def _duration_s(part: Flight | Contact | None) -> float | None:
    return None if part is None else part.duration_s


def _ms(duration_s: float | None) -> tuple[str, str]:
    return (MISSING, "") if duration_s is None else (f"{duration_s * 1000:.0f}", "ms")
