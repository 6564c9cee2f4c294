"""Switch bounce: raw edges of one mat zone -> clean level changes.

A change counts when the raw level, starting with an edge, is still the new
level ``bounce_s`` later; the time kept is that first edge, because that is
when the foot really arrived or left. A pulse that is back to the old level
by then (a glitch) never makes a change. Edges exactly ``bounce_s`` after the
first are still chatter.
"""

from __future__ import annotations

from station.analysis.rules import TIME_EPSILON_S


class ZoneDebouncer:
    """Debounces one zone. ``feed`` and ``advance`` return confirmed changes
    as (time_s, contact) pairs, in time order.

        zone = ZoneDebouncer(0.005, contact=False)
        zone.feed(1.000, True); zone.feed(1.002, False); zone.feed(1.003, True)
        zone.advance(1.010)   # -> [(1.0, True)]
    """

    def __init__(self, bounce_s: float, contact: bool) -> None:
        self.bounce_s = bounce_s
        self.level = contact          # the debounced level
        self._raw = contact           # the switch as last reported
        self._pending_s: float | None = None  # first edge of an unconfirmed change

    def feed(self, time_s: float, contact: bool) -> list[tuple[float, bool]]:
        changes = self.advance(time_s)
        self._raw = contact
        if self._pending_s is None and contact != self.level:
            self._pending_s = time_s
        return changes

    def advance(self, time_s: float) -> list[tuple[float, bool]]:
        """Settle a pending change whose window closed before ``time_s``."""
        start_s = self._pending_s
        if start_s is None or time_s - start_s <= self.bounce_s + TIME_EPSILON_S:
            return []
        self._pending_s = None
        if self._raw == self.level:
            return []
        self.level = self._raw
        return [(start_s, self.level)]
