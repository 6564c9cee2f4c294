"""The mat's timeline and the plate's, and the one the phases follow.

A mat gives whole-mat transitions (mat.py); load cells give the plate's:
the provisional force threshold (force/contact.py) through the same
debounce, on a virtual zone "plate". The phases follow the mat when there
is one, the plate when there is not, or while the mat is dead
(force/handover.py). The followed timeline's transitions are queued for the
phases; both are logged from the phases' last transition on, for a
handover.
"""

from __future__ import annotations

from station.analysis.force.contact import PLATE, ForceContactDetector
from station.analysis.force.handover import Handover, TransitionLog, handover, shows_phases
from station.analysis.mat import MatTracker, Transition
from station.readings import FRONT, MatStart


def first_zone(tracker: MatTracker) -> str | None:
    """The zone someone stands on at the start: the only one closed, or the front."""
    closed = tracker.closed_zones()
    return closed[0] if len(closed) == 1 else (FRONT if FRONT in closed else None)


class Timelines:
    """The mat's and the plate's transitions, routed to the phases' queue.

        timelines = Timelines(bounce_s=0.005)
        timelines.start_mat(start)                 # a mat, at the start
        timelines.start_plate(detector, time_s)    # load cells, at their first sample
        timelines.mat_changes(tracker.feed(edge))
        timelines.next_s(limit_s); timelines.pop()  # the phases take the queue in order
    """

    def __init__(self, bounce_s: float) -> None:
        self.bounce_s = bounce_s
        self.mat: MatTracker | None = None
        self.plate: MatTracker | None = None
        self.detector: ForceContactDetector | None = None
        self.from_plate = False
        self.queue: list[Transition] = []
        #: When the phases took their last transition (or began).
        self.last_s = 0.0
        self._logs: dict[bool, TransitionLog] = {}  # by "is the plate's"

    def start_mat(self, start: MatStart) -> MatTracker:
        self.mat = MatTracker(start, self.bounce_s)
        self.last_s = start.time_s
        self._logs[False] = TransitionLog(self.mat.contact, first_zone(self.mat), start.time_s)
        return self.mat

    def start_plate(self, detector: ForceContactDetector, time_s: float) -> MatTracker:
        """Load cells from their first sample at ``time_s``; without a mat
        the phases follow them from here."""
        self.detector = detector
        self.plate = MatTracker(MatStart(time_s, {PLATE: detector.contact}), self.bounce_s)
        self._logs[True] = TransitionLog(detector.contact, PLATE, time_s)
        if self.mat is None:
            self.from_plate, self.last_s = True, time_s
        return self.plate

    @property
    def followed(self) -> MatTracker | None:
        return self.plate if self.from_plate else self.mat

    def mat_changes(self, changes: list[Transition]) -> None:
        self._take(False, changes)

    def plate_changes(self, changes: list[Transition]) -> None:
        self._take(True, changes)

    def next_s(self, limit_s: float) -> float | None:
        """The time of the next queued transition, if it is no later than ``limit_s``."""
        return self.queue[0].time_s if self.queue and self.queue[0].time_s <= limit_s else None

    def pop(self) -> Transition:
        """The next transition for the phases: older ones are no longer
        needed for a handover."""
        change = self.queue.pop(0)
        self.last_s = change.time_s
        for log in self._logs.values():
            log.forget_until(change.time_s)
        return change

    def handover(self, to_plate: bool, now_s: float, settled: tuple[bool, bool] | None,
                 lag_s: float, need_phases: bool = True) -> Handover | None:
        """How the phases could follow the other timeline from now (None:
        not now). Back to the mat only between sets; to the plate only once
        it changed after the phases' last transition (``need_phases``): a
        plate that never changes (a cell stuck under load) times nothing."""
        if to_plate == self.from_plate or to_plate not in self._logs:
            return None
        if not to_plate and (settled is None or settled[0]):
            return None
        plan = handover(self._logs[to_plate], self.last_s, settled, lag_s)
        if plan is None or (to_plate and need_phases and not shows_phases(plan, now_s)):
            return None
        return plan

    def follow(self, plan: Handover, to_plate: bool) -> None:
        """The phases follow the other timeline: its transitions of ``plan``
        and every later one."""
        self.from_plate = to_plate
        self.queue = list(plan.changes)
        self.last_s = plan.since_s

    def _take(self, plate: bool, changes: list[Transition]) -> None:
        if plate in self._logs:
            for change in changes:
                self._logs[plate].add(change)
        if plate == self.from_plate:
            self.queue += changes
