"""Contacts and flights -> reps of the backward jump.

A rep is a back flight, the rebound contact after it, and the forward flight
after that. Where the mat measures direction (two zones), a flight landing on
the back is a backward jump and one landing on the front a forward jump. On a
one-zone mat directions are not measured: from a standing start the jumps
alternate, backward first.

Anything that does not make a whole rep still becomes a rep, marked invalid
with a plain reason, so the count is never silently wrong.
"""

from __future__ import annotations

from station.analysis.events import Contact, Flight, Rep
from station.analysis.rules import TIME_EPSILON_S, TimingRules

BACKWARD, FORWARD = "backward", "forward"


class RepAssembler:
    """Feed contacts and flights in time order; get reps as they complete.

        reps = RepAssembler(TimingRules())
        reps.contact(front); reps.flight(back_jump)        # -> []
        reps.contact(rebound); reps.flight(forward_jump)   # -> [Rep(index=1, ...)]
    """

    def __init__(self, rules: TimingRules) -> None:
        self.rules = rules
        self.count = 0
        self.valid_count = 0
        self.set_index = 1
        self._back: Flight | None = None     # a backward jump waiting for its return
        self._rebound: Contact | None = None

    def contact(self, contact: Contact) -> None:
        if self._back is not None and self._rebound is None:
            self._rebound = contact

    def flight(self, flight: Flight) -> list[Rep]:
        direction = flight.direction or (FORWARD if self._back is not None else BACKWARD)
        if direction == FORWARD:
            if self._back is None:
                return [self._rep(None, None, flight,
                                  "jumped forward without a backward jump before it")]
            rep = self._rep(self._back, self._rebound, flight, self._problem())
            self._back = self._rebound = None
            return [rep]
        out = []
        if self._back is not None:
            out.append(self._rep(self._back, self._rebound, None,
                                 "jumped backward again instead of forward to the start"))
        self._back, self._rebound = flight, None
        return out

    def end_set(self, why: str) -> list[Rep]:
        """The set ends (``why`` finishes "... before the jump forward")."""
        out = []
        if self._back is not None:
            out.append(self._rep(self._back, self._rebound, None,
                                 f"{why} before the jump forward to the start"))
        self._back = self._rebound = None
        self.set_index += 1
        return out

    def _problem(self) -> str | None:
        displacement_m = self._back.displacement_m
        if displacement_m is not None and displacement_m < 0:
            return (f"the backward jump landed {-displacement_m * 100:.0f} cm in front of "
                    "its take-off; jump backward")
        rebound = self._rebound
        if rebound is not None and rebound.duration_s > self.rules.max_rebound_contact_s + TIME_EPSILON_S:
            return (f"paused {rebound.duration_s:.2f} s on landing; jump forward at once "
                    f"(at most {self.rules.max_rebound_contact_s:.2f} s)")
        return None

    def _rep(self, back, rebound, forward, reason: str | None) -> Rep:
        for flight in (back, forward):
            if reason is None and flight is not None and \
                    flight.duration_s > self.rules.max_jump_flight_s + TIME_EPSILON_S:
                reason = (f"a flight of {flight.duration_s:.2f} s is longer than any jump "
                          f"(at most {self.rules.max_jump_flight_s:.2f} s)")
        self.count += 1
        valid = reason is None
        self.valid_count += valid
        return Rep(self.count, self.set_index, back, rebound, forward, valid, reason)
