"""Does the mat agree with the plate? A mat stuck closed, or unplugged.

With both a mat and load cells, the mat says when the athlete is in contact
and so does the force. Brief differences are normal (a switch closes a few
ms after the foot loads it). When they disagree for longer than
``mat_disagree_s`` something is wrong with the mat: contact on the mat with an
empty plate is a mat stuck closed (or shorted); a loaded plate with no
contact on the mat is a mat unplugged (an open switch reads as no contact).

A fault holds until the mat itself changes again (a mat edge): a dead mat
agrees with the plate at every take-off (or landing), and clearing it there
would make the fault come and go at every jump. While it holds, each change
of the plate is a ``PlateChanged`` moment, when timing may move to the
plate (handover.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from station.analysis.events import Fault
from station.analysis.mat import Transition

STUCK = ("The mat reports contact but the plate is empty: the mat may be stuck or "
         "shorted. Check the mat and its cable; landing forces still come from the plate.")
SILENT = ("The plate is loaded but the mat reports no contact: the mat may be unplugged. "
          "Check the mat cable; landing forces still come from the plate.")
WORKS = "The mat works again."


@dataclass(frozen=True, slots=True)
class PlateChanged:
    """The plate changed at ``time_s`` while the mat's fault holds."""

    time_s: float


class MatCheck:
    """Compares the mat's contact level with the plate's, change by change.

        check = MatCheck(disagree_s=0.5, mat_contact=True, plate_contact=True)
        check.mat(transition); check.plate(transition)
        check.decide(until_s)   # -> [(decision_time_s, Fault or PlateChanged), ...]

    A disagreement counts from a change: at the start a mat's level may not
    be known (a front-end reports its mat only when it changes, so it
    starts open), and someone standing on the plate then is no fault.
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

    def decide(self, until_s: float) -> list[tuple[float, Fault | PlateChanged]]:
        """Faults that begin or end by ``until_s``, and the plate's changes
        while one holds; both streams must be known up to then."""
        self._changes.sort()
        out = []
        while self._changes and self._changes[0][0] <= until_s:
            time_s, stream, contact = self._changes.pop(0)
            out += self._overdue(time_s)
            self._levels[stream] = contact
            agree = self._levels["mat"] == self._levels["plate"]
            if self._reported and stream == "mat":
                self.active, self._reported = None, False
                out.append((time_s, Fault(time_s, "mat", False, WORKS)))
                self._since_s = None if agree else time_s
            elif self._reported:
                out.append((time_s, PlateChanged(time_s)))
            elif agree:
                self._since_s = None
            elif self._since_s is None:
                self._since_s = time_s
        return out + self._overdue(until_s)

    def _overdue(self, now_s: float) -> list[tuple[float, Fault]]:
        if self._since_s is None or self._reported or now_s - self._since_s <= self.disagree_s:
            return []
        self._reported = True
        at_s = self._since_s + self.disagree_s
        self.active = Fault(at_s, "mat", True, STUCK if self._levels["mat"] else SILENT)
        return [(at_s, self.active)]
