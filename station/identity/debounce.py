"""One tap is one event: a card held on a reader repeats its id several times a second."""

from __future__ import annotations

#: A card held on a reader repeats its id every 0.1-0.5 s; nobody taps the
#: same card twice within 1.5 s on purpose.
SAME_TAP_S = 1.5


class TapDebouncer:
    """Says which reads are new taps. A read of the tag read last is the same
    tap while it comes less than ``same_tap_s`` after that tag's previous read
    (so a card held for a minute is one tap); at ``same_tap_s`` or later, or
    another tag in between, it is a new tap.

        taps = TapDebouncer(1.5)
        taps.is_new("A2B1", 10.0)   # True
        taps.is_new("A2B1", 10.3)   # False: still held
        taps.is_new("A2B1", 11.9)   # True: 1.6 s after the last read
    """

    def __init__(self, same_tap_s: float = SAME_TAP_S) -> None:
        self.same_tap_s = same_tap_s
        self._last: tuple[str, float] | None = None

    def is_new(self, tag: str, time_s: float) -> bool:
        """Whether ``tag`` read at ``time_s`` (seconds, one monotonic clock) is a new tap."""
        last, self._last = self._last, (tag, time_s)
        return last is None or last[0] != tag or time_s - last[1] >= self.same_tap_s
