"""Coaching from the numbers: a fatigue cue for a set, and a left/right
balance for each landing.

**Fatigue.** A rep whose rebound RSI is more than ``fatigue_drop_share``
below the mean of the set's ``fatigue_best_reps`` best RSIs so far (reps
before it) is a tired rep: the athlete is losing their reactive strength,
and the coach may end the set. Only reps with an RSI count; a set needs
``fatigue_best_reps`` of them before any rep is judged.

**Balance.** The share of a landing's force on the left half of the plate,
from the centre of pressure across it (DOMAIN §5): 50 % is centred, more
leans left. It is a centre-of-pressure measure over one plate, not a
per-limb force (that needs two plates): a narrow stance, a step to one side,
or one foot ahead all move it. Averaged over the landing window's samples
loaded with at least ``cop_min_n``.
"""

from __future__ import annotations

import numpy as np

from station.analysis.force.cop import BL, FL
from station.analysis.force.rules import ForceRules


def left_share_pct(corners_n: np.ndarray | None, min_n: float) -> float | None:
    """Percent of the force on the left cells over the samples loaded with at
    least ``min_n``; None without corners or load."""
    if corners_n is None or len(corners_n) == 0:
        return None
    total = corners_n.sum(axis=1)
    loaded = total >= min_n
    if not loaded.any():
        return None
    left = corners_n[loaded][:, [FL, BL]].sum()
    return float(100.0 * left / total[loaded].sum())


class FatigueWatch:
    """The set's RSIs so far; says which reps fall below its best.

        fatigue = FatigueWatch(ForceRules())
        fatigue.rep(rsi)   # True: this rep is tired
        fatigue.new_set()
    """

    def __init__(self, rules: ForceRules) -> None:
        self.rules = rules
        self._rsis: list[float] = []

    def new_set(self) -> None:
        self._rsis.clear()

    def best_rsi(self) -> float | None:
        """The mean of the best ``fatigue_best_reps`` RSIs so far, once there are that many."""
        count = int(self.rules.fatigue_best_reps)
        if len(self._rsis) < count:
            return None
        return float(np.mean(sorted(self._rsis, reverse=True)[:count]))

    def rep(self, rsi: float | None) -> bool:
        if rsi is None:
            return False
        best = self.best_rsi()
        self._rsis.append(rsi)
        return bool(best is not None and rsi < (1 - self.rules.fatigue_drop_share) * best)
