"""The one pipeline: readings in, events out, live or offline alike.

``station run`` feeds it as readings arrive and calls ``advance`` as time
passes; ``station analyse`` feeds a whole recording at once. Because every
decision depends only on reading times, never on when the code ran, both
give the same events.
"""

from __future__ import annotations

from station.analysis.events import Contact, Event, Flight, SetEnd, SetStart, Summary
from station.analysis.mat import MatTracker
from station.analysis.phases import PhaseTracker, SetStarted, SteppedOff
from station.analysis.reps import RepAssembler
from station.analysis.rules import TimingRules
from station.readings import FRONT, ForceBlock, MatEdge, MatStart, Reading


class Pipeline:
    """Turns mat edges into contacts, flights, reps, set ends and a summary.

        pipeline = Pipeline(TimingRules())
        events = pipeline.start(source.start())
        events += pipeline.feed(source.read(float("inf")))
        events += pipeline.finish(source.end_s())
    """

    def __init__(self, rules: TimingRules | None = None) -> None:
        self.rules = rules or TimingRules()
        self._mat: MatTracker | None = None
        self._phases: PhaseTracker | None = None
        self._reps = RepAssembler(self.rules)
        self._start_s = 0.0
        self._set_start_s: float | None = None
        self._set_reps = self._set_valid_reps = 0
        self._sets = 0
        self._flights = 0

    def start(self, start: MatStart) -> list[Event]:
        self._start_s = start.time_s
        self._mat = MatTracker(start, self.rules.bounce_s)
        closed = self._mat.closed_zones()
        zone = closed[0] if len(closed) == 1 else (FRONT if FRONT in closed else None)
        self._phases = PhaseTracker(self.rules, start.time_s, bool(closed), zone)
        return self._open_set(start.time_s) if closed else []

    def feed(self, readings: list[Reading]) -> list[Event]:
        out = []
        for reading in readings:
            if isinstance(reading, MatEdge):
                for change in self._mat.feed(reading):
                    out += self._handle(self._phases.transition(change))
                out += self._handle(self._phases.advance(self._mat.settled_s))
            elif not isinstance(reading, ForceBlock):
                raise TypeError(f"not a reading: {reading!r}")
            # Force blocks carry landing forces; the mat alone times the phases.
        return out

    def advance(self, now_s: float) -> list[Event]:
        """Time has reached ``now_s`` with no new edge: settle what that decides."""
        out = []
        for change in self._mat.advance(now_s):
            out += self._handle(self._phases.transition(change))
        return out + self._handle(self._phases.advance(self._mat.settled_s))

    def finish(self, end_s: float, why: str = "the recording ended") -> list[Event]:
        """The data ends at ``end_s``: report what is still open, then the summary."""
        # A change in the last bounce window is judged by the level it kept up
        # to the end; phases still need their minimum within the data.
        out = []
        for change in self._mat.advance(end_s + 2 * self.rules.bounce_s):
            out += self._handle(self._phases.transition(change))
        out += self._handle(self._phases.finish(end_s))
        if self._set_start_s is not None:
            out += self._close_set(end_s, "end", why)
        summary = Summary(self._reps.count, self._reps.valid_count, self._flights,
                          end_s - self._start_s)
        return out + [summary]

    def _handle(self, items: list) -> list[Event]:
        out = []
        for item in items:
            if isinstance(item, Contact):
                self._reps.contact(item)
                out.append(item)
            elif isinstance(item, Flight):
                self._flights += 1
                out.append(item)
                out += self._count(self._reps.flight(item))
            elif isinstance(item, SteppedOff):
                out += self._close_set(item.time_s, "step_off", "stepped off")
            elif isinstance(item, SetStarted):
                out += self._open_set(item.time_s)
        return out

    def _open_set(self, time_s: float) -> list[Event]:
        self._set_start_s = time_s
        self._set_reps = self._set_valid_reps = 0
        self._sets += 1
        return [SetStart(self._sets, time_s)]

    def _close_set(self, end_s: float, ended_by: str, why: str) -> list[Event]:
        out = self._count(self._reps.end_set(why))
        out.append(SetEnd(self._sets, self._set_start_s, end_s, self._set_reps,
                          self._set_valid_reps, ended_by))
        self._set_start_s = None
        return out

    def _count(self, reps: list) -> list:
        for rep in reps:
            self._set_reps += 1
            self._set_valid_reps += rep.valid
        return reps


def analyse(source, rules: TimingRules | None = None) -> list[Event]:
    """Every event of a finite source (a recording), as one list."""
    pipeline = Pipeline(rules)
    events = pipeline.start(source.start())
    events += pipeline.feed(source.read(float("inf")))
    return events + pipeline.finish(source.end_s())
