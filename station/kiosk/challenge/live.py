"""The big-screen view of a running class challenge, read from across the room.

The interval clock takes over a third of the screen height; WORK is green and
REST blue, as a word and a colour; who is on the mat, the reps of this
interval and the total under it; the class leaderboard on the right. The
screen flashes before each change, and a paused challenge says so in amber.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from station.challenge.board import LiveView, top_rows
from station.kiosk.draw.layout import AMBER, BACKGROUND, DIM, LABEL, ON_AMBER, PROMPT, RATING_COLOURS, TEXT, TILE, Page
from station.kiosk.draw.text import TextCache

WORK_COLOUR = RATING_COLOURS["soft"]
REST_COLOUR = (40, 110, 225)
#: The band's colour and its text's, by what the band says.
BAND_COLOURS = {"WORK": (WORK_COLOUR, ON_AMBER), "REST": (REST_COLOUR, TEXT),
                "PAUSED": (AMBER, ON_AMBER)}
FLASH_COLOURS = {"count": TEXT, "work": WORK_COLOUR, "rest": REST_COLOUR}
#: The clock's cap height, in percent of the page: readable from 5 m on a 7" panel.
CLOCK_PCT = 42
#: The share of the width left of the leaderboard, at least and at most.
LEFT_SHARE = 0.6
MAX_LEFT_SHARE = 0.68
#: A name is cut short rather than shrunk below this share of its size.
MIN_SHRINK = 0.7
ELLIPSIS = "\u2026"
#: The touch buttons under the leaderboard: target name and label.
BUTTONS = (("pause", "PAUSE"), ("skip", "SKIP"), ("end", "END"))


@dataclass(frozen=True)
class Extras:
    """What the view model leaves to the kiosk: ``one_athlete`` the name of a
    one-athlete challenge's athlete (else ""), ``confirming`` the "end?"
    question is up, ``flash`` what the screen flashes for (None: no flash),
    ``ready`` the get-ready countdown (nothing to pause or skip yet)."""

    one_athlete: str = ""
    confirming: bool = False
    flash: str | None = None
    ready: bool = False
    #: The athlete's place among every mat of a class challenge ("2nd of 8 in the room"), or "".
    room: str = ""


def render(surface: pygame.Surface, view: LiveView, fonts: TextCache, extras: Extras = Extras(),
           targets: dict | None = None) -> list[pygame.Rect]:
    """Draw ``view``; the rect of every text drawn. Puts the touch buttons'
    boxes in ``targets`` ("pause", "skip", "end")."""
    surface.fill(BACKGROUND)
    page = _ChallengePage(surface, fonts)
    paused = view.banner == "PAUSED"
    title = view.title + (f" - {extras.one_athlete}" if extras.one_athlete else "") \
        + (f" - {extras.room}" if extras.room else "")
    page.text(title, page.u(4.5), LABEL, page.left_w, topleft=(page.margin_x, page.u(3)))
    page.kind_band(view)
    clock, clock_cap = page.clock(view.clock_text, DIM if paused else TEXT)
    page.tiles(view)
    page.bottom_line(view, extras.confirming, paused)
    page.leaderboard(view)
    page.buttons(paused, extras.ready, targets)
    if extras.flash is not None:
        # The whole page lights up; the clock stays readable on it, in the background colour.
        surface.fill(FLASH_COLOURS[extras.flash])
        surface.blit(fonts.render(view.clock_text, clock_cap, BACKGROUND), clock)
    return page.rects


def shortened(page: Page, text: str, cap_px: int, width_px: int) -> str:
    """``text``, cut short with an ellipsis if it would have to shrink below
    ``MIN_SHRINK`` of ``cap_px`` to fit ``width_px``: a long name stays readable."""
    smallest = max(1, int(cap_px * MIN_SHRINK))
    if page.fonts.fit_cap_px(text, cap_px, width_px) >= smallest:
        return text
    while len(text) > 1 and page.fonts.width_px(text + ELLIPSIS, smallest) > width_px:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def line(page: Page, text: str, cap_px: int, colour: tuple, width_px: int, middle_y: int,
         **x) -> pygame.Rect:
    """``text`` with its capitals centred on ``middle_y`` (a descender hangs
    below, so names line up), placed across by ``left=``, ``right=`` or
    ``centerx=``; cut short rather than shrunk out of reading."""
    text = shortened(page, text, cap_px, width_px)
    cap_px = page.fonts.fit_cap_px(text, cap_px, width_px)
    return page.text(text, cap_px, colour, width_px, top=middle_y - cap_px // 2, **x)


class _ChallengePage(Page):
    """Where each block of the challenge screen goes at this surface's size."""

    def __init__(self, surface: pygame.Surface, fonts: TextCache) -> None:
        super().__init__(surface, fonts)
        # A squarer window gives the clock more of its width: four digits at
        # the clock's height need about 2.6 heights.
        share = min(MAX_LEFT_SHARE, max(LEFT_SHARE, 1.05 * self.height / self.width))
        self.left_w = round(self.width * share) - self.margin_x
        self.right_x = self.margin_x + self.left_w + self.u(4)
        self.right_w = self.width - self.margin_x - self.right_x

    def kind_band(self, view: LiveView) -> None:
        """WORK, REST, PAUSED or GET READY on its colour, with the round on the right."""
        band = pygame.Rect(self.margin_x, self.u(10), self.left_w, self.u(14))
        fill, colour = BAND_COLOURS.get(view.banner, (PROMPT, TEXT))
        pygame.draw.rect(self.surface, fill, band, border_radius=self.u(1.5))
        pad = self.u(2.5)
        round_w = 0
        if view.round_text:
            shown = self.text(view.round_text, self.u(4.5), colour, band.width // 2 - pad,
                              midright=(band.right - pad, band.centery))
            round_w = shown.width + pad
        self.text(view.banner, self.u(9), colour, band.width - 2 * pad - round_w,
                  midleft=(band.left + pad, band.centery))

    def clock(self, clock_text: str, colour: tuple) -> tuple[pygame.Rect, int]:
        """The interval clock, as big as fits; its rect and cap height."""
        box = pygame.Rect(self.margin_x, self.u(27), self.left_w, self.u(CLOCK_PCT))
        cap = self.fonts.fit_cap_px(clock_text, self.u(CLOCK_PCT), box.width)
        return self.text(clock_text, cap, colour, box.width, center=box.center), cap

    def tiles(self, view: LiveView) -> None:
        """Who is on the mat (a relay), the reps of this interval and the total."""
        tiles = [("REPS", view.reps_text or "-"), ("TOTAL", "-" if view.total_reps is None
                                                    else str(view.total_reps))]
        if view.athlete_text:
            tiles.insert(0, ("ON THE MAT", view.athlete_text))
        gap = self.u(2)
        width = (self.left_w - gap * (len(tiles) - 1)) // len(tiles)
        if view.athlete_text:
            widths = [self.left_w - 2 * (width * 3 // 4) - 2 * gap] + [width * 3 // 4] * 2
        else:
            widths = [width] * len(tiles)
        left, top, height, pad = self.margin_x, self.u(72), self.u(15), self.u(1.5)
        for (label, value), tile_w in zip(tiles, widths):
            tile = pygame.Rect(left, top, tile_w, height)
            pygame.draw.rect(self.surface, TILE, tile, border_radius=self.u(1.5))
            shown = self.text(label, self.u(3), LABEL, tile_w - 2 * pad,
                              topleft=(tile.left + pad, tile.top + pad))
            value_box = pygame.Rect(tile.left + pad, shown.bottom + self.u(1), tile_w - 2 * pad,
                                    tile.bottom - pad - shown.bottom - self.u(1))
            line(self, value, min(self.u(8), value_box.height), TEXT, value_box.width,
                 value_box.centery, left=value_box.left)
            left += tile_w + gap

    def bottom_line(self, view: LiveView, confirming: bool, paused: bool) -> None:
        """Who is next, or what the coach's buttons do now."""
        box = pygame.Rect(self.margin_x, self.u(89), self.left_w, self.u(9))
        if confirming:
            pygame.draw.rect(self.surface, AMBER, box, border_radius=self.u(1.5))
            self.message("SELECT ends the challenge", box, self.u(4.5), ON_AMBER)
        elif paused:
            self.text("Paused: SELECT goes on", self.u(4.5), AMBER, box.width,
                      midleft=(box.left, box.centery))
        elif view.next_text:
            line(self, view.next_text, self.u(5), TEXT, box.width, box.centery, left=box.left)

    def leaderboard(self, view: LiveView) -> None:
        """The class's ranking so far, as many rows as fit; the athlete on the mat lit."""
        x, width = self.right_x, self.right_w
        self.text("LEADERBOARD", self.u(3.5), LABEL, width, topleft=(x, self.u(3)))
        step, row_h, pad = self.u(8.2), self.u(7.2), self.u(1.5)
        fits = max(1, (self.u(86) - self.u(10)) // step)
        for i, row in enumerate(top_rows(view.leaderboard, fits)):
            box = pygame.Rect(x, self.u(10) + i * step, width, row_h)
            pygame.draw.rect(self.surface, WORK_COLOUR if row.on_mat else TILE, box,
                             border_radius=self.u(1))
            colour = ON_AMBER if row.on_mat else TEXT
            cap = self.u(3.8)
            line(self, str(row.place), cap, colour, self.u(6), box.centery, left=box.left + pad)
            score_w = min(width // 3, self.fonts.width_px(row.score_text, cap))
            score = line(self, row.score_text, cap, colour, score_w, box.centery,
                         right=box.right - pad)
            name_left = box.left + pad + self.u(6)
            line(self, row.athlete, cap, colour, score.left - pad - name_left, box.centery,
                 left=name_left)

    def buttons(self, paused: bool, ready: bool, targets: dict | None) -> None:
        """PAUSE (or GO ON), SKIP and END, for the touch screen; END only before the start."""
        gap = self.u(1.5)
        width = (self.right_w - 2 * gap) // 3
        for i, (name, label) in enumerate(BUTTONS):
            if ready and name != "end":
                continue
            box = pygame.Rect(self.right_x + i * (width + gap), self.u(89), width, self.u(9))
            pygame.draw.rect(self.surface, TILE, box, border_radius=self.u(1.5))
            shown = "GO ON" if paused and name == "pause" else label
            self.text(shown, self.u(3.5), TEXT, box.width - 2 * self.u(1), center=box.center)
            if targets is not None:
                targets[name] = tuple(box)
