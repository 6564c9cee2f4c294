"""The set summary: what the set just finished added up to.

Shown for a few seconds after a step-off (see station.kiosk.flow), and at the
end of a run. Every number comes from the board's ``last_totals``.
"""

from __future__ import annotations

import pygame

from station.kiosk.draw.charts import draw_bars
from station.kiosk.draw.layout import (AMBER, BACKGROUND, LABEL, MISSING, ON_AMBER, RATING_COLOURS, TEXT,
                                       TILE, Page, cm_text, ms_text)
from station.kiosk.draw.text import TextCache
from station.kiosk.screens.set_link import qr_surface
from station.kiosk.state.board import LiveBoard
from station.kiosk.state.totals import RATINGS, SetTotals


def render(surface: pygame.Surface, board: LiveBoard, fonts: TextCache,
           link: str | None = None) -> list[pygame.Rect]:
    """Draw the summary of the board's last set; the rect of every text drawn.
    ``link``: the set's page at the hub, shown as a QR code on the right."""
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    if link is not None and board.last_totals is not None:
        surface = _scan_column(page, surface, link)
        scan_rects, page = page.rects, Page(surface, fonts)
        page.rects.extend(scan_rects)
    totals = board.last_totals
    title = f"SET {totals.index} DONE" if totals is not None else "NO SET YET"
    page.text(title, page.u(7), TEXT, page.width // 2, topleft=(page.margin_x, page.u(4)))
    if board.finished is not None:
        page.text(f"{board.finished.valid_reps} REPS IN ALL", page.u(5), LABEL, page.width // 2 - page.margin_x,
                  bottomright=(page.width - page.margin_x, page.u(11)))
    if totals is None:
        return page.rects
    coaching = coaching_line(totals)
    if coaching:
        page.text(coaching, page.u(2.5), LABEL, page.width - 2 * page.margin_x,
                  topleft=(page.margin_x, page.u(11.5)))
    _tiles(page, totals)
    chart_pct = 26 if totals.last_reason is None else 14
    chart = pygame.Rect(page.margin_x, page.u(70), page.width - 2 * page.margin_x, page.u(chart_pct))
    draw_bars(surface, page.chart_box("REBOUND CONTACT PER REP", chart, page.u(3)), totals.bars)
    if totals.last_reason is not None:
        page.band(f"Last rep not counted: {totals.last_reason}", AMBER, ON_AMBER)
    return page.rects


def _scan_column(page: Page, surface: pygame.Surface, link: str) -> pygame.Surface:
    """The QR code in a column on the right, under "SCAN TO SEE YOUR SET";
    the rest of the screen, for the summary."""
    side_px = min(page.u(62), surface.get_width() * 3 // 10)
    code = qr_surface(link, side_px)
    left = surface.get_width() - page.margin_x - code.get_width()
    top = page.u(15)
    surface.blit(code, (left, top))
    page.text("SCAN TO SEE YOUR SET", page.u(3), LABEL, code.get_width(),
              midtop=(left + code.get_width() // 2, top + code.get_height() + page.u(2)))
    return surface.subsurface(pygame.Rect(0, 0, left - page.margin_x // 2, surface.get_height()))


def _tiles(page: Page, totals: SetTotals) -> None:
    """Six tiles, three by two: reps, heights, rebound contacts, landings."""
    numbers = [
        ("VALID REPS", str(totals.valid_reps), f"of {totals.reps}"),
        ("BEST HEIGHT", *cm_text(totals.best_height_m)),
        ("MEAN HEIGHT", *cm_text(totals.mean_height_m)),
        ("FASTEST REBOUND", *ms_text(totals.best_rebound_s)),
        ("MEAN REBOUND", *ms_text(totals.mean_rebound_s)),
    ]
    gap, pad = page.u(2), page.u(2)
    tile_w = (page.width - 2 * page.margin_x - 2 * gap) // 3
    tile_h = (page.u(67) - page.u(15) - gap) // 2
    boxes = [pygame.Rect(page.margin_x + (i % 3) * (tile_w + gap), page.u(15) + (i // 3) * (tile_h + gap),
                         tile_w, tile_h) for i in range(6)]
    labels = [label for label, _, _ in numbers] + ["LANDINGS"]
    label_cap = min(page.fonts.fit_cap_px(label, page.u(3.5), tile_w - 2 * pad) for label in labels)
    for box, label in zip(boxes, labels):
        pygame.draw.rect(page.surface, TILE, box, border_radius=page.u(1.5))
        page.text(label, label_cap, LABEL, box.width - 2 * pad, topleft=(box.left + pad, box.top + pad))
    for box, (_, number, unit) in zip(boxes, numbers):
        page.number(_below_label(page, box, label_cap, pad), number, unit, TEXT)
    _landings(page, _below_label(page, boxes[5], label_cap, pad), totals)


def _below_label(page: Page, box: pygame.Rect, label_cap: int, pad: int) -> pygame.Rect:
    top = box.top + pad + label_cap + page.u(1.5)
    return pygame.Rect(box.left + pad, top, box.width - 2 * pad, box.bottom - pad - top)


def _landings(page: Page, box: pygame.Rect, totals: SetTotals) -> None:
    """How many landings were soft, firm and hard: a number in its colour over its word."""
    if not any(totals.ratings_n.values()):
        page.number(box, MISSING, "", TEXT)
        return
    third = box.width // 3
    word_cap = page.u(3)
    # One size for the three, that of the widest, so the counts compare at a glance.
    cap = min(box.height - word_cap - page.u(2),
              *(page.fonts.fit_cap_px(str(n), box.height, third - page.u(1)) for n in totals.ratings_n.values()))
    top = box.centery - (cap + page.u(2) + word_cap) // 2
    for i, rating in enumerate(RATINGS):
        middle = box.left + i * third + third // 2
        page.text(str(totals.ratings_n[rating]), cap, RATING_COLOURS[rating], third - page.u(1),
                  midtop=(middle, top))
        # From the cap height, not the text's bottom: round digits dip below the baseline.
        page.text(rating.upper(), word_cap, LABEL, third - page.u(1), midtop=(middle, top + cap + page.u(2)))


def coaching_line(totals: SetTotals) -> str:
    """The set's coaching cues in one line ("" without any): fatigue, and the
    landings' balance from the centre of pressure (not a per-limb measure)."""
    parts = []
    if totals.tired_from_rep is not None:
        parts.append(f"Tired from rep {totals.tired_from_rep}: RSI well below the set's best")
    if totals.mean_cop_left_pct is not None:
        parts.append(f"COP balance {totals.mean_cop_left_pct:.0f} % left / "
                     f"{100 - totals.mean_cop_left_pct:.0f} % right (centre of pressure, not per leg)")
    return "   ·   ".join(parts)
