"""A challenge under ``station run --headless --challenge NAME``: JSON lines out.

The challenge starts at once, when the run starts (the athlete is already on
the mat, or steps on while the first interval's clock runs, as in a class),
and the run ends when the challenge's ranking is out. Every pipeline event is
printed as usual; of the challenge's own events, each finished interval
("interval") and the ranking ("ranking") are printed (docs/json-output.md).
A run that ends first (Ctrl-C, --duration, the end of a replay) aborts the
challenge with what was done; either way the run's summary is the last line.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from typing import Callable

from station.analysis.events import Rep, Summary
from station.analysis.rules import TimingRules
from station.app import StationLoop
from station.challenge.definition import Definition, load_challenge
from station.challenge.engine import ChallengeEngine, settle_time_s
from station.challenge.events import ChallengeFinished
from station.challenge.roster import class_roster, parse_class
from station.challenge.scores import IntervalResult
from station.errors import UserError

LOG = logging.getLogger("station")

PRINTED = (IntervalResult, ChallengeFinished)


def chosen_challenge(challenge: str | None, class_names: str | None) -> tuple[Definition, list[str]] | None:
    """The challenge and roster of ``--challenge`` and ``--class``, checked
    before any hardware is opened; None without ``--challenge``."""
    if challenge is None:
        if class_names is not None:
            raise UserError("--class names the athletes of a challenge; add --challenge NAME.")
        return None
    definition = load_challenge(challenge)
    names = None if class_names is None else parse_class(class_names)
    roster = class_roster(definition, names)
    definition.plan(len(roster))  # a plan too big for the roster is the user's to fix
    return definition, roster


class HeadlessChallenge:
    """Feeds the pipeline's reps to a challenge engine and prints what matters.

    emit:
        prints one event (``station.commands.arguments.print_json``).

        challenge = HeadlessChallenge(load_challenge("tabata"), ["Ann"], rules, print_json)
        loop = StationLoop(source, pipeline, challenge.on_event, speed=20)
        drive(loop, stop, challenge.stepper(loop, stop, 0.01))   # starts the challenge
    """

    def __init__(self, definition: Definition, roster: list[str], rules: TimingRules,
                 emit: Callable, open_record: Callable | None = None) -> None:
        self.definition, self.roster, self.rules, self.emit = definition, roster, rules, emit
        self.engine: ChallengeEngine | None = None
        self.loop: StationLoop | None = None
        #: ``open_record(definition, roster)`` -> a ChallengeRecord keeping the
        #: results in the session log, or None (no log).
        self.open_record = open_record
        self.record = None

    @property
    def finished(self) -> bool:
        return self.engine is not None and self.engine.status == "finished"

    def stepper(self, loop: StationLoop, stop: threading.Event,
                sleep_s: float) -> Callable[[], None]:
        """Start the challenge at the start of the run; the returned function,
        called between the loop's steps, moves it on and asks the run to stop
        once the ranking is out."""
        self.loop = loop
        self.engine = ChallengeEngine(self.definition, self.roster,
                                      settle_time_s(self.rules, loop.latency_s))
        if self.open_record is not None:
            self.record = self.open_record(self.definition, self.roster)
        self._print(self.engine.start(loop.start_s))

        def between_steps() -> None:
            self._print(self.engine.tick(loop.now_s))
            if self.finished:
                stop.set()
            elif not loop.behind:  # behind its clock, it goes on as fast as it can
                time.sleep(sleep_s)
        return between_steps

    def on_event(self, event) -> None:
        if self.engine is not None and isinstance(event, Summary) and not self.finished:
            # The run ended first: the ranking of what was done, before the summary.
            self._print(self.engine.abort(self.loop.now_s))
        self.emit(event)
        if self.engine is not None and isinstance(event, Rep):
            self._print(self.engine.rep(event))

    def _print(self, events: list) -> None:
        if self.record is not None:  # kept before it is printed, like every event
            self._keep(events)
        for event in events:
            if isinstance(event, PRINTED):
                self.emit(event)

    def _keep(self, events: list) -> None:
        try:
            self.record.on_events(events)
        except sqlite3.Error as error:
            LOG.warning("The challenge's results could not be saved in the session log (%s); "
                        "the challenge goes on, and its results are still printed.", error)
            self.record = None
