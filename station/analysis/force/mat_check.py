"""Does the mat agree with the plate? A mat stuck closed, or unplugged.

With both a mat and load cells, the mat says when the athlete is in contact
and so does the force. Brief differences are normal (a switch closes a few
ms after the foot loads it). When they disagree for longer than
``mat_disagree_s`` something is wrong with the mat: contact on the mat with an
empty plate is a mat stuck closed (or shorted); a loaded plate with no
contact on the mat is a mat unplugged (an open switch reads as no contact).
"""

from __future__ import annotations

from station.analysis.events import Fault
from station.analysis.mat import Transition

STUCK = ("The mat reports contact but the plate is empty: the mat may be stuck or "
         "shorted. Check the mat and its cable; landing forces still come from the plate.")
SILENT = ("The plate is loaded but the mat reports no contact: the mat may be unplugged. "
          "Check the mat cable; landing forces still come from the plate.")
AGREE = "The mat and the plate agree again."


class MatCheck:
    """Compares the mat's contact level with the plate's, change by change.

        check = MatCheck(disagree_s=0.5, mat_contact=True, plate_contact=True)
        check.mat(transition); check.plate(transition)
        check.decide(until_s)   # -> [(decision_time_s, Fault), ...]
    """

    def __init__(self, disagree_s: float, mat_contact: bool, plate_contact: bool) -> None:
        self.disagree_s = disagree_s
        self._levels = {"mat": mat_contact, "plate": plate_contact}
        self._changes: list[tuple[float, str, bool]] = []
        self._since_s: float | None = None  # when the current disagreement began
        self._reported = False
        self.active: Fault | None = None

    def mat(self, change: Transition) -> None:
        self._changes.append((change.time_s, "mat", change.contact))

    def plate(self, change: Transition) -> None:
        self._changes.append((change.time_s, "plate", change.contact))

    def decide(self, until_s: float) -> list[tuple[float, Fault]]:
        """Faults that begin or end by ``until_s``; both streams must be known
        up to then."""
        self._changes.sort()
        out = []
        while self._changes and self._changes[0][0] <= until_s:
            time_s, stream, contact = self._changes.pop(0)
            out += self._overdue(time_s)
            self._levels[stream] = contact
            agree = self._levels["mat"] == self._levels["plate"]
            if agree and self._since_s is not None:
                if self._reported:
                    self.active = None
                    out.append((time_s, Fault(time_s, "mat", False, AGREE)))
                self._since_s, self._reported = None, False
            elif not agree and self._since_s is None:
                self._since_s = time_s
        return out + self._overdue(until_s)

    def _overdue(self, now_s: float) -> list[tuple[float, Fault]]:
        if self._since_s is None or self._reported or now_s - self._since_s <= self.disagree_s:
            return []
        self._reported = True
        at_s = self._since_s + self.disagree_s
        self.active = Fault(at_s, "mat", True, STUCK if self._levels["mat"] else SILENT)
        return [(at_s, self.active)]
