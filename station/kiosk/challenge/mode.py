"""Class challenges inside the kiosk: NEXT on the attract screen opens them.

While a challenge is being set up, runs or shows its results, the coach's
actions go to it (``ChallengeControl``) and its screens replace the kiosk's
own; the pipeline's reps go to its engine. Results are kept in the run's
session log as each interval finishes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import pygame

from station.challenge.board import clock_text, live_view, results_view
from station.challenge.definition import ONE, RELAY, Definition
from station.challenge.store import record_opener
from station.kiosk.challenge import live as challenge_live
from station.kiosk.challenge import results as challenge_results
from station.kiosk.challenge import setup as challenge_setup
from station.kiosk.challenge.control import ChallengeControl, presets
from station.kiosk.controls.actions import Action
from station.kiosk.draw.text import TextCache
from station.kiosk.flow import Screen


class ChallengeMode:
    """The kiosk's class challenges, around a ``ChallengeControl``.

    ``direct``: a challenge and its class to start at the first frame (``station
    run --challenge``), or None: the coach opens them with NEXT on the attract screen.

        mode = ChallengeMode(ChallengeControl(roster, config.timing, cues=cues))
        actions = mode.take(actions, now_s, flow.screen, targets)  # what is left for the flow
        if mode.active:
            rects = mode.render(page, now_s, fonts, targets)
    """

    def __init__(self, control: ChallengeControl,
                 direct: tuple[Definition, list[str]] | None = None,
                 on_athlete: Callable[[int | None, bool], None] | None = None) -> None:
        self.control = control
        self.direct = direct
        self.on_athlete = on_athlete
        self._told: tuple | None = None
        #: () -> the athlete's place in the room ("2nd of 8 in the room") or "":
        #: set by the class network (station/network/kiosk_hub.py).
        self.room: Callable[[], str] = str

    @property
    def active(self) -> bool:
        return self.control.active

    @property
    def running(self) -> bool:
        """Counting down to its start, or running."""
        return self.control.stage in ("ready", "running")

    def on_event(self, event) -> None:
        self.control.on_event(event)

    def home(self, now_s: float) -> None:
        self.control.home(now_s)
        self._follow_the_mat(now_s)

    def take(self, actions: list, now_s: float, screen: Screen, targets: dict) -> list:
        """Handle the actions that are the challenge's (all of them while it is
        active, NEXT on the attract screen to open it) and move it on to
        ``now_s``; returns the actions left for the kiosk's flow."""
        control = self.control
        if self.direct is not None:
            control.start_with(*self.direct, now_s)
            self.direct = None
        ours = [action for action in actions if action is not Action.EXIT]
        if not control.active and screen is Screen.ATTRACT and Action.NEXT in ours:
            control.open(now_s)
            ours = ours[ours.index(Action.NEXT) + 1:]
        elif not control.active:
            return actions
        for action in ours:
            control.act(action, now_s, targets)
        control.tick(now_s)
        self._follow_the_mat(now_s)
        return [action for action in actions if action is Action.EXIT]

    def _follow_the_mat(self, now_s: float) -> None:
        """Tell ``on_athlete`` who is on the mat whenever that changes: the
        athlete of the work interval, in a rest the one up next (they step on
        during it), before the start the first; (None, False) once it is over."""
        control = self.control
        athlete = None
        if control.stage == "ready":
            athlete = control.ticked[0][1]
        elif control.stage == "running" and control.engine.status in ("running", "paused"):
            state = control.engine.state(now_s)
            athlete = state.athlete or state.next_athlete
        ids = {name: athlete_id for athlete_id, name in control.ticked}
        told = (ids.get(athlete), True) if athlete is not None else (None, False)
        if told != self._told and self.on_athlete is not None:
            self.on_athlete(*told)
        self._told = told

    def render(self, surface: pygame.Surface, now_s: float, fonts: TextCache,
               targets: dict) -> list[pygame.Rect]:
        """Draw the challenge's screen for this moment; the rect of every text drawn."""
        control = self.control
        if control.stage in ("choose", "class"):
            heading = "CLASS CHALLENGE" if control.stage == "choose" else \
                f"{control.definition.title}: who takes part?"
            return challenge_setup.render(surface, heading, control.stage, control.rows(),
                                          control.highlighted, control.message, fonts, targets)
        if control.stage == "results":
            return challenge_results.render(surface, results_view(control.definition, control.finished),
                                            fonts)
        extras = challenge_live.Extras(
            one_athlete=control.ticked[0][1] if control.definition.athletes == ONE else "",
            confirming=control.confirming(now_s), flash=control.flashing(now_s),
            ready=control.stage == "ready", room=self.room())
        return challenge_live.render(surface, self.view(now_s), fonts, extras, targets)

    def view(self, now_s: float):
        """The running screen's view model; on the get-ready countdown, the
        seconds to the start and who goes first."""
        control = self.control
        view = live_view(control.definition, control.engine.state(now_s))
        if control.stage != "ready":
            return view
        first = control.ticked[0][1]
        return replace(view, clock_text=clock_text(control.starts_at_s - now_s),
                       next_text=f"First: {first}" if control.definition.athletes == RELAY else "")

    def shot_name(self, now_s: float) -> str:
        """What a screenshot of this frame shows, for its file name."""
        control = self.control
        if control.flashing(now_s):
            return "challenge-flash"
        if control.stage in ("choose", "class", "results", "ready"):
            return f"challenge-{control.stage}"
        if control.confirming(now_s):
            return "challenge-confirm"
        relay = "-relay" if control.definition.athletes == RELAY else ""
        status = control.engine.status
        word = {"paused": "paused", "over": "time"}.get(status) or control.engine.state(now_s).kind
        return f"challenge-{word}{relay}"


def attach(app, config, log, latency_s: float = 0.0,
           chosen: tuple[Definition, list[str]] | None = None) -> ChallengeMode:
    """Give the kiosk ``app`` class challenges: the class from ``log``'s roster,
    results kept in ``log`` (a ``RunLog``), beeps from ``app.cues``;
    ``chosen`` (from ``chosen_challenge``) starts at once."""
    shipped = presets()  # read once: they never change while the station runs

    def choices():  # the presets, then the challenge files of the sticks that are in
        return shipped + (app.usb.challenges() if app.usb is not None else [])
    control = ChallengeControl(lambda: [(a.id, a.name) for a in log.roster()], config.timing,
                               open_record=record_opener(log), cues=app.cues, choices=choices)
    control.latency_s = latency_s
    app.challenge = ChallengeMode(control, chosen, LogAthlete(log))
    return app.challenge


class LogAthlete:
    """Logs the sets of a challenge under the athlete whose turn it is, and
    gives the log back the kiosk's own pick when the challenge is over.

        follow = LogAthlete(run_log)
        follow(7, True)       # athlete 7 is on: their sets from now
        follow(None, False)   # over: who was picked before
    """

    def __init__(self, log) -> None:
        self.log = log
        self.before: int | None = None
        self.following = False

    def __call__(self, athlete_id: int | None, in_challenge: bool) -> None:
        if in_challenge and not self.following:
            self.before, self.following = self.log.athlete_id, True
        if in_challenge:
            self.log.athlete_id = athlete_id
        elif self.following:
            self.log.athlete_id, self.following = self.before, False
