"""Take-offs and touchdowns from force alone, moved to the unloaded level.

The plate's provisional edges (contact.py) go through the mat's debounce and
minimum-phase rules, so each flight the phases believe is a real one; then
its take-off and touchdown move to where the force crosses that flight's own
unloaded level (edges.py). A flight is reported only once its landing is
believed, when its whole flight is in the buffer, so this costs no latency.
The level of a stretch longer than ``step_off_s`` (a step-off, or the empty
plate before a step on) comes from its first ``step_off_s`` for the take-off
and from its last for the touchdown.

Refined times are remembered by their provisional ones, so every event that
carries the same moment (the contact before a flight, the flight, the
contact after it, its landing) carries the same refined time.
"""

from __future__ import annotations

from station.analysis.force.buffer import ForceBuffer
from station.analysis.force.contact import GAP_PERIODS
from station.analysis.force.edges import first_rise_s, last_fall_s, middle_bounds_s, stretch_level_n
from station.analysis.force.rules import ForceRules

#: How many refined times are remembered (a set's worth and more).
REMEMBER = 64


class EdgeRefiner:
    """Refined edge times of a force-only timeline.

        refiner = EdgeRefiner(ForceRules(), buffer, step_off_s=1.5)
        takeoff_s, landing_s = refiner.flight(takeoff_s, landing_s)
        refiner.time(provisional_s)   # the refined time, if it was refined
    """

    def __init__(self, rules: ForceRules, buffer: ForceBuffer, step_off_s: float) -> None:
        self.rules = rules
        self.step_off_s = step_off_s
        self._buffer = buffer
        self._refined: dict[float, float] = {}

    def time(self, provisional_s: float | None) -> float | None:
        if provisional_s is None:
            return None
        return self._refined.get(provisional_s, provisional_s)

    def flight(self, takeoff_s: float, landing_s: float) -> tuple[float, float]:
        """Both edges of a flight, from its own level."""
        if landing_s >= takeoff_s + self.step_off_s:
            return self.takeoff(takeoff_s), self.touchdown(takeoff_s, landing_s)
        level_n = self._level_n(takeoff_s, landing_s)
        first_s, last_s = middle_bounds_s(takeoff_s, landing_s, self.rules)
        return (self._remember(takeoff_s, self._fall_s(takeoff_s, first_s, level_n)),
                self._remember(landing_s, self._rise_s(landing_s, last_s, level_n)))

    def takeoff(self, takeoff_s: float) -> float:
        """A take-off with no landing after it (yet): its level from the
        stretch's first step_off_s, or as much of it as there is."""
        if takeoff_s in self._refined:
            return self._refined[takeoff_s]
        end_s = min(takeoff_s + self.step_off_s, self._buffer.horizon_s)
        if end_s <= takeoff_s:
            return takeoff_s
        level_n = self._level_n(takeoff_s, end_s)
        first_s, _ = middle_bounds_s(takeoff_s, end_s, self.rules)
        return self._remember(takeoff_s, self._fall_s(takeoff_s, first_s, level_n))

    def touchdown(self, since_s: float, touchdown_s: float) -> float:
        """A touchdown onto a plate empty since ``since_s``: its level from the
        last step_off_s of that stretch."""
        if touchdown_s in self._refined:
            return self._refined[touchdown_s]
        start_s = max(since_s, touchdown_s - self.step_off_s)
        level_n = self._level_n(start_s, touchdown_s)
        _, last_s = middle_bounds_s(start_s, touchdown_s, self.rules)
        return self._remember(touchdown_s, self._rise_s(touchdown_s, last_s, level_n))

    @property
    def _gap_s(self) -> float:
        return GAP_PERIODS * self._buffer.period_s

    def _level_n(self, start_s: float, end_s: float) -> float | None:
        _, fz_n, _ = self._buffer.between(start_s, end_s)
        return stretch_level_n(fz_n, self.rules)

    def _fall_s(self, takeoff_s: float, until_s: float, level_n: float | None) -> float:
        if level_n is None:
            return takeoff_s
        time_s, fz_n, _ = self._buffer.between(takeoff_s - self._gap_s, until_s)
        fall_s = last_fall_s(time_s, fz_n, level_n, until_s, self._gap_s)
        return takeoff_s if fall_s is None else max(takeoff_s, fall_s)

    def _rise_s(self, touchdown_s: float, since_s: float, level_n: float | None) -> float:
        if level_n is None:
            return touchdown_s
        time_s, fz_n, _ = self._buffer.between(since_s - self._gap_s, touchdown_s + self._gap_s)
        rise_s = first_rise_s(time_s, fz_n, level_n, since_s, self._gap_s)
        return touchdown_s if rise_s is None else min(touchdown_s, rise_s)

    def _remember(self, provisional_s: float, refined_s: float) -> float:
        self._refined[provisional_s] = refined_s
        while len(self._refined) > REMEMBER:
            self._refined.pop(next(iter(self._refined)))
        return refined_s
