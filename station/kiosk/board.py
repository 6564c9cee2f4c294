"""What the live screen shows, kept up to date from the pipeline's events."""

from __future__ import annotations

from station.analysis.events import BodyWeight, Contact, Event, Fault, Flight, Rep, SetEnd, SetStart, Summary


class LiveBoard:
    """The state of the live screen, built only from pipeline events.

    Screens read it and never compute a metric themselves. ``simulated`` says
    the readings are made up (the screen shows it). Counts are for the current
    set; a ``SetEnd`` starts the next one and is kept as ``last_set``.

        board = LiveBoard()
        for event in pipeline_events:
            board.apply(event)
    """

    def __init__(self, simulated: bool = False) -> None:
        self.simulated = simulated
        self.set_number = 1
        self.valid_reps = 0
        self.invalid_reps = 0
        self.total_valid_reps = 0
        self.last_rep: Rep | None = None
        self.last_rep_changed_at = 0
        self.last_set: SetEnd | None = None
        self.on_mat = False
        self.finished: Summary | None = None
        self.body_weight_n: float | None = None  # of the athlete on the mat now
        self.fault: Fault | None = None           # the sensor fault in force, if any
        self.device_problem: str | None = None    # a device unplugged or silent, from the loop

    @property
    def invalid_reason(self) -> str | None:
        """Why the last rep did not count, or None when it counted (or there is none)."""
        if self.last_rep is None or self.last_rep.valid:
            return None
        return self.last_rep.reason

    def apply(self, event: Event) -> None:
        """Take one pipeline event into account."""
        match event:
            case Contact() | Flight():
                self.on_mat = True
            case SetStart():
                self.on_mat = True
                self.set_number = event.index
                self.body_weight_n = None  # maybe someone else: weighed afresh
            case BodyWeight():
                self.body_weight_n = event.body_weight_n
            case Fault():
                self.fault = event if event.active else None
            case Rep():
                self._add_rep(event)
            case SetEnd():
                self._end_set(event)
            case Summary():
                self.finished = event
            case _:
                raise TypeError(f"not a pipeline event: {event!r}")

    def _add_rep(self, rep: Rep) -> None:
        self.on_mat = True
        self.last_rep = rep
        self.last_rep_changed_at += 1
        if rep.valid:
            self.valid_reps += 1
            self.total_valid_reps += 1
        else:
            self.invalid_reps += 1

    def _end_set(self, set_end: SetEnd) -> None:
        self.last_set = set_end
        self.set_number = set_end.index + 1
        self.valid_reps = 0
        self.invalid_reps = 0
        self.last_rep = None
        if set_end.ended_by == "step_off":
            self.on_mat = False
