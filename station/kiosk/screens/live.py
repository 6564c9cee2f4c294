"""The live page: reps, the last rep's numbers and landing, read at a glance from the mat.

The athlete stands 1-3 m away, breathing hard, in a loud gym, so the count
takes half the screen height, the landing is a traffic light with one word,
and every other number is big, light on dark.
"""

from __future__ import annotations

import pygame

from station.analysis.events import Rep
from station.kiosk.draw.charts import draw_bars, draw_trace
from station.kiosk.draw.layout import (AMBER, BACKGROUND, DIM, FLASH, LABEL, MISSING, ON_AMBER, PROMPT,
                                       RATING_COLOURS, TEXT, TILE, Page, cm_text, ms_text)
from station.kiosk.draw.text import TextCache
from station.kiosk.state.board import LiveBoard

MAIN_TOP = 13
MAIN_BOTTOM = 84


def render(surface: pygame.Surface, board: LiveBoard, fonts: TextCache,
           highlight: bool = False, moving: dict | None = None) -> list[pygame.Rect]:
    """Draw ``board`` onto ``surface``; the rect of every text drawn, for layout checks.

    ``highlight`` marks a rep that has just arrived (the count lights up).
    With ``moving``, ``moving["trace"]`` is the force trace's box, and the
    drawing of the trace alone into it: the only part that changes while no
    event comes.
    """
    surface.fill(BACKGROUND)
    page = _LivePage(surface, fonts)
    between_sets = board.valid_reps == 0 and board.invalid_reps == 0 and board.last_set is not None
    page.top_bar(board, between_sets)
    page.count(board, between_sets, highlight)
    tiles_bottom = 49 if board.has_force else 64
    page.tiles(board.last_rep, tiles_bottom)
    if board.has_force:
        page.light(board, pygame.Rect(page.right_x, page.u(51), page.right_w, page.u(15)))
    trace_box = page.charts(board)
    if moving is not None and trace_box is not None:
        moving["trace"] = (trace_box, lambda time_s, box: draw_trace(surface, trace_box, board.trace,
                                                                    board.body_weight_n))
    _band(page, board)
    return page.rects


class _LivePage(Page):
    """The live page's blocks: where each goes for this surface's size."""

    def __init__(self, surface: pygame.Surface, fonts: TextCache) -> None:
        super().__init__(surface, fonts)
        # Two digits at the count's height need about 0.66 heights: a narrow
        # window gives the count more of its width, up to half.
        self.count_width = round(max(self.width * 0.40, min(self.width * 0.5, self.height * 0.66)))
        self.right_x = self.margin_x + self.count_width + self.u(4)
        self.right_w = self.width - self.margin_x - self.right_x

    def top_bar(self, board: LiveBoard, between_sets: bool) -> None:
        """The set under way, and how many reps the last one counted."""
        x, top = self.margin_x, self.u(3)
        cap, gap = self.u(5), self.u(4)
        right = self.width - self.margin_x
        if board.finished is None:
            shown = self.text(f"SET {board.set_number}", cap, TEXT, right - x, topleft=(x, top))
            x = shown.right + gap
        if board.last_set is not None and not between_sets and right - gap > x:
            self.text(f"LAST SET {board.last_set.valid_reps}", cap, LABEL, right - x, topleft=(x, top))

    def count(self, board: LiveBoard, between_sets: bool, highlight: bool) -> None:
        """The huge count of valid reps (the last set's, dimmed, between sets), and the invalid ones."""
        left, width, main_top = self.margin_x, self.count_width, self.u(MAIN_TOP)
        cap = self.u(5)
        label_rect = self.text("LAST SET" if between_sets else "REPS", cap, LABEL, width, topleft=(left, main_top))
        if board.invalid_reps:
            self.text(f"{board.invalid_reps} INVALID", cap, AMBER, width - label_rect.width - self.u(3),
                      topright=(left + width, main_top))
        if between_sets:
            reps, colour = board.last_set.valid_reps, DIM
        else:
            reps = board.valid_reps
            colour = FLASH if highlight and board.last_rep is not None and board.last_rep.valid else TEXT
        top = label_rect.bottom + self.u(3)
        bottom = self.u(MAIN_BOTTOM)
        count_cap = min(self.u(48), bottom - top)
        self.text(str(reps), count_cap, colour, width, center=(left + width // 2, (top + bottom) // 2))

    def tiles(self, rep: Rep | None, bottom_pct: float) -> None:
        """The last rep's four numbers, in the order they happen, two by two."""
        gap = self.u(2)
        tile_w = (self.right_w - gap) // 2
        tile_h = (self.u(bottom_pct) - self.u(MAIN_TOP) - gap) // 2
        numbers = _rep_numbers(rep)
        pad = self.u(2)
        # One label size for all four, that of the longest, so the tiles look alike.
        label_cap = min(self.fonts.fit_cap_px(label, self.u(3.5), tile_w - 2 * pad) for label, _, _ in numbers)
        colour = TEXT if rep is None or rep.valid else AMBER
        for i, (label, number, unit) in enumerate(numbers):
            tile = pygame.Rect(self.right_x + (i % 2) * (tile_w + gap),
                               self.u(MAIN_TOP) + (i // 2) * (tile_h + gap), tile_w, tile_h)
            pygame.draw.rect(self.surface, TILE, tile, border_radius=self.u(1.5))
            inner = tile.inflate(-2 * pad, -2 * pad)
            self.text(label, label_cap, LABEL, inner.width, topleft=inner.topleft)
            below = label_cap + self.u(1.5)
            self.number(pygame.Rect(inner.left, inner.top + below, inner.width, inner.height - below),
                        number, unit, colour)

    def light(self, board: LiveBoard, row: pygame.Rect) -> None:
        """The last landing as a traffic light, its word, and a cue after a hard one."""
        radius = row.height // 2
        centre = (row.left + radius, row.centery)
        rating = board.rating
        if rating is None:
            pygame.draw.circle(self.surface, DIM, centre, radius, width=max(2, radius // 8))
        else:
            pygame.draw.circle(self.surface, RATING_COLOURS[rating], centre, radius)
        left = row.left + 2 * radius + self.u(3)
        width = row.right - left
        if rating is None:
            self.text("LANDING", self.u(5), DIM, width, midleft=(left, row.centery))
            return
        word_colour = RATING_COLOURS[rating]
        cue = board.cue
        if cue is None:
            self.text(rating.upper(), self.u(9), word_colour, width, midleft=(left, row.centery))
            return
        word = self.text(rating.upper(), self.u(6.5), word_colour, width, topleft=(left, row.top))
        self.text(cue, self.u(4.5), TEXT, width, topleft=(left, word.bottom + self.u(2.5)))

    def charts(self, board: LiveBoard) -> pygame.Rect | None:
        """The force trace (with load cells) and a bar per rep, side by side; the trace's box."""
        top, bottom = self.u(68), self.u(MAIN_BOTTOM)
        if board.has_force:
            trace_w = self.right_w * 3 // 5
            trace = pygame.Rect(self.right_x, top, trace_w - self.u(1), bottom - top)
            trace = self.chart_box("FORCE", trace, self.u(2.5))
            draw_trace(self.surface, trace, board.trace, board.body_weight_n)
            bars = pygame.Rect(self.right_x + trace_w + self.u(1), top, self.right_w - trace_w - self.u(1),
                               bottom - top)
        else:
            trace = None
            bars = pygame.Rect(self.right_x, top, self.right_w, bottom - top)
        draw_bars(self.surface, self.chart_box("REBOUND", bars, self.u(2.5)), board.bars)
        return trace


def _band(page: Page, board: LiveBoard) -> None:
    """A band across the bottom: the end, how to start, or why a rep did not count."""
    if board.finished is not None:
        page.band(f"Finished: {board.finished.valid_reps} reps", PROMPT, TEXT)
    elif not board.on_mat:
        page.band("Step on the mat to start", PROMPT, TEXT)
    elif board.last_rep is not None and not board.last_rep.valid:
        page.band(f"Not counted: {board.invalid_reason or 'invalid rep'}", AMBER, ON_AMBER)


def _rep_numbers(rep: Rep | None) -> list[tuple[str, str, str]]:
    """Label, number and unit of each tile; a part the rep lacks reads as a dash."""
    if rep is None:
        return [(label, MISSING, "") for label in ("BACK FLIGHT", "REBOUND", "FORWARD FLIGHT", "HEIGHT")]
    return [
        ("BACK FLIGHT", *ms_text(None if rep.back_flight is None else rep.back_flight.duration_s)),
        ("REBOUND", *ms_text(None if rep.rebound_contact is None else rep.rebound_contact.duration_s)),
        ("FORWARD FLIGHT", *ms_text(None if rep.forward_flight is None else rep.forward_flight.duration_s)),
        ("HEIGHT", *cm_text(rep.height_m)),
    ]
