"""Contacts from force alone: threshold crossings, as edges of a virtual mat.

The plate is "closed" while the total force is above a threshold. The
threshold is the unloaded plate's mean + ``noise_sd_factor`` SDs, measured in
the middle half of the last unloaded stretch (a flight, or the empty plate),
and never below ``contact_floor_n``; until a stretch has been seen it is the
floor. Crossing times are interpolated linearly between the two samples on
either side, except across a gap in the data (lost samples), where the first
sample after the gap is used: nothing is invented inside a gap.

The edges go through the same debounce and minimum-phase rules as a mat's,
so a single-sample dip right after touchdown keeps the first crossing.
"""

from __future__ import annotations

import numpy as np

from station.analysis.force.buffer import ForceBuffer
from station.analysis.force.edges import MIN_MIDDLE_SAMPLES
from station.analysis.force.rules import ForceRules
from station.readings import MatEdge

PLATE = "plate"
#: Samples further apart than this many periods have a gap between them.
GAP_PERIODS = 1.5


def crossing_time_s(t0_s: float, f0_n: float, t1_s: float, f1_n: float, threshold_n: float,
                    period_s: float) -> float:
    """When the force crossed ``threshold_n`` between two samples.

    Linear interpolation, t = t0 + (thr - f0) / (f1 - f0) · (t1 - t0); across a
    gap (t1 - t0 > GAP_PERIODS · period) the later sample's time.
    """
    if t1_s - t0_s > GAP_PERIODS * period_s or f1_n == f0_n:
        return t1_s
    return t0_s + (threshold_n - f0_n) / (f1_n - f0_n) * (t1_s - t0_s)


def unloaded_threshold_n(fz_n: np.ndarray, rules: ForceRules) -> float:
    """mean + k·SD of the middle half of an unloaded stretch, at least the floor."""
    quarter = len(fz_n) // 4
    middle = fz_n[quarter:len(fz_n) - quarter]
    if len(middle) < MIN_MIDDLE_SAMPLES:
        return rules.contact_floor_n
    return max(rules.contact_floor_n, float(middle.mean() + rules.noise_sd_factor * middle.std()))


class ForceContactDetector:
    """Feeds on force samples; returns edges of the virtual zone ``"plate"``.

        detector = ForceContactDetector(ForceRules(), buffer, first_fz_n=700.0)
        edges = detector.feed(block.time_s, block.fz_n)
    """

    def __init__(self, rules: ForceRules, buffer: ForceBuffer, first_fz_n: float) -> None:
        self.rules = rules
        self._buffer = buffer
        self.threshold_n = rules.contact_floor_n
        self.contact = bool(first_fz_n > self.threshold_n)
        self._unloaded_since_s: float | None = None
        self._last: tuple[float, float] | None = None  # the previous sample
        self._period_s = None

    def feed(self, time_s: np.ndarray, fz_n: np.ndarray) -> list[MatEdge]:
        if len(time_s) == 0:
            return []
        if self._period_s is None and len(time_s) > 1:
            self._period_s = float(np.median(np.diff(time_s)))
        period_s = self._period_s or 0.001
        if self._last is not None:
            time_s = np.concatenate(([self._last[0]], time_s))
            fz_n = np.concatenate(([self._last[1]], fz_n))
        edges = []
        index = 0
        while True:
            above = fz_n[index:] > self.threshold_n
            changed = np.flatnonzero(above != self.contact)
            if len(changed) == 0:
                break
            k = index + int(changed[0])
            if k == 0:  # the first sample ever, already on the other side
                self.contact = not self.contact
                continue
            at_s = crossing_time_s(time_s[k - 1], fz_n[k - 1], time_s[k], fz_n[k],
                                   self.threshold_n, period_s)
            if edges:  # a threshold raised at a landing must not reach back before it
                at_s = max(at_s, edges[-1].time_s)
            self.contact = not self.contact
            edges.append(MatEdge(at_s, PLATE, self.contact))
            if self.contact:
                self._learn_noise(at_s)
            else:
                self._unloaded_since_s = at_s
            index = k + 1
        self._last = (float(time_s[-1]), float(fz_n[-1]))
        return edges

    def _learn_noise(self, landing_s: float) -> None:
        if self._unloaded_since_s is None:
            return
        _, unloaded_n, _ = self._buffer.between(self._unloaded_since_s, landing_s)
        self.threshold_n = unloaded_threshold_n(unloaded_n, self.rules)
