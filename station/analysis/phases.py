"""Whole-mat transitions -> contacts, flights, and the ends of sets.

A change of phase is only believed once the new phase has lasted its minimum
(``min_flight_s`` in the air, ``min_contact_s`` on the mat). A shorter one is
undone and the phases on either side merge, so a rocking foot or a bounce on
landing never makes a jump. Nobody on the mat for longer than ``step_off_s``
is a step-off: the set ends at the take-off.

A contact is reported together with the flight that follows it, because its
RSI needs that flight's height; a contact that ends the data or a set is
reported then.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.analysis.events import Contact, Flight, jump_height_m
from station.analysis.mat import Transition
from station.analysis.rules import TIME_EPSILON_S, TimingRules
from station.readings import BACK, FRONT

CONTACT, FLIGHT, OFF = "contact", "flight", "off"
DIRECTION_BY_LANDING_ZONE = {BACK: "backward", FRONT: "forward"}


@dataclass(frozen=True, slots=True)
class SetStarted:
    time_s: float


@dataclass(frozen=True, slots=True)
class SteppedOff:
    """Nobody came back within ``step_off_s``: the set ended at ``time_s``."""

    time_s: float


@dataclass(slots=True)
class _Phase:
    kind: str
    start_s: float | None  # None: it was going on when the data started
    zone: str | None       # contacts: the zone landed or stood on
    landed: bool = False   # contacts: began with a landing from a flight


class PhaseTracker:
    """Feeds on transitions and time; returns Contact, Flight, SetStarted and
    SteppedOff in time order.

        phases = PhaseTracker(TimingRules(), start_s=0.0, contact=True, zone="front")
        phases.transition(Transition(1.0, False, None))   # take-off: not yet sure
        phases.advance(1.2)                               # 0.2 s in the air: a flight
    """

    def __init__(self, rules: TimingRules, start_s: float, contact: bool, zone: str | None) -> None:
        self.rules = rules
        self._phase = _Phase(CONTACT, None, zone) if contact else _Phase(OFF, start_s, None)
        self._tentative: Transition | None = None
        self._contact_before: Contact | None = None  # ended, waiting for its flight
        self._contacts = 0
        self._flights = 0

    def transition(self, change: Transition) -> list:
        out = self.advance(change.time_s)
        if self._tentative is not None:
            # Back to the current phase before the new one lasted its minimum.
            self._tentative = None
        else:
            self._tentative = change
        return out

    @property
    def open_landing(self) -> tuple[int, float, float | None] | None:
        """The landing of the contact going on, or of a landing waiting to be
        believed: the index its contact will have, its touchdown time, and the
        time of a take-off from it that is waiting to be believed (else None)."""
        phase, change = self._phase, self._tentative
        if phase.kind == CONTACT and phase.landed:
            return self._contacts + 1, phase.start_s, None if change is None else change.time_s
        if phase.kind == FLIGHT and change is not None and change.contact:
            return self._contacts + 1, change.time_s, None
        return None

    @property
    def in_flight(self) -> bool:
        return self._phase.kind == FLIGHT

    @property
    def settled(self) -> tuple[bool, bool] | None:
        """(in a set, in contact) once no change waits to be believed; None while one does."""
        if self._tentative is not None:
            return None
        return self._phase.kind != OFF, self._phase.kind == CONTACT

    def end_contact(self, time_s: float) -> list:
        """The contact going on ends at ``time_s`` with nobody there: a step-off.

        For a contact another sensor says was not real (a mat stuck closed
        while the plate was empty); only with no change waiting.
        """
        if self._phase.kind != CONTACT or self._tentative is not None:
            raise ValueError("only a settled contact can be ended")
        self._contact_before = self._contact(self._phase, time_s)
        return self._step_off(time_s)

    def advance(self, now_s: float) -> list:
        # Step-off is checked before and after a change is believed: a landing
        # later than step_off_s after the take-off is a step back on, and a
        # take-off believed only now may already be a step-off.
        out = self._check_step_off(now_s)
        change = self._tentative
        if change is not None and now_s - change.time_s >= self._minimum(change) - TIME_EPSILON_S:
            self._tentative = None
            out += self._begin(change)
            out += self._check_step_off(now_s)
        return out

    def _check_step_off(self, now_s: float) -> list:
        phase = self._phase
        if phase.kind != FLIGHT:
            return []
        # An unconfirmed landing bounds the flight; if it is undone, time goes on.
        air_until_s = now_s if self._tentative is None else self._tentative.time_s
        if air_until_s - phase.start_s > self.rules.step_off_s + TIME_EPSILON_S:
            return self._step_off(phase.start_s)
        return []

    def finish(self, end_s: float) -> list:
        """The data ends: report the contact going on, drop a flight in the air.

        A change younger than its minimum at the end is not believed.
        """
        out = self.advance(end_s)
        self._tentative = None
        if self._contact_before is not None:
            out.append(self._contact_before)  # took off and never landed
            self._contact_before = None
        if self._phase.kind == CONTACT:
            out.append(self._contact(self._phase, None))
        self._phase = _Phase(OFF, end_s, None)
        return out

    def _minimum(self, change: Transition) -> float:
        return self.rules.min_contact_s if change.contact else self.rules.min_flight_s

    def _begin(self, change: Transition) -> list:
        out = []
        phase = self._phase
        if change.contact:
            if phase.kind == FLIGHT:
                flight = self._flight(phase.start_s, change.time_s, change.zone)
                out += [self._contact_with_rsi(flight), flight]
                self._phase = _Phase(CONTACT, change.time_s, change.zone, landed=True)
            else:  # stepping on after being off the mat
                out.append(SetStarted(change.time_s))
                self._phase = _Phase(CONTACT, change.time_s, change.zone)
        else:
            self._contact_before = self._contact(phase, change.time_s)
            self._phase = _Phase(FLIGHT, change.time_s, None)
        return out

    def _step_off(self, takeoff_s: float) -> list:
        out = [self._contact_before, SteppedOff(takeoff_s)]
        self._contact_before = None
        self._phase = _Phase(OFF, takeoff_s, None)
        return out

    def _contact(self, phase: _Phase, end_s: float | None) -> Contact:
        self._contacts += 1
        return Contact(self._contacts, phase.start_s, end_s, phase.zone, phase.landed)

    def _contact_with_rsi(self, flight: Flight) -> Contact:
        contact, self._contact_before = self._contact_before, None
        if contact.landed and contact.duration_s:
            rsi = jump_height_m(flight.duration_s) / contact.duration_s
            contact = Contact(contact.index, contact.start_s, contact.end_s, contact.zone,
                              contact.landed, rsi=rsi)
        return contact

    def _flight(self, takeoff_s: float, landing_s: float, zone: str | None) -> Flight:
        self._flights += 1
        return Flight(self._flights, takeoff_s, landing_s, DIRECTION_BY_LANDING_ZONE.get(zone))
