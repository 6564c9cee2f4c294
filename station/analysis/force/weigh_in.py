"""Body weight from quiet standing.

Body weight is the mean force over ``weigh_in_s`` (1 s) of quiet standing
(Owen 2014): the window's mean must be at least ``weigh_in_min_n`` and its
SD at most ``weigh_in_max_sd_n`` or ``weigh_in_max_sd_share`` of the mean,
whichever is larger (VALD rejects SD > 2 kg-equivalent; a limit that scales
with the weight treats a heavy athlete's sway like a light one's). Windows
start every quarter of the window from the first sample, so the windows,
and which are quiet, do not depend on how the samples arrive. The weight of
a set is its first quiet window: a new set (someone stepped on) is weighed
afresh. A set with no quiet second at all takes its first quiet
``weigh_in_short_s`` window when it ends (the pipeline asks a second
``WeighIn`` with that window).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from station.analysis.force.rules import ForceRules

#: A window missing more than this share of its samples (a gap) is not used.
MIN_COVERAGE = 0.9


@dataclass(frozen=True, slots=True)
class QuietWindow:
    start_s: float
    end_s: float
    weight_n: float


def max_sd_n(mean_n: float, rules: ForceRules) -> float:
    """The largest SD of a quiet window with this mean."""
    return max(rules.weigh_in_max_sd_n, rules.weigh_in_max_sd_share * mean_n)


def quiet_mean_n(fz_n: np.ndarray, rules: ForceRules) -> float | None:
    """The mean of ``fz_n`` if it is quiet standing, else None."""
    if len(fz_n) == 0:
        return None
    mean_n = float(fz_n.mean())
    if mean_n < rules.weigh_in_min_n or float(fz_n.std()) > max_sd_n(mean_n, rules):
        return None
    return mean_n


class WeighIn:
    """Finds every quiet window in a stream of force samples.

        weigh_in = WeighIn(ForceRules())
        weigh_in.feed(block.time_s, block.fz_n)
        weigh_in.weight_n(since_s=set_start_s, until_s=now_s)   # or None
    """

    def __init__(self, rules: ForceRules, window_s: float | None = None) -> None:
        self.rules = rules
        self.window_s = rules.weigh_in_s if window_s is None else window_s
        self.quiet: list[QuietWindow] = []
        self._step_s = self.window_s / 4
        self._origin_s: float | None = None
        self._next = 0  # the next window to judge
        self._time_s = np.empty(0)
        self._fz_n = np.empty(0)
        self._period_s: float | None = None

    def feed(self, time_s: np.ndarray, fz_n: np.ndarray) -> None:
        if len(time_s) == 0:
            return
        if self._origin_s is None:
            self._origin_s = float(time_s[0])
        if self._period_s is None and len(time_s) > 1:
            self._period_s = float(np.median(np.diff(time_s)))
        self._time_s = np.concatenate((self._time_s, time_s))
        self._fz_n = np.concatenate((self._fz_n, fz_n))
        while True:
            start_s = self._origin_s + self._next * self._step_s
            end_s = start_s + self.window_s
            if self._time_s[-1] < end_s:
                break
            inside = (self._time_s >= start_s) & (self._time_s < end_s)
            self._judge(start_s, end_s, self._fz_n[inside])
            self._next += 1
            keep = self._time_s >= start_s + self._step_s
            self._time_s, self._fz_n = self._time_s[keep], self._fz_n[keep]

    def _judge(self, start_s: float, end_s: float, fz_n: np.ndarray) -> None:
        expected = self.window_s / (self._period_s or 0.001)
        if len(fz_n) < MIN_COVERAGE * expected:
            return
        weight_n = quiet_mean_n(fz_n, self.rules)
        if weight_n is not None:
            self.quiet.append(QuietWindow(start_s, end_s, weight_n))

    def first_n(self, since_s: float, until_s: float) -> QuietWindow | None:
        """The first quiet window that starts at or after ``since_s`` and ends by ``until_s``."""
        for window in self.quiet:
            if window.end_s > until_s:
                return None
            if window.start_s >= since_s:
                return window
        return None

    def forget(self, before_s: float, among: int) -> int:
        """Let go of the windows among the first ``among`` that ended before
        ``before_s`` and that ``weight_n`` can no longer give for a set that
        begins then or later: all but the run's first and the latest of them.
        Returns how many went (a run of days keeps flat memory)."""
        done = [i for i in range(1, min(among, len(self.quiet))) if self.quiet[i].end_s < before_s]
        gone = done[:-1]
        if gone:
            del self.quiet[gone[0]:gone[-1] + 1]
        return len(gone)

    def forget_started_before(self, since_s: float) -> None:
        """Let go of every window that starts before ``since_s``: ``first_n``
        for a set that begins then or later can no longer give it."""
        self.quiet = [window for window in self.quiet if window.start_s >= since_s]

    def weight_n(self, since_s: float, until_s: float) -> float | None:
        """The body weight known at ``until_s`` for a set that began at ``since_s``.

        The set's own first quiet window if it has one by then; otherwise the
        latest quiet window before the set (the same athlete, most likely,
        until they stand still long enough to be weighed again); else None.
        """
        before = None
        for window in self.quiet:
            if window.end_s > until_s:
                break
            if window.start_s >= since_s:
                return window.weight_n
            before = window.weight_n
        return before
