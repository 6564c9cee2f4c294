"""What the pipeline tells the rest of the station: phases, reps and summaries.

Each event knows its JSON form; that form is the public contract documented in
docs/json-output.md. Indexes count from 1 in the order the phases happened.
Times are seconds on the source's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

G_M_PER_S2 = 9.81


def jump_height_m(flight_s: float) -> float:
    """Jump height from flight time, h = g·t²/8 (rise and fall take t/2 each)."""
    return G_M_PER_S2 * flight_s * flight_s / 8.0


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def _time(value: float | None) -> float | None:
    """Times go out to the microsecond: finer than any source we read."""
    return _round(value, 6)


@dataclass(frozen=True, slots=True)
class Contact:
    """Time on the mat between two flights (or at either end of a set).

    ``start_s`` is None when the recording began during this contact, or the
    athlete stepped on (no landing); ``end_s`` is None when the set ended
    during it. ``landed`` says the contact began with a landing from a flight.
    """

    index: int
    start_s: float | None
    end_s: float | None
    zone: str | None
    landed: bool
    rsi: float | None = None
    landing: dict | None = None

    @property
    def duration_s(self) -> float | None:
        if self.start_s is None or self.end_s is None:
            return None
        return self.end_s - self.start_s

    def to_json(self) -> dict:
        return {
            "type": "contact",
            "index": self.index,
            "start_s": _time(self.start_s),
            "end_s": _time(self.end_s),
            "duration_s": _time(self.duration_s),
            "zone": self.zone if self.zone in ("front", "back") else None,
            "landing": self.landing,
            "rsi": _round(self.rsi, 4),
        }


@dataclass(frozen=True, slots=True)
class Landing:
    """A landing's force metrics, as soon as they are final: ``landing_window_s``
    after touchdown (or at take-off, if that comes first). The contact it
    begins is reported later, when it ends, with the same ``landing``; this
    early copy is what lets the screen rate a landing while the athlete is
    still on the mat. ``contact_index`` is that contact's index.

    ``late``: the landing came before its set had a body weight, and is
    reported again, rated, once the set was weighed; it replaces the
    unrated copy (and the contact's ``landing``, if that was reported).
    """

    set_index: int
    contact_index: int
    touchdown_s: float
    landing: dict
    late: bool = False

    def to_json(self) -> dict:
        return {"type": "landing", "set": self.set_index, "contact": self.contact_index,
                "touchdown_s": _time(self.touchdown_s), "landing": self.landing, "late": self.late}


@dataclass(frozen=True, slots=True)
class Flight:
    """Time in the air between a take-off and a landing on the mat.

    ``direction`` is "backward" or "forward" when the mat's zones or the
    plate's centre of pressure measured it, None when it is unknown (a
    one-zone mat without load cells, or a jump in place).
    ``displacement_m`` is how far back the feet landed from where they took
    off, from the centre of pressure (negative: forward); None without it.
    """

    index: int
    takeoff_s: float
    landing_s: float
    direction: str | None
    displacement_m: float | None = None

    @property
    def duration_s(self) -> float:
        return self.landing_s - self.takeoff_s

    @property
    def height_m(self) -> float:
        return jump_height_m(self.duration_s)

    def to_json(self) -> dict:
        return {
            "type": "flight",
            "index": self.index,
            "takeoff_s": _time(self.takeoff_s),
            "landing_s": _time(self.landing_s),
            "duration_s": _time(self.duration_s),
            "height_m": _round(self.height_m, 5),
            "direction": self.direction,
            "displacement_m": _round(self.displacement_m, 3),
        }


@dataclass(frozen=True, slots=True)
class Rep:
    """One backward jump: back flight, rebound contact, forward flight.

    An invalid rep keeps whatever parts it has (the others are None) and says
    why in ``reason``, so a count is never silently wrong.
    """

    index: int
    set_index: int
    back_flight: Flight | None
    rebound_contact: Contact | None
    forward_flight: Flight | None
    valid: bool
    reason: str | None
    #: The rebound's RSI fell more than fatigue_drop_share below the set's best (coaching.py).
    fatigue: bool = False

    @property
    def height_m(self) -> float | None:
        """The rep's jump height: that of its forward jump, the one that rebounds."""
        return None if self.forward_flight is None else self.forward_flight.height_m

    def to_json(self) -> dict:
        def index(part):
            return None if part is None else part.index

        def duration(part):
            return None if part is None else _time(part.duration_s)

        return {
            "type": "rep",
            "index": self.index,
            "set": self.set_index,
            "back_flight": index(self.back_flight),
            "rebound_contact": index(self.rebound_contact),
            "forward_flight": index(self.forward_flight),
            "back_flight_s": duration(self.back_flight),
            "rebound_contact_s": duration(self.rebound_contact),
            "forward_flight_s": duration(self.forward_flight),
            "valid": self.valid,
            "reason": self.reason,
            "fatigue": self.fatigue,
        }


@dataclass(frozen=True, slots=True)
class SetStart:
    """Someone is on the mat: the data began with them standing on it, or they
    stepped on (a contact held ``min_contact_s`` after nobody was there)."""

    index: int
    start_s: float

    def to_json(self) -> dict:
        return {"type": "set_start", "index": self.index, "start_s": _time(self.start_s)}


@dataclass(frozen=True, slots=True)
class SetEnd:
    """A set is over: the athlete stepped off, or the recording or run ended."""

    index: int
    start_s: float
    end_s: float
    reps: int
    valid_reps: int
    ended_by: str  # "step_off" or "end"
    body_weight_n: float | None = None

    def to_json(self) -> dict:
        return {
            "type": "set",
            "index": self.index,
            "start_s": _time(self.start_s),
            "end_s": _time(self.end_s),
            "reps": self.reps,
            "valid_reps": self.valid_reps,
            "ended_by": self.ended_by,
            "body_weight_n": _round(self.body_weight_n, 1),
        }


@dataclass(frozen=True, slots=True)
class BodyWeight:
    """A set's athlete was weighed: the first quiet second of the set."""

    set_index: int
    time_s: float
    body_weight_n: float

    def to_json(self) -> dict:
        return {"type": "body_weight", "set": self.set_index, "time_s": _time(self.time_s),
                "body_weight_n": _round(self.body_weight_n, 1)}


@dataclass(frozen=True, slots=True)
class Fault:
    """A sensor is misbehaving (``active``), or is fine again; ``message`` says
    what to do in one sentence."""

    time_s: float
    device: str
    active: bool
    message: str

    def to_json(self) -> dict:
        return {"type": "fault", "time_s": _time(self.time_s), "device": self.device,
                "active": self.active, "message": self.message}


@dataclass(frozen=True, slots=True)
class Summary:
    """Totals for everything analysed, the last line of every analysis."""

    reps: int
    valid_reps: int
    flights: int
    duration_s: float
    body_weight_n: float | None = None

    def to_json(self) -> dict:
        return {
            "type": "summary",
            "reps": self.reps,
            "valid_reps": self.valid_reps,
            "flights": self.flights,
            "duration_s": _time(self.duration_s),
            "body_weight_n": _round(self.body_weight_n, 1),
        }


Event = Contact | Landing | Flight | Rep | SetStart | SetEnd | BodyWeight | Fault | Summary
