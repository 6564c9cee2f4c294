"""What a running challenge tells the screen, the speaker and the headless output.

Each event knows its JSON form (docs/json-output.md, "Challenges"); the
finished interval itself is ``scores.IntervalResult``. Times are seconds on
the session timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.challenge.scores import IntervalResult, Standing


@dataclass(frozen=True)
class Countdown:
    """``seconds_left`` (3, 2, 1) before interval ``interval`` ends: a beep."""

    time_s: float
    interval: int
    seconds_left: int

    def to_json(self) -> dict:
        return {"type": "countdown", "time_s": round(self.time_s, 6), "interval": self.interval,
                "seconds_left": self.seconds_left}


@dataclass(frozen=True)
class IntervalStarted:
    """Interval ``index`` (from 1) began; ``athlete`` is on the mat (None in a rest)."""

    time_s: float
    index: int
    kind: str
    duration_s: float
    athlete: str | None
    next_athlete: str | None
    target_reps: int | None

    def to_json(self) -> dict:
        return {"type": "interval_start", "time_s": round(self.time_s, 6), "index": self.index,
                "kind": self.kind, "duration_s": self.duration_s, "athlete": self.athlete,
                "next_athlete": self.next_athlete, "target_reps": self.target_reps}


@dataclass(frozen=True)
class ChallengeFinished:
    """The challenge is over ("finished" or "aborted"), with its ranking and
    every interval's result (those were printed as they finished)."""

    time_s: float
    name: str
    score: str
    ended_by: str
    standings: tuple[Standing, ...]
    intervals: tuple[IntervalResult, ...]

    def to_json(self) -> dict:
        return {"type": "ranking", "time_s": round(self.time_s, 6), "challenge": self.name,
                "score": self.score, "ended_by": self.ended_by,
                "standings": [s.to_json() for s in self.standings]}
