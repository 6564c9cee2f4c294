"""What a finished set adds up to, for the summary screen.

Only sums, bests and means of numbers the pipeline's events carry: no metric
is measured here.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from station.analysis.events import Rep, SetEnd

RATINGS = ("soft", "firm", "hard")


@dataclass(frozen=True, slots=True)
class RepBar:
    """One rep as the charts draw it: its rebound contact (None: it had none),
    the rating of the landing that began it (None: no load cells), valid or not."""

    rebound_s: float | None
    rating: str | None
    valid: bool


def rep_bar(rep: Rep, ratings: dict[int, str]) -> RepBar:
    """``rep`` as a bar; ``ratings`` maps contact indexes to their landing's rating."""
    rebound = rep.rebound_contact
    rebound_s = None if rebound is None else rebound.duration_s
    rating = None if rebound is None else ratings.get(rebound.index)
    return RepBar(rebound_s, rating, rep.valid)


@dataclass(frozen=True, slots=True)
class SetTotals:
    """A set's totals: reps and valid reps, best and mean jump height (m) and
    rebound contact (s) of the valid reps (None without any), how many of its
    landings were rated soft, firm and hard, a bar per rep, and why its last
    rep did not count (None when it did): a step-off in the middle of a rep
    ends the set at once, so the summary is where its reason shows.

        totals = SetTotals.of(set_end, reps, ratings)
        totals.best_height_m
    """

    index: int
    reps: int
    valid_reps: int
    best_height_m: float | None
    mean_height_m: float | None
    best_rebound_s: float | None
    mean_rebound_s: float | None
    ratings_n: dict[str, int]
    bars: tuple[RepBar, ...]
    last_reason: str | None = None
    #: The first rep marked ``fatigue`` (its index in the set, from 1), or None.
    tired_from_rep: int | None = None
    #: The mean of the landings' ``cop_left_pct``: a COP measure, not per limb.
    mean_cop_left_pct: float | None = None

    @classmethod
    def of(cls, set_end: SetEnd, reps: list[Rep], ratings: dict[int, str],
           balances: dict[int, float] | None = None) -> "SetTotals":
        """Totals of the set ``set_end`` closed, from its reps, its landings'
        ratings and their COP balances (contact index -> cop_left_pct)."""
        valid = [rep for rep in reps if rep.valid]
        heights_m = [rep.height_m for rep in valid if rep.height_m is not None]
        rebounds_s = [rep.rebound_contact.duration_s for rep in valid
                      if rep.rebound_contact is not None and rep.rebound_contact.duration_s is not None]
        counts = {rating: sum(1 for r in ratings.values() if r == rating) for rating in RATINGS}
        return cls(
            index=set_end.index, reps=set_end.reps, valid_reps=set_end.valid_reps,
            best_height_m=max(heights_m, default=None), mean_height_m=_mean(heights_m),
            best_rebound_s=min(rebounds_s, default=None), mean_rebound_s=_mean(rebounds_s),
            ratings_n=counts, bars=tuple(rep_bar(rep, ratings) for rep in reps),
            last_reason=reps[-1].reason if reps and not reps[-1].valid else None,
            tired_from_rep=next((n for n, rep in enumerate(reps, 1) if rep.fatigue), None),
            mean_cop_left_pct=_mean(list((balances or {}).values())),
        )


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None
