"""Gaps in a station's sequence numbers, and when to ask it to send again.

Pure, on a monotonic clock in seconds given by the caller.

    seqs = Sequences(contiguous=0)
    seqs.add(1); seqs.add(3)          # 2 went missing
    seqs.first_missing()              # 2
    policy = ReplayPolicy()
    policy.due("mat-1", 2, now_s=0.0)   # 2: send replay from 2
    policy.due("mat-1", 2, now_s=5.0)   # None: one request outstanding
    policy.due("mat-1", 2, now_s=10.0)  # 2 again: the hole is still there
"""

from __future__ import annotations

#: How long the hub waits for a replay to fill a hole before asking again.
REPLAY_REPEAT_S = 10.0


class Sequences:
    """One station's sequence numbers as the hub has them: ``contiguous`` is
    the highest with nothing missing below it; ``ahead`` those beyond a hole."""

    def __init__(self, contiguous: int = 0, ahead: set[int] | None = None) -> None:
        self.contiguous = contiguous
        self.ahead = set(ahead or ())
        self.reported = 0  # the highest seq the station says the broker has had
        self._advance()

    def add(self, seq: int) -> None:
        if seq > self.contiguous:
            self.ahead.add(seq)
            self._advance()

    def report(self, seq_sent: int) -> None:
        """The station's status says the broker acknowledged up to ``seq_sent``."""
        self.reported = max(self.reported, seq_sent)

    def first_missing(self) -> int | None:
        """The first seq to ask for again, or None when nothing is missing."""
        if self.ahead or self.reported > self.contiguous:
            return self.contiguous + 1
        return None

    def _advance(self) -> None:
        while self.contiguous + 1 in self.ahead:
            self.contiguous += 1
            self.ahead.discard(self.contiguous)


class ReplayPolicy:
    """At most one outstanding replay request per station, asked again after
    ``repeat_s`` while the hole is still there."""

    def __init__(self, repeat_s: float = REPLAY_REPEAT_S) -> None:
        self.repeat_s = repeat_s
        self._asked_at_s: dict[object, float] = {}

    def due(self, station, first_missing: int | None, now_s: float) -> int | None:
        """The seq to send a replay from now, or None."""
        if first_missing is None:
            self._asked_at_s.pop(station, None)
            return None
        asked_s = self._asked_at_s.get(station)
        if asked_s is not None and now_s - asked_s < self.repeat_s:
            return None
        self._asked_at_s[station] = now_s
        return first_missing
