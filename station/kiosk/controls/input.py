"""Keys, clicks and touches as the kiosk's actions.

Return and Space select; Right, Down and Tab move on; Left, Up and Backspace
go back; a mouse click or a finger lifted off the touch screen is a tap. Only
the configured exit combination leaves the kiosk: not Escape, which a
passer-by on a keyboard would find first, and not the window's close button
when it fills the screen. A window on a desktop still closes with its button.
"""

from __future__ import annotations

import pygame

from station.kiosk.controls.actions import Action, Tap

_KEYS = {
    pygame.K_RETURN: Action.SELECT, pygame.K_KP_ENTER: Action.SELECT, pygame.K_SPACE: Action.SELECT,
    pygame.K_RIGHT: Action.NEXT, pygame.K_DOWN: Action.NEXT, pygame.K_TAB: Action.NEXT,
    pygame.K_LEFT: Action.BACK, pygame.K_UP: Action.BACK, pygame.K_BACKSPACE: Action.BACK,
}
_MODIFIERS = {"ctrl": pygame.KMOD_CTRL, "shift": pygame.KMOD_SHIFT, "alt": pygame.KMOD_ALT}


class KeyMap:
    """Turns pygame events into actions.

    ``exit_combo`` is ``KioskConfig.exit_combo`` (modifiers, key); ``fullscreen``
    says the window's close button must not end the kiosk; ``size`` is the
    window's, to place touches given as fractions of it.

        keys = KeyMap(config.kiosk.exit_combo, fullscreen=True, size=(800, 480))
        actions = keys.actions(pygame.event.get())
    """

    def __init__(self, exit_combo: tuple[frozenset[str], str], fullscreen: bool, size: tuple[int, int]) -> None:
        modifiers, key = exit_combo
        self._exit_key = pygame.key.key_code(key)
        self._exit_mods = [_MODIFIERS[name] for name in modifiers]
        self._fullscreen = fullscreen
        self._size = size

    def actions(self, events: list[pygame.event.Event]) -> list:
        """The actions in ``events``, in order; other events are ignored."""
        actions = []
        for event in events:
            action = self._action(event)
            if action is not None:
                actions.append(action)
        return actions

    def _action(self, event: pygame.event.Event):
        if event.type == pygame.KEYDOWN:
            return Action.EXIT if self._is_exit(event) else _KEYS.get(event.key)
        # SDL copies each touch as a mouse click (``touch`` set): the FINGERUP is the tap.
        touch = getattr(event, "touch", False)
        if event.type == pygame.MOUSEBUTTONUP and event.button == pygame.BUTTON_LEFT and not touch:
            return Tap(*event.pos)
        if event.type == pygame.FINGERUP:
            width, height = self._size
            return Tap(min(width - 1, int(event.x * width)), min(height - 1, int(event.y * height)))
        if event.type == pygame.QUIT and not self._fullscreen:
            return Action.EXIT
        return None

    def _is_exit(self, event: pygame.event.Event) -> bool:
        """The exit key with every modifier of the combination held (left or right)."""
        return event.key == self._exit_key and all(event.mod & mod for mod in self._exit_mods)
