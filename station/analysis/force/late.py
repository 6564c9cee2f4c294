"""Landings rated late: those that came before their set had a body weight.

A landing's softness and rating need the athlete's body weight. When a set's
first quiet standing comes after some of its landings (a drop jump starts
with nobody on the plate; an athlete who jumps straight away), those
landings keep their samples here, and are rated as soon as the set is
weighed, with the weight measured; each is reported again as a ``landing``
event marked ``late``. A landing's window is 0.12 s of samples, so a set's
worth costs little memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from station.analysis.events import Landing
from station.analysis.force.landing import landing_metrics
from station.analysis.force.rules import ForceRules


@dataclass(frozen=True, slots=True)
class _Unrated:
    contact_index: int
    key_s: float        # the touchdown as the phases know it
    touchdown_s: float  # as reported
    time_s: np.ndarray
    fz_n: np.ndarray
    extra: dict  # metrics that need no body weight (the COP balance)


class LateRatings:
    """The current set's landings still waiting for a body weight.

        late = LateRatings(ForceRules())
        late.keep(contact_index, key_s, touchdown_s, time_s, fz_n, extra)
        late.rate(set_index, weight_n)   # -> [Landing(late=True), ...]
    """

    def __init__(self, rules: ForceRules) -> None:
        self.rules = rules
        self._unrated: list[_Unrated] = []

    def keep(self, contact_index: int, key_s: float, touchdown_s: float, time_s: np.ndarray,
             fz_n: np.ndarray, extra: dict | None = None) -> None:
        self._unrated.append(_Unrated(contact_index, key_s, touchdown_s, time_s, fz_n, dict(extra or {})))

    def clear(self) -> None:
        self._unrated.clear()

    def rate(self, set_index: int, weight_n: float) -> list[tuple[float, Landing]]:
        """Every waiting landing rated with ``weight_n``, with its key time."""
        out = []
        for landing in self._unrated:
            metrics = landing_metrics(landing.time_s, landing.fz_n, landing.touchdown_s, weight_n, self.rules)
            if metrics is not None:
                metrics.update(landing.extra)
                out.append((landing.key_s, Landing(set_index, landing.contact_index, landing.touchdown_s,
                                                   metrics, late=True)))
        self._unrated.clear()
        return out
