"""The coach's control of a class challenge on the kiosk: pure, no pygame, no clock.

``now_s`` is the session time, as for the rest of the kiosk, so tests drive it
with a fake clock. The stages, in order:

- "choose": the challenges; NEXT and BACK move, SELECT picks, "Back" leaves.
- "class": who takes part. SELECT on a name ticks it (a relay runs in the
  order names were ticked) or unticks it; a one-athlete challenge keeps one
  tick. Guests are "Guest 1", "Guest 2"...; "Start" starts when the class fits.
- "ready": a ``GET_READY_S`` countdown, beeping 3-2-1, then the challenge.
- "running": SELECT pauses and resumes, NEXT skips to the next interval,
  BACK asks "end the challenge?": only SELECT within ``CONFIRM_S`` ends it,
  so one stray press never does. (BACK then SELECT on the get-ready
  countdown cancels the challenge.)
- BACK held (``home``) ends whatever stage as BACK then SELECT would, and
  closes the screens at once (a running challenge's results are kept).
- "results": until SELECT or a tap; then the kiosk is back to its own screens.

The lists close by themselves after ``SETUP_IDLE_S`` untouched.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Callable

from station.analysis.events import Rep
from station.analysis.rules import TimingRules
from station.challenge.definition import ONE, RELAY, Definition, load_challenge, preset_names
from station.challenge.engine import COUNTDOWN_S, ChallengeEngine, settle_time_s
from station.challenge.events import ChallengeFinished, Countdown, IntervalStarted
from station.challenge.roster import MAX_CLASS
from station.errors import UserError
from station.kiosk.controls.actions import Action, Tap, in_list
from station.kiosk.controls.actions import hit as tapped_target

LOG = logging.getLogger("station")

#: Time to get the first athlete onto the mat after START.
GET_READY_S = 10.0
#: How long "end the challenge?" waits for SELECT.
CONFIRM_S = 5.0
#: A list left alone this long was opened by mistake.
SETUP_IDLE_S = 60.0
#: A flash short enough not to hide the clock, long enough to catch from the mat.
FLASH_S = 0.3
#: Leaderboards and lists name a relay's athletes; a class needs at least two.
RELAY_MIN = 2


@dataclass(frozen=True)
class Row:
    """One line of a setup list: ``kind`` "challenge", "start", "athlete",
    "guest" or "back"; ``tick`` its place in the class (1, 2...) or None.

        Row("athlete", "Ann", athlete_id=7, tick=1)   # Ann, ticked first
    """

    kind: str
    label: str
    athlete_id: int | None = None
    tick: int | None = None


def presets() -> list[Definition]:
    """The challenges shipped with the station, in name order."""
    return [load_challenge(name) for name in preset_names()]


class ChallengeControl:
    """A class challenge run from the kiosk's controls.

    roster:
        ``() -> [(athlete_id, name)]``, the athletes who can take part.
    rules:
        the ``[timing]`` rules, for the results' settle time.
    open_record:
        ``(definition, {name: athlete_id}) -> ChallengeRecord | None``: where
        results are kept as each interval finishes (None: nowhere).
    cues:
        ``countdown(n)`` and ``go()`` beeps (station.kiosk.sound.Cues), or None.

        control = ChallengeControl(lambda: [(7, "Ann")], TimingRules())
        control.open(0.0)                      # the list of challenges
        control.act(Action.SELECT, 1.0)        # picks the first
    """

    def __init__(self, roster: Callable[[], list[tuple[int, str]]], rules: TimingRules,
                 open_record: Callable = lambda definition, ids: None, cues=None,
                 choices: Callable[[], list[Definition]] = presets) -> None:
        self.roster, self.rules, self.open_record, self.cues = roster, rules, open_record, cues
        self.choices = choices
        self.latency_s = 0.0
        self.stage = "off"
        self.definitions: list[Definition] = []
        self.definition: Definition | None = None
        self.ticked: list[tuple[int | None, str]] = []
        self.highlighted = 0
        self.message = ""
        self.engine: ChallengeEngine | None = None
        self.finished: ChallengeFinished | None = None
        self.record = None
        self.starts_at_s: float | None = None
        self.confirm_until_s: float | None = None
        self.flash: tuple[float, str] | None = None  # (until when, "count" | "work" | "rest")
        self._touched_s = 0.0
        self._beeps: list[int] = []

    @property
    def active(self) -> bool:
        return self.stage != "off"

    # -- getting a challenge going -------------------------------------------

    def open(self, now_s: float) -> None:
        """Show the list of challenges."""
        self.definitions = self.choices()
        self._enter("choose", now_s)

    def start_with(self, definition: Definition, names: list[str], now_s: float) -> None:
        """Straight to the get-ready countdown of ``definition`` for ``names``
        (roster names get their ids; others run as guests)."""
        ids = {name: athlete_id for athlete_id, name in self.roster()}
        self.definition = definition
        self.ticked = [(ids.get(name), name) for name in names]
        self._get_ready(now_s)

    def rows(self) -> list[Row]:
        """The lines of the list on screen ("choose" and "class" stages)."""
        if self.stage == "choose":
            return [Row("challenge", d.title) for d in self.definitions] + [Row("back", "Back")]
        if self.stage != "class":
            return []
        order = {name: n for n, (_, name) in enumerate(self.ticked, 1)}
        people = [Row("athlete", name, athlete_id, order.get(name)) for athlete_id, name in self.roster()]
        taken = {row.label for row in people}
        guests = [name for athlete_id, name in self.ticked if athlete_id is None and name not in taken]
        spare = next(f"Guest {n}" for n in range(1, MAX_CLASS + 2)
                     if f"Guest {n}" not in guests and f"Guest {n}" not in taken)
        people += [Row("guest", name, None, order.get(name)) for name in [*guests, spare]]
        return [Row("start", self._start_label()), *people, Row("back", "Back")]

    def _start_label(self) -> str:
        n = len(self.ticked)
        return f"START with {n} athlete{'s' * (n != 1)}" if n else "START"

    # -- the controls ------------------------------------------------------

    def act(self, action, now_s: float, targets: dict | None = None) -> None:
        """Handle one action (``Action`` or ``Tap``; ``targets``: name -> box on screen)."""
        self._touched_s = now_s
        hit = tapped_target(action, targets or {})
        if self.stage in ("choose", "class"):
            self._list_act(action, targets, now_s)
        elif self.stage in ("ready", "running"):
            self._run_act(action, hit, now_s)
        elif self.stage == "results" and (action is Action.SELECT or isinstance(action, Tap)):
            self.stage = "off"

    def _list_act(self, action, targets: dict | None, now_s: float) -> None:
        rows = self.rows()
        self.highlighted, chosen = in_list(action, self.highlighted, len(rows), targets)
        if chosen is not None:
            self._choose(rows[chosen], chosen, now_s)

    def _choose(self, row: Row, index: int, now_s: float) -> None:
        self.message = ""
        if row.kind == "back":
            self._enter("choose" if self.stage == "class" else "off", now_s)
            if self.stage == "choose":
                self.highlighted = self.definitions.index(self.definition)
        elif row.kind == "challenge":
            self.definition, self.ticked = self.definitions[index], []
            self._enter("class", now_s)
        elif row.kind == "start":
            self._start_if_fits(now_s)
        else:
            self._tick(row)

    def _tick(self, row: Row) -> None:
        chosen = (row.athlete_id, row.label)
        if chosen in self.ticked:
            self.ticked.remove(chosen)
        elif self.definition.athletes == ONE:
            self.ticked = [chosen]
        elif len(self.ticked) >= MAX_CLASS:
            self.message = f"At most {MAX_CLASS} athletes fit one challenge."
        else:
            self.ticked.append(chosen)

    def _start_if_fits(self, now_s: float) -> None:
        relay = self.definition.athletes == RELAY
        if relay and len(self.ticked) < RELAY_MIN:
            self.message = f"Tick at least {RELAY_MIN} athletes for a relay."
        elif not relay and len(self.ticked) != 1:
            self.message = "Tick the athlete who takes the challenge."
        else:
            try:
                self.definition.plan(len(self.ticked))
            except UserError as error:
                self.message = str(error)
                return
            self._get_ready(now_s)

    def _run_act(self, action, hit: str | None, now_s: float) -> None:
        confirming = self.confirm_until_s is not None and now_s < self.confirm_until_s
        self.confirm_until_s = None
        if confirming:
            if action is Action.SELECT or hit == "end":
                self._end(now_s)
        elif action is Action.BACK or hit == "end":
            self.confirm_until_s = now_s + CONFIRM_S
        elif self.stage == "running" and (action is Action.SELECT or hit == "pause"):
            pause = self.engine.pause if self.engine.status == "running" else self.engine.resume
            self._handle(pause(now_s))
        elif self.stage == "running" and (action is Action.NEXT or hit == "skip"):
            self._handle(self.engine.skip(now_s))

    def home(self, now_s: float) -> None:
        """Back to the kiosk's own screens: a list or the results close, the
        countdown is cancelled, a running challenge ends (aborted, its
        results kept, as BACK then SELECT ends it)."""
        if self.stage == "running":
            self._handle(self.engine.abort(now_s))
        self.stage, self.confirm_until_s = "off", None

    def remote(self, what: str, at_s: float) -> None:
        """The hub's "pause", "resume", "skip" or "abort" for the whole class, at ``at_s``."""
        if self.stage == "ready" and what == "abort":
            self.stage = "off"
        elif self.stage == "running":
            self._handle(getattr(self.engine, what)(at_s))

    def _end(self, now_s: float) -> None:
        if self.stage == "ready":
            self.stage = "off"
        else:
            self._handle(self.engine.abort(now_s))

    # -- time and reps -------------------------------------------------------

    def tick(self, now_s: float) -> None:
        """Move on to ``now_s``: beeps, the start, intervals, results."""
        if self.stage in ("choose", "class") and now_s - self._touched_s > SETUP_IDLE_S:
            self.stage = "off"
        elif self.stage == "ready":
            self._ready_tick(now_s)
        elif self.stage == "running":
            self._handle(self.engine.tick(now_s))

    def on_event(self, event) -> None:
        """A pipeline event: reps count into the running challenge."""
        if self.stage == "running" and isinstance(event, Rep):
            self._handle(self.engine.rep(event))

    def _get_ready(self, now_s: float) -> None:
        self.engine = ChallengeEngine(self.definition, [name for _, name in self.ticked],
                                      settle_time_s(self.rules, self.latency_s))
        self.starts_at_s = now_s + GET_READY_S
        self._beeps = list(COUNTDOWN_S)
        self.finished, self.record, self.confirm_until_s = None, None, None
        self.stage = "ready"

    def _ready_tick(self, now_s: float) -> None:
        while self._beeps and now_s >= self.starts_at_s - self._beeps[0]:
            seconds_left = self._beeps.pop(0)
            self._beep("countdown", seconds_left)
            self.flash = (self.starts_at_s - seconds_left + FLASH_S, "count")
        if now_s >= self.starts_at_s:
            self.stage = "running"
            self.record = self._open_record()
            self._handle(self.engine.start(self.starts_at_s))
            self._handle(self.engine.tick(now_s))

    def _open_record(self):
        ids = {name: athlete_id for athlete_id, name in self.ticked if athlete_id is not None}
        try:
            return self.open_record(self.definition, ids)
        except sqlite3.Error as error:
            LOG.warning("the challenge is not kept in the session log (%s).", error)
            return None

    def _handle(self, events: list) -> None:
        """Keep, sound and show what the engine says."""
        self._keep(events)
        for event in events:
            if isinstance(event, Countdown):
                self._beep("countdown", event.seconds_left)
                self.flash = (event.time_s + FLASH_S, "count")
            elif isinstance(event, IntervalStarted):
                self._beep("go")
                self.flash = (event.time_s + FLASH_S, event.kind)
            elif isinstance(event, ChallengeFinished):
                self.finished, self.stage = event, "results"

    def _keep(self, events: list) -> None:
        if self.record is None:
            return
        try:
            self.record.on_events(events)
        except sqlite3.Error as error:
            # The challenge goes on without the log: the class is mid-interval.
            LOG.warning("the challenge's results could not be kept (%s); it goes on.", error)
            self.record = None

    def _beep(self, cue: str, n: int | None = None) -> None:
        if self.cues is None:
            return
        if cue == "countdown":
            self.cues.countdown(n)
        else:
            self.cues.go()

    def flashing(self, now_s: float) -> str | None:
        """What the screen flashes for now ("count", "work", "rest"), or None."""
        if self.flash is None or now_s >= self.flash[0] or self.stage not in ("ready", "running"):
            return None
        return self.flash[1]

    def confirming(self, now_s: float) -> bool:
        return self.confirm_until_s is not None and now_s < self.confirm_until_s

    def _enter(self, stage: str, now_s: float) -> None:
        self.stage, self.highlighted, self.message, self._touched_s = stage, 0, "", now_s
