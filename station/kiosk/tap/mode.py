"""Tap-in inside the kiosk: taps from the reader, greetings, New tag, and the relay's hand-over.

Each frame takes the reader's taps. Outside a class challenge a tap goes to
tap-in (station.identity.tap_in), which picks who is up: the attract screen
names them and the log files their sets. The greeting shows as a banner at
the top of every screen, so it never covers a number of the live set; it is
drawn in the frame that takes the tap. In a running relay a tap of the
athlete who is next hands the mat to them: the interval running ends, and
the changeover too, so their turn starts at once.
"""

from __future__ import annotations

import pygame

from station.challenge.definition import RELAY
from station.kiosk.controls.actions import Action
from station.kiosk.draw.text import TextCache
from station.kiosk.flow import GUEST
from station.kiosk.tap import new_tag
from station.kiosk.tap.control import TapControl

GREETING = "greeting"


class TapMode:
    """The kiosk's taps, from ``taps`` (a station.identity.run_taps.RunTaps).

        mode = attach(app, taps)
        actions = mode.take(actions, now_s)   # in the frame, before the flow
        if mode.showing:
            rects = mode.render(page, fonts, targets)
    """

    def __init__(self, app, taps) -> None:
        self.app = app
        self.taps = taps
        self.control = TapControl(taps.tap_in)

    @property
    def showing(self) -> bool:
        return self.control.showing and not self._challenge_active

    @property
    def _challenge_active(self) -> bool:
        return self.app.challenge is not None and self.app.challenge.active

    def take(self, actions: list, now_s: float, targets: dict) -> list:
        """Handle this frame's taps and, while New tag shows, the presses;
        returns the actions left for the rest of the kiosk."""
        board, control = self.app.board, self.control
        for tag in self.taps.take():
            if self._challenge_active:
                self._relay(tag, now_s)
            else:
                control.tapped(self.taps.tap_in.tap(tag, now_s), now_s, board.on_mat)
        self.taps.tap_in.tick(now_s)
        control.tick(now_s, board.on_mat)
        self._show_greeting(now_s)
        if not self.showing:
            return actions
        for action in actions:
            if action is not Action.EXIT:
                control.act(action, now_s, targets)
        self._show_greeting(now_s)
        return [action for action in actions if action is Action.EXIT]

    def home(self) -> None:
        self.control.close()

    def render(self, surface: pygame.Surface, fonts: TextCache, targets: dict) -> list[pygame.Rect]:
        control = self.control
        return new_tag.render(surface, control.new_tag, [label for _, label in control.rows],
                              control.highlighted, control.message, fonts, targets)

    def on_change(self, athlete) -> None:
        """Who is up changed (a tap, a set's end after one, the idle time): the attract screen says so."""
        self.app.flow.athlete = (None, GUEST) if athlete is None else (athlete.id, athlete.name)

    def _show_greeting(self, now_s: float) -> None:
        banners = self.app.board.banners
        banners[:] = [banner for banner in banners if banner[0] != GREETING]
        text = self.control.greeting_at(now_s)
        if text is not None:
            banners.insert(0, (GREETING, text))

    def _relay(self, tag: str, now_s: float) -> None:
        """In a running relay, the next athlete's tap starts their turn now."""
        control = self.app.challenge.control
        athlete = self.taps.tap_in.roster.by_tag(tag)
        if athlete is None or control.stage != "running" or control.definition.athletes != RELAY:
            return
        state = control.engine.state(now_s)
        if athlete.name == state.athlete:
            self.control.greet(f"{athlete.name}, it is your turn already.", now_s)
            return
        if athlete.name != state.next_athlete:
            self.control.greet(f"{state.next_athlete} is next, not {athlete.name}.", now_s)
            return
        # A work interval, then the changeover's rest: at most two to end.
        for _ in range(2):
            control.act(Action.NEXT, now_s)
            if control.engine.state(now_s).athlete == athlete.name:
                break
        self.control.greet(f"{athlete.name}, the mat is yours!", now_s)


def attach(app, taps) -> TapMode:
    """Give the kiosk ``app`` tap-in from ``taps``: who is up follows taps, and a
    pick with the picker is the kiosk's own (a waiting tap is dropped)."""
    mode = TapMode(app, taps)
    app.tap = mode
    picked = app.flow.on_pick

    def on_pick(athlete_id, name):
        taps.tap_in.picked_by_hand()
        picked(athlete_id, name)
    app.flow.on_pick = on_pick
    return mode
