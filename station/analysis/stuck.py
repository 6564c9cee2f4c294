"""A mat that reports contact for minutes, with no plate to say otherwise.

Without load cells nothing tells a resting athlete from a mat stuck closed,
so this is a gentle warning after ``stuck_contact_s`` of unbroken contact,
cleared by the next take-off.
"""

from __future__ import annotations

from station.analysis.events import Fault
from station.analysis.mat import Transition

STILL_CLOSED = ("The mat has reported contact for {minutes:g} minutes: if nobody is on it, "
                "it is stuck or shorted. Check the mat and its cable.")
OPEN_AGAIN = "The mat opened again."


class StuckMat:
    """Watches the whole-mat level for one contact longer than ``stuck_s``.

        stuck = StuckMat(120.0, contact=True, start_s=0.0)
        stuck.mat(transition)
        stuck.decide(until_s)   # -> [(decision_time_s, Fault), ...]
    """

    def __init__(self, stuck_s: float, contact: bool, start_s: float) -> None:
        self.stuck_s = stuck_s
        self._since_s = start_s if contact else None
        self._reported = False
        self._changes: list[Transition] = []

    def mat(self, change: Transition) -> None:
        self._changes.append(change)

    def decide(self, until_s: float) -> list[tuple[float, Fault]]:
        out = []
        while self._changes and self._changes[0].time_s <= until_s:
            change = self._changes.pop(0)
            out += self._overdue(change.time_s)
            if change.contact:
                self._since_s = change.time_s
                continue
            if self._reported:
                out.append((change.time_s, Fault(change.time_s, "mat", False, OPEN_AGAIN)))
            self._since_s, self._reported = None, False
        return out + self._overdue(until_s)

    def _overdue(self, now_s: float) -> list[tuple[float, Fault]]:
        if self._since_s is None or self._reported or now_s - self._since_s <= self.stuck_s:
            return []
        self._reported = True
        at_s = self._since_s + self.stuck_s
        return [(at_s, Fault(at_s, "mat", True, STILL_CLOSED.format(minutes=self.stuck_s / 60)))]
