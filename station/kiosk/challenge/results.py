"""The results of a class challenge: the podium, every athlete's score, and a
bar per round of their valid reps. Stays up until SELECT or a tap."""

from __future__ import annotations

import pygame

from station.challenge.board import LeaderRow, ResultsView
from station.kiosk.challenge.live import MIN_SHRINK, WORK_COLOUR, line, shortened
from station.kiosk.draw.layout import BACKGROUND, DIM, LABEL, ON_AMBER, TEXT, TILE, Page
from station.kiosk.draw.text import TextCache

#: Podium blocks' heights in percent of the page: first, second, third.
BLOCK_PCT = {1: 17, 2: 12, 3: 8}
PODIUM_BASE_PCT = 44
TABLE_TOP_PCT = 48
ROW_PCT = 5.6
MAX_ROW_PCT = 13
TABLE_BOTTOM_PCT = 88


def render(surface: pygame.Surface, view: ResultsView, fonts: TextCache) -> list[pygame.Rect]:
    """Draw ``view``; the rect of every text drawn."""
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    width = page.width - 2 * page.margin_x
    shown = page.text(view.ended_text.upper(), page.u(4), LABEL, width // 3,
                      topright=(page.width - page.margin_x, page.u(3)))
    page.text(view.title, page.u(5), TEXT, shown.left - page.u(3) - page.margin_x,
              topleft=(page.margin_x, page.u(3)))
    _podium(page, view.podium)
    _table(page, view)
    page.text("SELECT or a tap closes the results", page.u(3.5), LABEL, width,
              midtop=(page.width // 2, page.u(92)))
    return page.rects


def _podium(page: Page, podium: tuple[LeaderRow, ...]) -> None:
    """Places 1-3 as blocks, first in the middle; tied athletes share a block."""
    places = sorted({row.place for row in podium})[:3]
    block_w = min(page.u(40), (page.width - 2 * page.margin_x) // 3 - page.u(3))
    centre = page.width // 2
    x_of = [centre, centre - block_w - page.u(3), centre + block_w + page.u(3)]
    base = page.u(PODIUM_BASE_PCT)
    for slot, place in enumerate(places):
        rows = [row for row in podium if row.place == place]
        block = pygame.Rect(0, 0, block_w, page.u(BLOCK_PCT[min(place, 3)]))
        block.midbottom = (x_of[slot], base)
        pygame.draw.rect(page.surface, WORK_COLOUR if place == 1 else TILE, block,
                         border_top_left_radius=page.u(1.5), border_top_right_radius=page.u(1.5))
        page.text(str(place), min(page.u(7), block.height - page.u(2)),
                  ON_AMBER if place == 1 else TEXT, block.width, center=block.center)
        score = page.text(rows[0].score_text, page.u(3.5), LABEL, block_w,
                          midbottom=(block.centerx, block.top - page.u(1.5)))
        page.text(_names(page, [row.athlete for row in rows], page.u(5), block_w), page.u(5), TEXT,
                  block_w, midbottom=(block.centerx, score.top - page.u(1.5)))


def _names(page: Page, names: list[str], cap_px: int, width_px: int) -> str:
    """Everyone sharing a place, or the first and how many more when they do not fit."""
    together = ", ".join(names)
    if len(names) == 1 or shortened(page, together, cap_px, width_px) == together:
        return shortened(page, together, cap_px, width_px)
    more = f" +{len(names) - 1}"
    room = width_px - page.fonts.width_px(more, max(1, int(cap_px * MIN_SHRINK)))
    return shortened(page, names[0], cap_px, room) + more


def _table(page: Page, view: ResultsView) -> None:
    """One row per athlete, in place order: place, name, score, and a bar per
    round of valid reps on one scale for all."""
    left, right = page.margin_x, page.width - page.margin_x
    name_w, score_w = round((right - left) * 0.28), round((right - left) * 0.16)
    chart_left = left + page.u(6) + name_w + score_w + page.u(2)
    page.text("VALID REPS PER ROUND", page.u(3), DIM, right - chart_left,
              topleft=(chart_left, page.u(TABLE_TOP_PCT)))
    top = page.u(TABLE_TOP_PCT + 4.5)
    # A small class gets taller rows: room for each round's number over its bar.
    room = page.u(TABLE_BOTTOM_PCT) - top
    step = min(page.u(MAX_ROW_PCT), max(page.u(ROW_PCT), room // max(1, len(view.ranking))))
    fits = max(1, room // step)
    shown = view.ranking if len(view.ranking) <= fits else view.ranking[:fits - 1]
    most = max((n or 0 for rounds in view.round_valid for n in rounds), default=0)
    cap = page.u(3.6)
    for i, row in enumerate(shown):
        box = pygame.Rect(left, top + i * step, right - left, step - page.u(0.8))
        pygame.draw.rect(page.surface, TILE, box, border_radius=page.u(1))
        middle = box.centery
        line(page, str(row.place), cap, TEXT, page.u(5), middle, left=left + page.u(1.5))
        line(page, row.athlete, cap, TEXT, name_w - page.u(1), middle, left=left + page.u(6))
        line(page, row.score_text, cap, LABEL, score_w - page.u(1), middle,
             left=left + page.u(6) + name_w)
        rounds = view.round_valid[i] if i < len(view.round_valid) else ()
        _bars(page, pygame.Rect(chart_left, box.top + page.u(0.6), right - chart_left - page.u(1),
                                box.height - page.u(1.2)), rounds, most)
    if len(shown) < len(view.ranking):
        more = len(view.ranking) - len(shown)
        page.text(f"and {more} more", cap, LABEL, right - left,
                  midleft=(left + page.u(1.5), top + len(shown) * step + (step - page.u(0.8)) // 2))


def _bars(page: Page, box: pygame.Rect, rounds: tuple, most: int) -> None:
    """A bar per round, as high as its valid reps against ``most``; a round
    not run leaves a gap. A row tall enough, with room across, has each
    round's number over its bar."""
    if not rounds or most <= 0:
        return
    slot = box.width / len(rounds)
    cap = box.height * 3 // 10
    numbered = cap >= page.u(2) and page.fonts.width_px(str(most), cap) <= slot * 0.9
    if numbered:
        box = pygame.Rect(box.left, box.top + cap + page.u(1), box.width, box.height - cap - page.u(1))
    for n, valid in enumerate(rounds):
        centre_x = round(box.left + (n + 0.5) * slot)
        if numbered and valid is not None:
            page.text(str(valid), cap, LABEL, round(slot * 0.9), midbottom=(centre_x, box.top - page.u(1)))
        if not valid:
            continue
        height = max(2, round(box.height * valid / most))
        bar = pygame.Rect(0, 0, max(1, round(slot * 0.7)), height)
        bar.midbottom = (centre_x, box.bottom)
        pygame.draw.rect(page.surface, WORK_COLOUR, bar)
