"""The USB stick's screens: the offer, the export's progress, the result.

One layout for all of them: a title, the stick's name, a few sentences, a
progress bar while exporting, and the choices as finger-sized rows at the
bottom (NEXT and BACK move, SELECT or a tap picks, as in the picker).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from station.kiosk.draw.layout import BACKGROUND, LABEL, PROMPT, TEXT, TILE, Page, split_in_two
from station.kiosk.draw.text import TextCache

ROW_PCT = 10
GAP_PCT = 1.5
ROWS_BOTTOM_PCT = 87
LINES_TOP_PCT = 20
#: Each sentence's box; a long one goes on two lines inside it.
LINE_PCT = 8
BAR_PCT = 7
HINT = "NEXT and BACK move, SELECT picks, or tap"
BAR_FILL = (40, 200, 90)


@dataclass
class UsbView:
    """What one stick screen shows. ``progress``: (files written, files in
    all) for the bar, or None; ``rows``: the choices' labels."""

    title: str
    stick: str
    lines: list[str] = field(default_factory=list)
    progress: tuple[int, int] | None = None
    rows: list[str] = field(default_factory=list)
    highlighted: int = 0


def render(surface: pygame.Surface, view: UsbView, fonts: TextCache,
           targets: dict | None = None) -> list[pygame.Rect]:
    """Draw ``view``; the rect of every text drawn. Puts each row's box in
    ``targets["row N"]``."""
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    width = page.width - 2 * page.margin_x
    page.text(view.title, page.u(7), TEXT, width, topleft=(page.margin_x, page.u(4)))
    page.text(f"USB stick: {view.stick}", page.u(3.5), LABEL, width,
              topleft=(page.margin_x, page.u(14)))
    rows_top = page.u(ROWS_BOTTOM_PCT) - len(view.rows) * page.u(ROW_PCT + GAP_PCT)
    top = _lines(page, view.lines, width, rows_top)
    if view.progress is not None:
        _bar(page, view.progress, width, top)
    for index, label in enumerate(view.rows):
        box = pygame.Rect(page.margin_x, rows_top + index * page.u(ROW_PCT + GAP_PCT), width,
                          page.u(ROW_PCT))
        pygame.draw.rect(surface, PROMPT if index == view.highlighted else TILE, box,
                         border_radius=page.u(1.5))
        pad = page.u(3)
        page.text(label, page.u(4.5), TEXT, box.width - 2 * pad, midleft=(box.left + pad, box.centery))
        if targets is not None:
            targets[f"row {index}"] = tuple(box)
    if view.rows:
        page.text(HINT, page.u(3.2), LABEL, width, midtop=(page.width // 2, page.u(91)))
    return page.rects


def _lines(page: Page, lines: list[str], width: int, bottom: int) -> int:
    """The sentences from ``LINES_TOP_PCT`` down, shrunk to fit above
    ``bottom``; where the next thing may go."""
    top = page.u(LINES_TOP_PCT)
    if not lines:
        return top
    # One or two sentences (an error) get room for two lines each, at a size
    # read from the mat; a list of bad rows gets a line each.
    most = page.u(LINE_PCT * 2 if len(lines) <= 2 else LINE_PCT)
    step = min(most, (bottom - page.u(1) - top) // len(lines))
    for index, line in enumerate(lines):
        box = pygame.Rect(page.margin_x, top + index * step, width, step)
        _sentence(page, line, box, min(page.u(5), step * 2 // 3))
    return top + len(lines) * step + page.u(2)


def _sentence(page: Page, text: str, box: pygame.Rect, cap_px: int) -> None:
    """``text`` centred in ``box``: on one line if it reads at 80 % of
    ``cap_px``, else on two as large as the box allows."""
    fonts = page.fonts
    if fonts.fit_cap_px(text, cap_px, box.width) >= cap_px * 4 // 5:
        page.text(text, cap_px, TEXT, box.width, center=box.center)
        return
    lines = split_in_two(text)
    # Two lines of capitals, 1.6 capitals apart from top to top.
    cap = min(min(fonts.fit_cap_px(line, cap_px, box.width) for line in lines), box.height * 5 // 13)
    top = box.centery - cap * 13 // 10
    for number, line in enumerate(lines):
        page.text(line, cap, TEXT, box.width, midtop=(box.centerx, top + number * cap * 8 // 5))


def _bar(page: Page, progress: tuple[int, int], width: int, top: int) -> None:
    done, total = progress
    box = pygame.Rect(page.margin_x, top, width, page.u(BAR_PCT))
    pygame.draw.rect(page.surface, TILE, box, border_radius=page.u(1))
    if total:
        filled = box.copy()
        filled.width = round(box.width * min(1.0, done / total))
        if filled.width:
            pygame.draw.rect(page.surface, BAR_FILL, filled, border_radius=page.u(1))
    counted = f"{done} of {total} files written" if total else "Starting..."
    page.text(counted, page.u(3.5), LABEL, width, midtop=(page.width // 2, box.bottom + page.u(3)))
