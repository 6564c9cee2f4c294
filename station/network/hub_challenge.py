"""A class challenge started by the hub, run headless on this station's own
challenge engine (docs/network.md, "Commands to a station").

``challenge_start`` gives a wall-clock start: the station turns it into a
moment of its session timeline, waits (its get-ready countdown) and starts
the engine exactly there, so every station's first work interval begins at
the same wall-clock time. A command whose start has passed is not run. Each
finished work interval is kept in the session log with the hub's challenge
id, which puts it in the outbox as a ``challenge_round``.

JSON lines (docs/json-output.md): ``hub_challenge`` when a command is taken
or refused and when the challenge ends; ``interval_start`` for every interval
with ``started_unix_s``, the wall-clock time the station began it; then the
usual ``interval`` and ``ranking`` lines.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from dataclasses import dataclass
from typing import Callable

from station.analysis.events import Rep, Summary
from station.analysis.rules import TimingRules
from station.challenge.definition import parse_definition
from station.challenge.engine import ChallengeEngine, settle_time_s
from station.challenge.events import ChallengeFinished, IntervalStarted
from station.challenge.scores import IntervalResult
from station.errors import UserError

LOG = logging.getLogger("station")

CONTROLS = ("challenge_pause", "challenge_resume", "challenge_skip", "challenge_abort")


@dataclass(frozen=True)
class HubChallengeNote:
    """A line about a hub challenge: "scheduled", "refused" (with why),
    "finished" or "aborted"."""

    challenge: str | None
    state: str
    name: str | None = None
    athlete: str | None = None
    start_at_unix_s: float | None = None
    why: str | None = None

    def to_json(self) -> dict:
        return {"type": "hub_challenge", "challenge": self.challenge, "state": self.state,
                "name": self.name, "athlete": self.athlete,
                "start_at_unix_s": self.start_at_unix_s, "why": self.why}


@dataclass(frozen=True)
class HubIntervalStarted:
    """An ``interval_start`` of a hub challenge: ``started_unix_s`` the wall-clock
    time of its start on the session timeline (which reps count is decided on
    that timeline), ``shown_unix_s`` the wall clock when the station's main
    loop began it (the step's start, before anything was written): at most
    a step later."""

    challenge: str
    started: IntervalStarted
    started_unix_s: float
    shown_unix_s: float

    def to_json(self) -> dict:
        return {**self.started.to_json(), "challenge": self.challenge,
                "started_unix_s": round(self.started_unix_s, 6),
                "shown_unix_s": round(self.shown_unix_s, 6)}


def start_note(command: dict) -> dict:
    """The keys of a ``hub_challenge`` line about a ``challenge_start``."""
    challenge_id, athlete = command.get("challenge"), command.get("athlete")
    start_at = command.get("start_at_unix_s")
    return dict(challenge=challenge_id if isinstance(challenge_id, str) else None,
                athlete=athlete if isinstance(athlete, str) else None,
                start_at_unix_s=start_at if isinstance(start_at, (int, float))
                and not isinstance(start_at, bool) and math.isfinite(start_at) else None)


def checked_start(command: dict, now_unix_s: float):
    """(the challenge's Definition, None), or (None, why it is not run)."""
    note = start_note(command)
    if None in note.values():
        return None, "the command lacks its challenge, athlete or start_at_unix_s"
    if note["start_at_unix_s"] <= now_unix_s:
        return None, "its start time has passed"
    try:
        definition = parse_definition(command.get("definition") or {}, "from the hub")
        definition.plan(1)
    except (UserError, ValueError, TypeError, AttributeError) as error:
        return None, str(error)
    return definition, None


def refuse(emit, note: dict, why: str) -> None:
    LOG.warning("the hub's challenge %s is not run: %s.", note["challenge"], why)
    emit(HubChallengeNote(state="refused", why=why, **note))


def session_time_of(unix_s: float, loop, now_unix_s: float) -> float:
    """Where a wall-clock moment falls on the run's session timeline."""
    return loop.session_time_s() + (unix_s - now_unix_s) * loop.speed


class HubChallenge:
    """Runs the hub's challenges between the loop's steps.

    emit: prints one event (``print_json``).
    open_record: ``(definition, {name: id}, hub_challenge=ID)`` -> a ChallengeRecord, or None.
    roster: () -> {name: athletes.id} of the station's roster.
    on_athlete: ``(athletes.id or None, in_challenge)``: who the log's sets are for.

        hub = HubChallenge(config.timing, print_json, open_record)
        loop = StationLoop(source, pipeline, log.showing(hub.on_event))
        hub.command(command, loop)           # challenge_start, _pause, ...
        hub.step(loop)                       # between steps
    """

    def __init__(self, rules: TimingRules, emit: Callable, open_record: Callable | None = None,
                 roster: Callable[[], dict] = dict, on_athlete: Callable | None = None,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.rules, self.emit, self.open_record = rules, emit, open_record
        self.roster, self.on_athlete, self.wall_clock = roster, on_athlete, wall_clock
        self.challenge_id: str | None = None
        self.engine: ChallengeEngine | None = None
        self.start_s: float | None = None  # session time of the first interval
        self.started = False
        self.record = None
        self.athlete: str | None = None
        self.loop = None
        self._due: list[tuple[float, str]] = []  # (session time, "pause" | ...) to come

    @property
    def busy(self) -> bool:
        return self.engine is not None

    def on_event(self, event) -> None:
        if isinstance(event, Summary) and self.busy:
            self.finish(self.loop)  # the run ends first: what was done, before the summary
        self.emit(event)
        if self.started and isinstance(event, Rep):
            self._out(self.engine.rep(event))

    def command(self, command: dict, loop) -> None:
        self.loop = loop
        name = command.get("cmd")
        if name == "challenge_start":
            self._start(command, loop)
        elif name in CONTROLS and self.busy and command.get("challenge") == self.challenge_id:
            self._control(name, command.get("at_unix_s"), loop)

    def step(self, loop) -> None:
        if self.engine is None:
            return
        # The step's moment on both clocks, read before anything is written:
        # when the station really began what this step begins.
        moment = (self.wall_clock(), loop.session_time_s())
        # Before the start only an abort means anything (a pause of nothing is dropped).
        self._act_due(loop.now_s if self.started else min(loop.now_s, self.start_s))
        if self.engine is None:
            return
        if not self.started and loop.now_s >= self.start_s:
            self.started = True
            self._begin()
            self._out(self.engine.start(self.start_s), moment)
        elif self.started:
            self._out(self.engine.tick(loop.now_s), moment)

    # -- commands ----------------------------------------------------------

    def _start(self, command: dict, loop) -> None:
        note = start_note(command)
        definition, why = checked_start(command, self.wall_clock())
        if why is None and self.busy:
            why = f"challenge {self.challenge_id} is still running here"
        if why is None:
            try:
                engine = ChallengeEngine(definition, [note["athlete"]],
                                         settle_time_s(self.rules, loop.latency_s))
            except ValueError as error:
                why = str(error)
        if why is not None:
            refuse(self.emit, note, why)
            return
        self.challenge_id, self.engine, self.athlete = note["challenge"], engine, note["athlete"]
        self.start_s = session_time_of(command["start_at_unix_s"], loop, self.wall_clock())
        self.started = False
        self.emit(HubChallengeNote(state="scheduled", name=definition.name, **note))

    def _control(self, name: str, at_unix_s, loop) -> None:
        action, at_s = name.removeprefix("challenge_"), loop.now_s
        if isinstance(at_unix_s, (int, float)) and math.isfinite(at_unix_s):
            # The hub's moment on this timeline, so every mat acts at the same
            # instant: one to come waits for it (even if the challenge has not
            # started yet), one past is done now.
            at_s = session_time_of(at_unix_s, loop, self.wall_clock())
        self._due.append((at_s, action))
        self._due.sort(key=lambda due: due[0])
        self._act_due(loop.now_s)

    def _act_due(self, now_s: float) -> None:
        while self.engine is not None and self._due and self._due[0][0] <= now_s:
            at_s, action = self._due.pop(0)
            if self.started:
                # Never before what the engine has done already.
                self._out(getattr(self.engine, action)(max(at_s, self.engine.now_s)))
            elif action == "abort":
                self._end("aborted")

    # -- running -----------------------------------------------------------

    def _begin(self) -> None:
        ids = self.roster()
        if self.on_athlete is not None:
            self.on_athlete(ids.get(self.athlete), True)
        if self.open_record is not None:
            self.record = self.open_record(self.engine.definition, ids,
                                           hub_challenge=self.challenge_id)

    def _out(self, events: list, moment: tuple[float, float] | None = None) -> None:
        """Keep and print ``events``; ``moment``: (wall clock, session time)
        of the step that made them (default: now)."""
        if self.record is not None:  # kept (and so in the outbox) before it is printed
            try:
                self.record.on_events(events)
            except sqlite3.Error as error:
                LOG.warning("The challenge's rounds could not be saved in the session log (%s); "
                            "the challenge goes on, and its results are still printed.", error)
                self.record = None
        now_unix_s, now_s = moment or (self.wall_clock(), self.loop.session_time_s())
        for event in events:
            if isinstance(event, IntervalStarted):
                started_unix_s = now_unix_s - (now_s - event.time_s) / self.loop.speed
                self.emit(HubIntervalStarted(self.challenge_id, event, started_unix_s, now_unix_s))
            elif isinstance(event, (IntervalResult, ChallengeFinished)):
                self.emit(event)
            if isinstance(event, ChallengeFinished):
                self._end(event.ended_by)

    def _end(self, how: str) -> None:
        self.emit(HubChallengeNote(self.challenge_id, how, self.engine.definition.name, self.athlete))
        if self.started and self.on_athlete is not None:
            self.on_athlete(None, False)
        self.challenge_id = self.engine = self.start_s = self.record = self.athlete = None
        self.started, self._due = False, []

    def finish(self, loop) -> None:
        """The run ends: a challenge still going is aborted with what was done."""
        if self.started:
            self._out(self.engine.abort(loop.now_s))
        elif self.engine is not None:
            self._end("aborted")
