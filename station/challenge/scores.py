"""Counting reps into intervals, and scoring and ranking the athletes.

Quality: a valid rep whose rebound landing was rated soft or firm by the
load cells; a valid rep without a rating (no load cells, or no body weight
yet) counts as quality, so a mat-only station scores quality as valid.
Fatigue: the drop in rebound speed (1 / mean rebound contact time of the
round's valid reps) from an athlete's first round to their last, in percent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from station.analysis.events import Rep

QUALITY_RATINGS = ("soft", "firm")


def is_quality(rep: Rep) -> bool:
    """Valid, and its rebound landing was soft or firm (or not rated at all)."""
    if not rep.valid:
        return False
    landing = None if rep.rebound_contact is None else rep.rebound_contact.landing
    rating = None if landing is None else landing.get("rating")
    return rating is None or rating in QUALITY_RATINGS


@dataclass
class Tally:
    """Reps counted into one interval, and the rebound contacts of its valid reps."""

    reps: int = 0
    valid: int = 0
    quality: int = 0
    rebound_contacts_s: list[float] = field(default_factory=list)

    def add(self, rep: Rep) -> None:
        self.reps += 1
        self.valid += rep.valid
        self.quality += is_quality(rep)
        contact = rep.rebound_contact
        if rep.valid and contact is not None and contact.duration_s is not None:
            self.rebound_contacts_s.append(contact.duration_s)

    @property
    def mean_rebound_contact_s(self) -> float | None:
        if not self.rebound_contacts_s:
            return None
        return sum(self.rebound_contacts_s) / len(self.rebound_contacts_s)


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


@dataclass(frozen=True)
class IntervalResult:
    """One finished interval: who worked (``athlete``, None in a rest), their
    ``round`` (their n-th work interval, from 1), when it ran on the session
    timeline, how it ended ("time", "skipped" or "aborted"), and the reps whose
    final landing fell in it. Reps in a rest are listed but count for nobody;
    ``paused_reps`` landed while the challenge was paused and count for nobody.
    ``target_met`` is None without a target.
    """

    index: int
    kind: str
    athlete: str | None
    round: int | None
    start_s: float
    end_s: float
    ended_by: str
    reps: int
    valid: int
    quality: int
    mean_rebound_contact_s: float | None
    target_reps: int | None
    paused_reps: int

    @property
    def target_met(self) -> bool | None:
        return None if self.target_reps is None else self.valid >= self.target_reps

    def to_json(self) -> dict:
        return {"type": "interval", "index": self.index, "kind": self.kind,
                "athlete": self.athlete, "round": self.round,
                "start_s": _rounded(self.start_s, 6), "end_s": _rounded(self.end_s, 6),
                "ended_by": self.ended_by, "reps": self.reps, "valid": self.valid,
                "quality": self.quality,
                "mean_rebound_contact_s": _rounded(self.mean_rebound_contact_s, 6),
                "target_reps": self.target_reps, "target_met": self.target_met,
                "paused_reps": self.paused_reps}


@dataclass(frozen=True)
class Standing:
    """An athlete's place and totals. ``score`` is the value of the challenge's
    score; ``targets_met`` is None when the challenge has no rep target."""

    place: int
    athlete: str
    score: float | None
    reps: int
    valid: int
    quality: int
    best_round: int
    fatigue_pct: float | None
    mean_rebound_contact_s: float | None
    rounds: int
    targets_met: int | None

    def to_json(self) -> dict:
        return {"place": self.place, "athlete": self.athlete, "score": _rounded(self.score, 3),
                "reps": self.reps, "valid": self.valid, "quality": self.quality,
                "best_round": self.best_round, "fatigue_pct": _rounded(self.fatigue_pct, 2),
                "mean_rebound_contact_s": _rounded(self.mean_rebound_contact_s, 6),
                "rounds": self.rounds, "targets_met": self.targets_met}


def fatigue_pct(mean_rebound_contacts_s: list[float | None]) -> float | None:
    """Drop in rebound speed from the first to the last round with a measured
    rebound (``mean_rebound_contacts_s`` in round order, None: none measured),
    in percent: (1 - contact_first / contact_last) x 100, since speed is
    1 / contact time. Negative: faster at the end. None with fewer than two
    such rounds."""
    measured = [contact_s for contact_s in mean_rebound_contacts_s if contact_s]
    if len(measured) < 2:
        return None
    return (1.0 - measured[0] / measured[-1]) * 100.0


def _totals(athlete: str, rounds: list[IntervalResult], score: str) -> Standing:
    contacts_s = [r.mean_rebound_contact_s * r.valid for r in rounds if r.mean_rebound_contact_s]
    weights = [r.valid for r in rounds if r.mean_rebound_contact_s]
    targets = [r.target_met for r in rounds if r.target_met is not None]
    standing = Standing(
        place=0, athlete=athlete, score=None, reps=sum(r.reps for r in rounds),
        valid=sum(r.valid for r in rounds), quality=sum(r.quality for r in rounds),
        best_round=max((r.valid for r in rounds), default=0),
        fatigue_pct=fatigue_pct([r.mean_rebound_contact_s for r in rounds]),
        mean_rebound_contact_s=sum(contacts_s) / sum(weights) if weights else None,
        rounds=len(rounds), targets_met=sum(targets) if targets else None)
    values = {"total_reps": standing.reps, "valid_reps": standing.valid,
              "quality_reps": standing.quality, "best_round": standing.best_round,
              "fatigue": standing.fatigue_pct}
    return replace(standing, score=values[score])


def _order_key(standing: Standing, score: str) -> tuple:
    """Smaller sorts first. The score (fatigue: the smaller drop wins, none
    measured comes last), then more quality reps, more valid reps, and a
    quicker mean rebound contact, to the microsecond as printed (none measured
    comes last)."""
    if score == "fatigue":
        first = (standing.score is None, standing.score or 0.0)
    else:
        first = (False, -standing.score)
    contact_s = standing.mean_rebound_contact_s
    return first + (-standing.quality, -standing.valid, contact_s is None,
                    round(contact_s or 0.0, 6))


def rank(roster: list[str], results: list[IntervalResult], score: str) -> list[Standing]:
    """Every athlete of the roster, best first. Athletes equal on every rule of
    ``_order_key`` share a place (1, 1, 3) and keep roster order."""
    standings = [_totals(name, [r for r in results if r.athlete == name and r.kind == "work"],
                         score) for name in roster]
    ordered = sorted(standings, key=lambda s: _order_key(s, score))
    out = []
    for position, standing in enumerate(ordered, 1):
        tied = out and _order_key(out[-1], score) == _order_key(standing, score)
        out.append(replace(standing, place=out[-1].place if tied else position))
    return out
