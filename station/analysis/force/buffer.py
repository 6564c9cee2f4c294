"""The recent force samples, kept so a contact's samples can be looked at
once it is complete."""

from __future__ import annotations

from collections import deque

import numpy as np

from station.readings import ForceBlock


class ForceBuffer:
    """Force blocks of the last ``keep_s`` seconds, sliceable by time.

        buffer = ForceBuffer(keep_s=10)
        buffer.append(block)
        time_s, fz_n, corners_n = buffer.between(1.0, 1.2)
    """

    def __init__(self, keep_s: float) -> None:
        self.keep_s = keep_s
        self._blocks: deque[ForceBlock] = deque()
        self.horizon_s = -np.inf  # the time of the newest sample
        self.period_s = 0.001  # the sample period, from the first block that shows it
        self._period_known = False

    def append(self, block: ForceBlock) -> None:
        if len(block.time_s) == 0:
            return
        self._blocks.append(block)
        if not self._period_known and len(block.time_s) > 1:
            self.period_s, self._period_known = float(np.median(np.diff(block.time_s))), True
        self.horizon_s = float(block.time_s[-1])
        while self._blocks and self._blocks[0].time_s[-1] < self.horizon_s - self.keep_s:
            self._blocks.popleft()

    def between(self, start_s: float, end_s: float):
        """Samples with start_s <= t <= end_s: (time_s, fz_n, corners_n or None)."""
        parts = [b for b in self._blocks if b.time_s[-1] >= start_s and b.time_s[0] <= end_s]
        if not parts:
            return np.empty(0), np.empty(0), None
        time_s = np.concatenate([b.time_s for b in parts])
        keep = (time_s >= start_s) & (time_s <= end_s)
        fz_n = np.concatenate([b.fz_n for b in parts])[keep]
        corners = None
        if all(b.corners_n is not None for b in parts):
            corners = np.concatenate([b.corners_n for b in parts])[keep]
        return time_s[keep], fz_n, corners
