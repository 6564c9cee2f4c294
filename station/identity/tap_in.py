"""Who is up, from taps: pure, on the session clock.

- A tap of a known tag picks that athlete for the sets that follow, until
  another tap or ``idle_s`` without activity (a tap, a set starting or
  ending, a rep), after which nobody is picked.
- A tap during a set takes effect when that set ends, never mid-set: the set
  stays with whoever started it. (The athlete who is up tapping again changes
  nothing, and drops a tap of someone else waiting for the set's end.)
- A tap of an unknown tag is handed on (the kiosk opens "New tag"; a headless
  run reports it) and picks nobody.

``now_s`` and every event time are seconds on the session timeline, so a
fake clock drives it in tests and ``--speed 10`` runs the idle time ten
times faster, like every other duration of the kiosk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from station.analysis.events import Rep, SetEnd, SetStart
from station.identity.tags import normalise_tag
from station.log.athletes import Athlete

KNOWN, PENDING, UNKNOWN = "picked", "after the set", "unknown"


@dataclass(frozen=True, slots=True)
class TapEvent:
    """A tap on the tag reader at session time ``time_s``: ``tag`` (normalised),
    the ``athlete`` it belongs to (None: unknown), and ``outcome``: "picked"
    (now), "after the set" (when the set on the mat ends) or "unknown"."""

    time_s: float
    tag: str
    athlete: Athlete | None
    outcome: str

    def to_json(self) -> dict:
        return {"type": "tap", "time_s": round(self.time_s, 6), "tag": self.tag,
                "athlete": None if self.athlete is None else self.athlete.name,
                "athlete_id": None if self.athlete is None else self.athlete.id,
                "outcome": self.outcome}


class TapIn:
    """Decides who is up from taps and the pipeline's set events.

    ``roster``: a station.identity.roster.Roster. ``on_change(athlete)`` is
    told every change of who is up (None: nobody); ``idle_s``: see above.

        tap_in = TapIn(LocalRoster(conn), idle_s=600, on_change=print)
        tap_in.on_event(event)                  # every pipeline event, after the log has it
        tap_event = tap_in.tap("4A2B1", now_s)  # a tap from the reader
        tap_in.tick(now_s)                      # each step: the idle time
    """

    def __init__(self, roster, idle_s: float = 600.0,
                 on_change: Callable[[Athlete | None], None] = lambda athlete: None) -> None:
        self.roster = roster
        self.idle_s = idle_s
        self.on_change = on_change
        self.up: Athlete | None = None
        self.pending: Athlete | None = None
        self.in_set = False
        self._active_s = -math.inf

    def tap(self, tag: str, now_s: float) -> TapEvent:
        """A tap of ``tag`` (normalised here too) at ``now_s``: who it picks and when."""
        tag = normalise_tag(tag) or tag
        self._active_s = now_s
        athlete = self.roster.by_tag(tag)
        if athlete is None:
            return TapEvent(now_s, tag, None, UNKNOWN)
        if self.in_set and (self.up is None or self.up.id != athlete.id):
            self.pending = athlete
            return TapEvent(now_s, tag, athlete, PENDING)
        self.pending = None
        if self.up is None or self.up.id != athlete.id:
            self._set_up(athlete)
        return TapEvent(now_s, tag, athlete, KNOWN)

    def picked_by_hand(self) -> None:
        """Someone was picked with the kiosk's picker: a tap waiting for the
        set's end is dropped, and the pick is not a tap's, so no idle time ends it."""
        self.pending = None
        self.up = None

    def on_event(self, event) -> None:
        """A pipeline event: sets hold taps back, and every set and rep is activity."""
        if isinstance(event, SetStart):
            self.in_set = True
            self._active_s = max(self._active_s, event.start_s)
        elif isinstance(event, SetEnd):
            self.in_set = False
            self._active_s = max(self._active_s, event.end_s)
            if self.pending is not None:
                athlete, self.pending = self.pending, None
                self._set_up(athlete)
        elif isinstance(event, Rep):
            self._active_s = max(self._active_s, _rep_time_s(event, self._active_s))

    def tick(self, now_s: float) -> None:
        """Nobody is up once ``idle_s`` passed without activity (never during a set)."""
        if self.up is not None and not self.in_set and now_s - self._active_s >= self.idle_s:
            self._set_up(None)

    def _set_up(self, athlete: Athlete | None) -> None:
        self.up = athlete
        self.on_change(athlete)


def _rep_time_s(rep: Rep, otherwise_s: float) -> float:
    flight = rep.forward_flight or rep.back_flight
    return otherwise_s if flight is None else flight.landing_s
