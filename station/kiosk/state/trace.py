"""The last few seconds of total force, kept small enough to draw every frame.

Samples arrive at up to a few kHz; a screen a thousand pixels wide needs a few
hundred points. Samples fall into fixed time bins and each bin keeps its
highest force, so a landing's peak survives the thinning.
"""

from __future__ import annotations

import numpy as np

#: How much force history the live screen shows: two or three reps.
TRACE_S = 3.0
#: 10 ms bins: 300 points over 3 s, finer than the trace's pixels on a 7" panel.
BIN_S = 0.01


class ForceTrace:
    """A ring of per-bin force maxima over the last ``span_s`` seconds.

    ``add`` takes sample times and forces (numpy arrays, seconds and newtons);
    ``points`` gives the kept bins, oldest first, as (time_s, force_n).

        trace = ForceTrace()
        trace.add(block.time_s, block.fz_n)
        time_s, force_n = trace.points()
    """

    def __init__(self, span_s: float = TRACE_S, bin_s: float = BIN_S) -> None:
        self.bin_s = bin_s
        self._bins_n = max(2, round(span_s / bin_s))
        self._force_n = np.full(self._bins_n, np.nan)
        self._newest_bin: int | None = None
        #: How many times samples were added: the trace on screen is out of date when it moved on.
        self.changes = 0

    def add(self, time_s: np.ndarray, force_n: np.ndarray) -> None:
        """Take samples in time order (later calls carry later samples)."""
        if len(time_s) == 0:
            return
        self.changes += 1
        bins = np.floor(np.asarray(time_s) / self.bin_s).astype(np.int64)
        newest = int(bins[-1])
        self._advance_to(newest)
        keep = bins > newest - self._bins_n
        slots = bins[keep] % self._bins_n
        maxima = np.full(self._bins_n, -np.inf)
        np.maximum.at(maxima, slots, np.asarray(force_n, dtype=float)[keep])
        touched = maxima > -np.inf
        self._force_n[touched] = np.fmax(self._force_n[touched], maxima[touched])

    def _advance_to(self, newest_bin: int) -> None:
        """Empty the slots of bins that are new since the last samples."""
        if self._newest_bin is None or newest_bin - self._newest_bin >= self._bins_n:
            self._force_n[:] = np.nan
        elif newest_bin > self._newest_bin:
            fresh = np.arange(self._newest_bin + 1, newest_bin + 1) % self._bins_n
            self._force_n[fresh] = np.nan
        if self._newest_bin is None or newest_bin > self._newest_bin:
            self._newest_bin = newest_bin

    @property
    def newest_s(self) -> float | None:
        """The start of the newest bin, or None before any sample."""
        return None if self._newest_bin is None else self._newest_bin * self.bin_s

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """The kept bins, oldest first: (start time in s, highest force in N), gaps left out."""
        if self._newest_bin is None:
            return np.empty(0), np.empty(0)
        bins = np.arange(self._newest_bin - self._bins_n + 1, self._newest_bin + 1)
        force_n = self._force_n[bins % self._bins_n]
        kept = ~np.isnan(force_n)
        return bins[kept] * self.bin_s, force_n[kept]

    @property
    def span_s(self) -> float:
        return self._bins_n * self.bin_s

    def peak_n(self) -> float:
        """The highest force kept (0 when empty)."""
        finite = self._force_n[~np.isnan(self._force_n)]
        return float(finite.max()) if finite.size else 0.0

