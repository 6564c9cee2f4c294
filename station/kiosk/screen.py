"""The station's display: a window or the whole screen, showing the live page."""

from __future__ import annotations

import math
import time
from typing import Callable

import pygame

from station.kiosk.board import LiveBoard
from station.kiosk.live import render
from station.kiosk.text import TextCache

__all__ = ["KioskScreen", "render"]

# Long enough to catch from the corner of an eye on landing, short enough to be
# over before the next rep (reps come about a second apart).
HIGHLIGHT_S = 0.5


class KioskScreen:
    """The station's display: a window, or the whole screen on the kiosk.

    ``size`` is the window's in pixels (None: the desktop's); ``fullscreen``
    takes the whole desktop and hides the pointer; ``clock_s`` gives the time in
    seconds that times the highlight of a new rep. Works with any SDL video
    driver, including ``dummy`` for tests and ``kmsdrm`` on a console.

        screen = KioskScreen((1280, 720))
        while not screen.poll():
            screen.draw(board)
    """

    def __init__(self, size: tuple[int, int] | None = (1280, 720), fullscreen: bool = False,
                 title: str = "Jump Mat Station", clock_s: Callable[[], float] = time.monotonic) -> None:
        pygame.display.init()
        pygame.font.init()
        flags = pygame.FULLSCREEN if fullscreen else 0
        self.surface = pygame.display.set_mode((0, 0) if fullscreen or size is None else size, flags)
        pygame.display.set_caption(title)
        if fullscreen:
            pygame.mouse.set_visible(False)
        self.fonts = TextCache()
        self._clock_s = clock_s
        self._seen_change = 0
        self._highlight_until_s = -math.inf

    def draw(self, board: LiveBoard) -> None:
        """Render one frame of ``board`` and show it."""
        now_s = self._clock_s()
        if board.last_rep_changed_at != self._seen_change:
            self._seen_change = board.last_rep_changed_at
            self._highlight_until_s = now_s + HIGHLIGHT_S
        render(self.surface, board, self.fonts, highlight=now_s < self._highlight_until_s)
        pygame.display.flip()

    def poll(self) -> bool:
        """Handle waiting window events; True when the user asked to quit."""
        quit_asked = False
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                quit_asked = True
            elif event.type == pygame.KEYDOWN and _is_quit_key(event):
                quit_asked = True
        return quit_asked

    def close(self) -> None:
        pygame.display.quit()


def _is_quit_key(event: pygame.event.Event) -> bool:
    """Escape, or Ctrl+Q."""
    return event.key == pygame.K_ESCAPE or (event.key == pygame.K_q and bool(event.mod & pygame.KMOD_CTRL))
