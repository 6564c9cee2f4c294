"""The calibration's screens: one layout for all of them.

A title, a line under it (which step of how many), the sentences in a
column on the left, wrapped and shrunk to fit, and the choices as
finger-sized rows at the bottom (NEXT and BACK move, SELECT or a tap picks).
The steps that weigh show the plate from above on the right, front (the
side nearest the screen) at the top: its four cells, where the mass goes
now and the places already weighed. While the plate is read, a ring in the
column fills over the reading. The mass screen shows the mass large,
between a lighter and a heavier button.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pygame

from station.kiosk.draw.layout import BACKGROUND, DIM, LABEL, PROMPT, RATING_COLOURS, TEXT, TILE, Page
from station.kiosk.draw.text import TextCache
from station.sources.loadcell.steps import EMPTY, SPOTS

ROW_PCT = 10
GAP_PCT = 1.5
ROWS_BOTTOM_PCT = 87
LINES_TOP_PCT = 22
#: The plate drawn in proportion to the usual 0.6 x 0.9 m plate.
PLATE_ASPECT = 0.6 / 0.9
PLATE_HEIGHT_PCT = 58
#: Sentences are never drawn smaller than this (percent of the height):
#: readable by a coach standing at the plate.
MIN_CAP_PCT = 2.6
DONE_COLOUR = RATING_COLOURS["soft"]


@dataclass
class CalibrationView:
    """What one calibration screen shows. ``place``: where the plate
    diagram puts the mass (a placement's name, ``EMPTY`` for the cleared
    plate, None for no diagram); ``weighed``: the places already read;
    ``progress``: the reading's ring, 0 to 1, or None; ``mass_kg``: the mass
    screen's number, or None."""

    title: str
    subtitle: str = ""
    lines: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    highlighted: int = 0
    hint: str = ""
    place: str | None = None
    weighed: tuple[str, ...] = ()
    progress: float | None = None
    mass_kg: float | None = None


def render(surface: pygame.Surface, view: CalibrationView, fonts: TextCache,
           targets: dict | None = None) -> list[pygame.Rect]:
    """Draw ``view``; the rect of every text drawn. Tappable boxes go in
    ``targets``: "row N", and on the mass screen "lighter" and "heavier"."""
    targets = {} if targets is None else targets
    surface.fill(BACKGROUND)
    page = Page(surface, fonts)
    width = page.width - 2 * page.margin_x
    page.text(view.title, page.u(7), TEXT, width, topleft=(page.margin_x, page.u(4)))
    if view.subtitle:
        page.text(view.subtitle, page.u(3.5), LABEL, width, topleft=(page.margin_x, page.u(14)))
    column = width
    if view.place is not None:
        plate = _plate_box(page)
        column = plate.left - page.margin_x - page.u(4)
        _plate(page, plate, view)
    rows_top = page.u(ROWS_BOTTOM_PCT) - len(view.rows) * page.u(ROW_PCT + GAP_PCT)
    top = page.u(LINES_TOP_PCT)
    if view.mass_kg is not None:
        top = _mass(page, view.mass_kg, pygame.Rect(page.margin_x, top, column, page.u(18)), targets)
    if view.progress is not None:
        top = _ring(page, view.progress, pygame.Rect(page.margin_x, top, column, page.u(44)))
    if view.lines:
        _paragraphs(page, view.lines, pygame.Rect(page.margin_x, top, column, rows_top - page.u(2) - top))
    _rows(page, view, column, rows_top, targets)
    if view.hint:
        page.text(view.hint, page.u(3.2), LABEL, width, midtop=(page.width // 2, page.u(91)))
    return page.rects


def _rows(page: Page, view: CalibrationView, width: int, top: int, targets: dict) -> None:
    for index, label in enumerate(view.rows):
        box = pygame.Rect(page.margin_x, top + index * page.u(ROW_PCT + GAP_PCT), width, page.u(ROW_PCT))
        pygame.draw.rect(page.surface, PROMPT if index == view.highlighted else TILE, box,
                         border_radius=page.u(1.5))
        pad = page.u(3)
        page.text(label, page.u(4.5), TEXT, box.width - 2 * pad, midleft=(box.left + pad, box.centery))
        targets[f"row {index}"] = tuple(box)


def _mass(page: Page, mass_kg: float, box: pygame.Rect, targets: dict) -> int:
    """The mass large between "-" and "+" buttons; where the sentences may start."""
    side = box.height
    for name, label, where in (("lighter", "-", box.left), ("heavier", "+", box.right - side)):
        button = pygame.Rect(where, box.top, side, side)
        pygame.draw.rect(page.surface, TILE, button, border_radius=page.u(1.5))
        page.text(label, side // 2, TEXT, side, center=button.center)
        targets[name] = tuple(button)
    number = pygame.Rect(box.left + side, box.top, box.width - 2 * side, side)
    page.number(number.inflate(-page.u(4), 0), f"{mass_kg:g}", "kg", TEXT)
    return box.bottom + page.u(3)


def _ring(page: Page, progress: float, box: pygame.Rect) -> int:
    """A ring in ``box`` that fills clockwise from the top as the reading
    goes on, "READING" inside; where the sentences may start."""
    radius = box.height // 2
    centre = box.center
    ring = pygame.Rect(0, 0, 2 * radius, 2 * radius)
    ring.center = centre
    thickness = max(4, page.u(3))
    pygame.draw.circle(page.surface, TILE, centre, radius, width=thickness)
    if progress > 0:
        # pygame's arcs run anticlockwise from ``start`` to ``stop``.
        stop = math.pi / 2
        pygame.draw.arc(page.surface, TEXT, ring, stop - 2 * math.pi * progress, stop, thickness)
    page.text("READING", page.u(3.5), LABEL, 2 * radius * 7 // 10, center=centre)
    return box.bottom + page.u(3)


def _paragraphs(page: Page, lines: list[str], box: pygame.Rect) -> None:
    """Each sentence wrapped to the box's width, all of them at the largest
    size that fits the box (at least MIN_CAP_PCT), a gap between sentences."""
    cap = page.u(5)
    while True:
        wrapped = [_wrap(page.fonts, line, cap, box.width) for line in lines]
        step, gap = cap * 8 // 5, cap
        height = sum(len(each) for each in wrapped) * step + gap * (len(lines) - 1)
        if height <= box.height or cap <= page.u(MIN_CAP_PCT):
            break
        cap = max(page.u(MIN_CAP_PCT), cap * 9 // 10)
    y = box.top
    for each in wrapped:
        for line in each:
            page.text(line, cap, TEXT, box.width, topleft=(box.left, y))
            y += step
        y += gap


def _wrap(fonts: TextCache, text: str, cap_px: int, width_px: int) -> list[str]:
    """``text`` cut at spaces (not at no-break spaces) into lines no wider
    than ``width_px`` (a word longer than that gets a line of its own, shrunk
    to fit when drawn)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and fonts.width_px(f"{lines[-1]} {word}", cap_px) <= width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _plate_box(page: Page) -> pygame.Rect:
    height = page.u(PLATE_HEIGHT_PCT)
    box = pygame.Rect(0, 0, round(height * PLATE_ASPECT), height)
    box.topright = (page.width - page.margin_x - page.u(2), page.u(LINES_TOP_PCT + 6))
    return box


def _plate(page: Page, box: pygame.Rect, view: CalibrationView) -> None:
    """The plate from above, front at the top, with its cells, the places
    already weighed, where the mass goes now and the reading's ring."""
    surface = page.surface
    page.text("FRONT", page.u(3), LABEL, box.width, midbottom=(box.centerx, box.top - page.u(1.5)))
    pygame.draw.rect(surface, TILE, box, border_radius=page.u(1))
    cell = page.u(4)
    for corner in (box.topleft, box.topright, box.bottomleft, box.bottomright):
        square = pygame.Rect(0, 0, cell, cell)
        square.center = corner
        pygame.draw.rect(surface, DIM, square)
    radius = max(4, round(box.width * 0.16))
    for place in view.weighed:
        pygame.draw.circle(surface, DONE_COLOUR, _point(box, place), radius // 3)
    if view.place == EMPTY:
        page.text("EMPTY", page.u(4), LABEL, box.width - 2 * cell, center=box.center)
    else:
        pygame.draw.circle(surface, PROMPT, _point(box, view.place), radius)


def _point(box: pygame.Rect, place: str) -> tuple[int, int]:
    fx, fy = SPOTS[place]
    return round(box.left + fx * box.width), round(box.top + fy * box.height)
