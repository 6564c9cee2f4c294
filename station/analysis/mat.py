"""A whole mat: debounced zones -> one contact level and where it landed.

The athlete is in contact while any zone is closed. A landing is the moment
the first zone closes, and that zone says where they landed; a take-off is the
moment the last zone opens.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.analysis.debounce import ZoneDebouncer
from station.analysis.rules import TIME_EPSILON_S
from station.readings import MatEdge, MatStart


@dataclass(frozen=True, slots=True)
class Transition:
    """The mat as a whole went from no contact to contact or back.

    ``zone`` is the zone that closed for a landing, None for a take-off.
    """

    time_s: float
    contact: bool
    zone: str | None


class MatTracker:
    """Turns raw edges of every zone into whole-mat transitions, in time order.

    Transitions are final only once the bounce window has passed, so
    ``settled_s`` tells how far in time everything is known.
    """

    def __init__(self, start: MatStart, bounce_s: float) -> None:
        self.bounce_s = bounce_s
        self._zones = {
            zone: ZoneDebouncer(bounce_s, contact)
            for zone, contact in start.contact_by_zone.items()
        }
        self.settled_s = start.time_s

    @property
    def contact(self) -> bool:
        return any(zone.level for zone in self._zones.values())

    def closed_zones(self) -> list[str]:
        return [name for name, zone in self._zones.items() if zone.level]

    def feed(self, edge: MatEdge) -> list[Transition]:
        transitions = self.advance(edge.time_s)
        zone = self._zones.get(edge.zone)
        if zone is None:
            raise ValueError(f"edge on unknown zone {edge.zone!r}")
        zone.feed(edge.time_s, edge.contact)
        return transitions

    def advance(self, now_s: float) -> list[Transition]:
        """Transitions whose bounce window closed before ``now_s``."""
        changes = []
        for name, zone in self._zones.items():
            before = zone.level
            for time_s, contact in zone.advance(now_s):
                changes.append((time_s, name, contact))
            zone.level = before  # replayed below in time order across zones
        changes.sort()
        transitions = []
        for time_s, name, contact in changes:
            was_in_contact = self.contact
            self._zones[name].level = contact
            if self.contact != was_in_contact:
                transitions.append(Transition(time_s, self.contact, name if contact else None))
        # Every change that starts earlier than one window ago has been decided.
        self.settled_s = max(self.settled_s, now_s - self.bounce_s - 2 * TIME_EPSILON_S)
        return transitions
