"""Keys held down, on the session clock: Backspace held ``back_hold_s`` is
HOME, a SELECT key and a NEXT key held together ``calibrate_hold_s`` are
CALIBRATE, as the GPIO buttons held down are (station/kiosk/controls/buttons.py).

A key is held from the frame that takes its KEYDOWN until the frame that
takes its KEYUP; a key repeat's further KEYDOWNs (when SDL repeats keys)
change nothing. Each gesture fires once per hold, at the first frame at or
after its time: held 1.99 s of a 2 s hold does nothing, 2.0 s is HOME.

    holds = KeyHolds(back_hold_s=2.0, calibrate_hold_s=3.0)
    actions += holds.take(pygame.event.get(), now_s)      # once a frame
"""

from __future__ import annotations

import pygame

from station.kiosk.controls.actions import Action

_BACK_KEYS = frozenset({pygame.K_BACKSPACE})
_SELECT_KEYS = frozenset({pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE})
_NEXT_KEYS = frozenset({pygame.K_RIGHT, pygame.K_DOWN, pygame.K_TAB})


class KeyHolds:
    """HOME and CALIBRATE from keys held down, timed on the session clock."""

    def __init__(self, back_hold_s: float, calibrate_hold_s: float) -> None:
        self.back_hold_s = back_hold_s
        self.calibrate_hold_s = calibrate_hold_s
        self._down_s: dict[int, float] = {}   # key -> when it went down
        self._fired: set[Action] = set()     # the gestures this hold has made already

    def take(self, events: list[pygame.event.Event], now_s: float) -> list[Action]:
        """The gestures completed by ``now_s``, given this frame's events."""
        for event in events:
            if event.type == pygame.KEYDOWN:
                self._down_s.setdefault(event.key, now_s)
            elif event.type == pygame.KEYUP:
                self._down_s.pop(event.key, None)
                # Let go: the next hold may fire again, even if pressed in this same frame.
                self._fired.discard(Action.HOME if event.key in _BACK_KEYS else Action.CALIBRATE)
            elif event.type == pygame.WINDOWFOCUSLOST:
                self._down_s.clear()  # the window will not hear these keys go up
                self._fired.clear()
        back_s = self._held_s(_BACK_KEYS, now_s)
        chord_s = min(self._held_s(_SELECT_KEYS, now_s), self._held_s(_NEXT_KEYS, now_s))
        return [action for action, held_s, hold_s in ((Action.HOME, back_s, self.back_hold_s),
                                                      (Action.CALIBRATE, chord_s, self.calibrate_hold_s))
                if self._fires(action, held_s, hold_s)]

    def _held_s(self, keys: frozenset, now_s: float) -> float:
        """How long the longest-held of ``keys`` has been down; -1 when none is."""
        return max((now_s - down_s for key, down_s in self._down_s.items() if key in keys), default=-1.0)

    def _fires(self, action: Action, held_s: float, hold_s: float) -> bool:
        if held_s < hold_s or action in self._fired:
            return False
        self._fired.add(action)
        return True
