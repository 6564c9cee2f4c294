"""The station's display: a window, or the whole screen on the kiosk."""

from __future__ import annotations

import pygame


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

    def show(self) -> None:
        """Put what was drawn on the surface on the screen."""
        pygame.display.flip()

    def close(self) -> None:
        pygame.display.quit()
