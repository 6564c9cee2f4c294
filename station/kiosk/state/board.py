"""What the screens show, kept up to date from the pipeline's events."""

from __future__ import annotations

from station.analysis.events import BodyWeight, Contact, Event, Fault, Flight, Landing, Rep, SetEnd, SetStart, Summary
from station.kiosk.state.advice import landing_cue
from station.kiosk.state.totals import RepBar, SetTotals, rep_bar
from station.kiosk.state.trace import ForceTrace
from station.readings import ForceBlock

#: Banner kinds, most urgent first: the order banners are drawn in.
BANNER_KINDS = ("device", "fault", "config", "log", "calibration", "disk", "greeting", "simulated")


class LiveBoard:
    """The state of every screen, built only from pipeline events and readings.

    Screens read it and never compute a metric themselves. ``simulated`` says
    the readings are made up (a banner says so); ``has_force`` that load cells
    weigh the athlete (the weigh-in screen shows); ``weigh_in_s`` is how long a
    weigh-in takes (``ForceRules.weigh_in_s``). Counts are for the current set;
    a ``SetEnd`` starts the next one and keeps the ended one as ``last_set``
    and its ``last_totals``. ``banners`` is a list of (kind, sentence) that
    any part of the station may add to or remove from (kinds: ``BANNER_KINDS``).

        board = LiveBoard(has_force=True)
        for event in pipeline_events:
            board.apply(event)
    """

    def __init__(self, simulated: bool = False, has_force: bool = False, weigh_in_s: float = 1.0) -> None:
        self.simulated = simulated
        self.has_force = has_force
        self.weigh_in_s = weigh_in_s
        self.set_number = 1
        self.valid_reps = 0
        self.invalid_reps = 0
        self.total_valid_reps = 0
        self.last_rep: Rep | None = None
        self.last_rep_changed_at = 0
        self.last_set: SetEnd | None = None
        self.last_totals: SetTotals | None = None
        self.on_mat = False
        self.set_start_s: float | None = None     # when the athlete on the mat stepped on
        self.jumped = False                       # the set has had a flight
        self.finished: Summary | None = None
        self.body_weight_n: float | None = None  # of the athlete on the mat now
        self.weighed_at_s: float | None = None
        self.landing: dict | None = None          # the last rated landing's metrics
        self.landing_changed_at = 0
        self.fault: Fault | None = None           # the latest sensor fault in force, if any
        self.faults: dict[str, Fault] = {}        # every sensor fault in force, by device
        self.device_problem: str | None = None    # a device unplugged or silent, from the loop
        self.banners: list[tuple[str, str]] = []
        self.trace = ForceTrace()
        self._set_reps: list[Rep] = []
        self._ratings: dict[int, str] = {}        # contact index -> rating, this set
        self._balances: dict[int, float] = {}     # contact index -> cop_left_pct, this set
        self._landing_contact: int | None = None

    @property
    def invalid_reason(self) -> str | None:
        """Why the last rep did not count, or None when it counted (or there is none)."""
        if self.last_rep is None or self.last_rep.valid:
            return None
        return self.last_rep.reason

    @property
    def rating(self) -> str | None:
        """The last landing's rating ("soft", "firm", "hard"), None before one."""
        return None if self.landing is None else self.landing["rating"]

    @property
    def cue(self) -> str | None:
        """What to change after a hard last landing (station.kiosk.state.advice), or None."""
        return landing_cue(self.landing)

    @property
    def bars(self) -> list[RepBar]:
        """A bar per rep of the set under way."""
        return [rep_bar(rep, self._ratings) for rep in self._set_reps]

    @property
    def shown_banners(self) -> list[tuple[str, str]]:
        """Every banner to show now, most urgent first."""
        shown = list(self.banners)
        if self.device_problem is not None:
            shown.append(("device", self.device_problem))
        shown += [("fault", fault.message) for fault in self.faults.values()]
        if self.simulated:
            shown.append(("simulated", "Simulated data: not a real athlete."))
        return sorted(shown, key=lambda banner: _urgency(banner[0]))

    def weigh_in_progress(self, now_s: float) -> float:
        """How far the weigh-in of the athlete on the mat has got, 0 to 1 (1 once weighed)."""
        if self.weighed_at_s is not None:
            return 1.0
        if self.set_start_s is None:
            return 0.0
        return min(1.0, max(0.0, (now_s - self.set_start_s) / self.weigh_in_s))

    def on_readings(self, readings: list) -> None:
        """Take a batch of raw readings: force blocks feed the force trace."""
        for reading in readings:
            if isinstance(reading, ForceBlock):
                self.trace.add(reading.time_s, reading.fz_n)

    def apply(self, event: Event) -> None:
        """Take one pipeline event into account."""
        match event:
            case Flight():
                self.on_mat = True
                self.jumped = True
            case Contact():
                self.on_mat = True
                if event.landing is not None:
                    self._take_landing(event.index, event.landing)
            case Landing():
                self._take_landing(event.contact_index, event.landing)
            case SetStart():
                self._start_set(event)
            case BodyWeight():
                self.body_weight_n = event.body_weight_n
                self.weighed_at_s = event.time_s
            case Fault():
                if event.active:
                    self.faults[event.device] = event
                else:
                    self.faults.pop(event.device, None)
                self.fault = next(reversed(self.faults.values()), None)
            case Rep():
                self._add_rep(event)
            case SetEnd():
                self._end_set(event)
            case Summary():
                self.finished = event
            case _:
                raise TypeError(f"not a pipeline event: {event!r}")

    def _start_set(self, event: SetStart) -> None:
        self.on_mat = True
        self.set_number = event.index
        self.set_start_s = event.start_s
        self.jumped = False
        self.body_weight_n = None  # maybe someone else: weighed afresh
        self.weighed_at_s = None
        self.landing = None

    def _take_landing(self, contact_index: int, landing: dict) -> None:
        """A rated landing lights the traffic light; its Contact, later, only confirms it."""
        if landing.get("cop_left_pct") is not None:
            self._balances[contact_index] = landing["cop_left_pct"]
        if landing.get("rating") is None:
            return
        self._ratings[contact_index] = landing["rating"]
        if contact_index == self._landing_contact and landing == self.landing:
            return
        if self._landing_contact is not None and contact_index < self._landing_contact:
            return  # an older contact's late copy: the newer landing stays shown
        self._landing_contact = contact_index
        self.landing = landing
        self.landing_changed_at += 1

    def _add_rep(self, rep: Rep) -> None:
        self.on_mat = True
        self.jumped = True
        self.last_rep = rep
        self.last_rep_changed_at += 1
        self._set_reps.append(rep)
        if rep.valid:
            self.valid_reps += 1
            self.total_valid_reps += 1
        else:
            self.invalid_reps += 1

    def _end_set(self, set_end: SetEnd) -> None:
        self.last_set = set_end
        self.last_totals = SetTotals.of(set_end, self._set_reps, self._ratings, self._balances)
        self.set_number = set_end.index + 1
        self.valid_reps = 0
        self.invalid_reps = 0
        self.last_rep = None
        self._set_reps = []
        self._ratings = {}
        self._balances = {}
        if set_end.ended_by == "step_off":
            self.on_mat = False


def _urgency(kind: str) -> int:
    return BANNER_KINDS.index(kind) if kind in BANNER_KINDS else len(BANNER_KINDS)
