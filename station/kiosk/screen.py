"""The station's display: a window, or the whole screen on the kiosk."""

from __future__ import annotations

import os

import pygame

# On X11, SDL puts a window's surface on the screen through an OpenGL texture
# when it can; with Mesa's software OpenGL (no GPU, e.g. Xvfb) that costs
# 12 ms of CPU a 1080p frame, and it uploads the whole window even for a small
# update. X11's own shared-memory images cost 0.4 ms for the whole window
# (benchmarks/present_paths.py, docs/kiosk.md "Speed").
_FRAMEBUFFER_HINT = "SDL_FRAMEBUFFER_ACCELERATION"


class KioskScreen:
    """A window of ``size`` pixels (None: the desktop's), or with ``fullscreen``
    the whole desktop with the pointer hidden. Works with any SDL video driver,
    including ``dummy`` for tests and ``kmsdrm`` on a console.

        screen = KioskScreen((1280, 720))
        draw(screen.surface)
        screen.show()
    """

    def __init__(self, size: tuple[int, int] | None = (1280, 720), fullscreen: bool = False,
                 title: str = "Jump Mat Station") -> None:
        pygame.display.init()
        if pygame.display.get_driver() == "x11":
            os.environ.setdefault(_FRAMEBUFFER_HINT, "0")  # read when set_mode makes the window's surface
        pygame.font.init()
        flags = pygame.FULLSCREEN if fullscreen else 0
        self.fullscreen = fullscreen
        self.surface = pygame.display.set_mode((0, 0) if fullscreen or size is None else size, flags)
        pygame.display.set_caption(title)
        if fullscreen:
            pygame.mouse.set_visible(False)

    @property
    def size(self) -> tuple[int, int]:
        return self.surface.get_size()

    def events(self) -> list[pygame.event.Event]:
        """The window's events since the last call."""
        return pygame.event.get()

    def show(self, rects: list[pygame.Rect] | None = None) -> None:
        """Put what was drawn on the surface on the screen: all of it, or only ``rects``."""
        if rects is None:
            pygame.display.flip()
        elif rects:
            pygame.display.update(rects)

    def close(self) -> None:
        pygame.display.quit()
