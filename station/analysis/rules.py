"""The timing rules that turn raw mat edges into phases and reps.

Every rule is a number here with its reason; docs/configuration.md lists them
for people. Boundaries are inclusive of the legal side: a flight of exactly
``min_flight_s`` is a jump, a flight of exactly ``step_off_s`` is a flight.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

#: Times closer than this are the same instant. Sources stamp to 1 µs at best
#: (8 µs for Chronopic), so a nanosecond only absorbs float rounding.
TIME_EPSILON_S = 1e-9


@dataclass(frozen=True)
class TimingRules:
    """Thresholds for bounce, minimum phases, stepping off and valid reps.

    bounce_s:
        A switch chatters for a few ms when it opens or closes. A change must
        hold for ``bounce_s`` to count; the time kept is its first edge.
    min_flight_s:
        A loss of contact shorter than this is not a jump (a foot rocking on
        the switch); the contacts on either side merge. Chronojump's and
        labanalysis' plausibility floors are 0.1 s; real backward jumps fly
        at least 0.15 s, so 80 ms keeps every real jump.
    min_contact_s:
        A contact shorter than this between two flights is bounce; the
        flights on either side merge. The fastest rebounds are about 0.1 s.
    step_off_s:
        Nobody on the mat for longer than this is stepping off, not a jump:
        it ends the set. The longest real flights are under 0.9 s.
    max_jump_flight_s:
        A flight longer than this (but not a step-off) is reported, but the
        rep holding it is invalid: no one jumps that high from a rebound.
    max_rebound_contact_s:
        The backward jump asks for an immediate jump forward; a rebound
        contact longer than this makes the rep invalid (a pause, not a rebound).
    stuck_contact_s:
        Without load cells, unbroken contact for this long raises a warning
        that the mat may be stuck closed (or someone is resting on it).
    """

    bounce_s: float = 0.005
    min_flight_s: float = 0.080
    min_contact_s: float = 0.050
    step_off_s: float = 1.5
    max_jump_flight_s: float = 0.9
    max_rebound_contact_s: float = 1.0
    stuck_contact_s: float = 120.0

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))

    def problems(self) -> list[str]:
        """Every way these rules contradict themselves, one sentence each."""
        found = []
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, (int, float)) or not value > 0:
                found.append(f"{field.name} must be a positive number of seconds, not {value!r}")
        if found:
            return found
        if self.bounce_s >= min(self.min_flight_s, self.min_contact_s):
            found.append("bounce_s must be shorter than min_flight_s and min_contact_s")
        if not self.min_flight_s < self.max_jump_flight_s <= self.step_off_s:
            found.append("min_flight_s < max_jump_flight_s <= step_off_s must hold")
        if self.max_rebound_contact_s < self.min_contact_s:
            found.append("max_rebound_contact_s must be at least min_contact_s")
        return found

    @classmethod
    def from_mapping(cls, values: dict) -> "TimingRules":
        """Rules from a config table; unknown keys are an error naming the key."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown timing rule {unknown[0]!r}; known rules: {', '.join(sorted(known))}")
        return cls(**values)
