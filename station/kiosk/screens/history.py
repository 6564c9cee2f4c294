"""The history screen: the athlete who is up, their last sessions and class challenges.

Opened with BACK on the attract screen (see station.kiosk.flow). Every number
comes from the ``AthleteHistory`` the log gave as it opened
(station.log.athlete_history); newest first, as many rows as fit.
"""

from __future__ import annotations

import pygame

from station.kiosk.draw.layout import BACKGROUND, DIM, LABEL, MISSING, TEXT, TILE, Page, cm_text, ms_text
from station.kiosk.draw.text import TextCache
from station.log.athlete_history import AthleteHistory, ChallengeLine, SessionLine

#: Rows for both lists together; each list has at least one. In percent of the
#: screen height: a row's height and the gap below it, big enough to read from 3 m.
ROWS_N = 6
ROW_PCT = 8.5
GAP_PCT = 1.5
ROW_CAP_PCT = 4.6
HEADING_CAP_PCT = 3.2

#: Each list's columns as (heading, share of the row's width).
SESSION_COLUMNS = (("SESSIONS", 0.31), ("VALID REPS", 0.19), ("BEST HEIGHT", 0.25), ("MEAN REBOUND", 0.25))
CHALLENGE_COLUMNS = (("CLASS CHALLENGES", 0.36), ("DATE", 0.26), ("PLACE", 0.19), ("VALID REPS", 0.19))


def render(surface: pygame.Surface, history: AthleteHistory, fonts: TextCache) -> list[pygame.Rect]:
    """Draw ``history``; the rect of every text drawn."""
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    width = page.width - 2 * page.margin_x
    label = page.text("HISTORY", page.u(4), LABEL, width // 4,
                      bottomright=(page.width - page.margin_x, page.u(10)))
    page.text(history.name, page.u(6), TEXT, label.left - page.u(3) - page.margin_x,
              bottomleft=(page.margin_x, page.u(10)))
    sessions_n, challenges_n = rows_shown(len(history.sessions), len(history.challenges))
    sessions = [_session_cells(line) for line in history.sessions[:sessions_n]]
    top = _table(page, page.u(14), SESSION_COLUMNS, sessions, "No sets yet")
    _table(page, top + page.u(1), CHALLENGE_COLUMNS,
           [_challenge_cells(line) for line in history.challenges[:challenges_n]], "No class challenges yet")
    page.text("BACK, SELECT or a tap closes", page.u(3), LABEL, width, midtop=(page.width // 2, page.u(91)))
    return page.rects


def rows_shown(sessions_n: int, challenges_n: int) -> tuple[int, int]:
    """How many sessions and challenges fit: half the rows each, and a list
    with fewer leaves its rows to the other."""
    half = ROWS_N // 2
    shown_challenges = min(challenges_n, max(half, ROWS_N - max(1, sessions_n)))
    shown_sessions = min(sessions_n, ROWS_N - max(1, shown_challenges))
    return shown_sessions, shown_challenges


def _table(page: Page, top: int, columns: tuple, rows: list[list[str]], empty: str) -> int:
    """Column headings at ``top``, then a tile per row; where the table ends."""
    left, width, pad = page.margin_x, page.width - 2 * page.margin_x, page.u(2)
    spans = _spans(left + pad, width - 2 * pad, columns)
    heading_cap = min(page.fonts.fit_cap_px(heading, page.u(HEADING_CAP_PCT), span_w - pad)
                      for (heading, _), (_, span_w) in zip(columns, spans))
    for (heading, _), (x, span_w) in zip(columns, spans):
        page.text(heading, heading_cap, LABEL, span_w - pad, topleft=(x, top))
    y = top + heading_cap + page.u(2)
    for cells in rows or [None]:
        box = pygame.Rect(left, y, width, page.u(ROW_PCT))
        pygame.draw.rect(page.surface, TILE, box, border_radius=page.u(1.5))
        if cells is None:  # an empty list keeps one row, saying so
            cap = page.u(ROW_CAP_PCT * 0.8)
            page.text(empty, cap, DIM, width - 2 * pad, left=spans[0][0], top=box.centery - cap // 2)
        for cell, (x, span_w) in zip(cells or [], spans):
            # Capitals centred in the row, so a title with a "y" lines up with the numbers.
            cap = page.fonts.fit_cap_px(cell, page.u(ROW_CAP_PCT), span_w - pad)
            page.text(cell, cap, DIM if cell == MISSING else TEXT, span_w - pad,
                      left=x, top=box.centery - cap // 2)
        y = box.bottom + page.u(GAP_PCT)
    return y


def _spans(left: int, width: int, columns: tuple) -> list[tuple[int, int]]:
    """Each column's left edge and width."""
    spans, x = [], left
    for _, share in columns:
        spans.append((x, round(width * share)))
        x += round(width * share)
    return spans


def _session_cells(line: SessionLine) -> list[str]:
    return [_day(line), str(line.valid_reps), " ".join(cm_text(line.best_height_m)).strip(),
            " ".join(ms_text(line.mean_rebound_s)).strip()]


def _challenge_cells(line: ChallengeLine) -> list[str]:
    place = MISSING if line.place is None else f"{line.place} of {line.athletes_n}"
    return [line.title, _day(line), place, str(line.valid_reps)]


def _day(line: SessionLine | ChallengeLine) -> str:
    """The day, short enough to read across the room: "Tue 24 Nov"."""
    return line.started.strftime("%a %d %b")
