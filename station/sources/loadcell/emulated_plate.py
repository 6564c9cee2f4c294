"""What lies on the emulated plate while nobody jumps on it: nothing, or a
known mass where a coach calibrating puts it (station.sources.loadcell.emulator).

A plate on four cells is statically indeterminate; the usual bilinear split
of a point load stands in for it: a load at fractions (fx, fy) of the way
from the front-left cell to the back-right one puts (1-fx)(1-fy) on the
front-left cell, fx(1-fy) on the front-right, (1-fx)fy on the back-left and
fx·fy on the back-right. Every cell also shows a little noise, as a real
converter at gain 128 does (a cell without any is taken for unplugged).

    plate = PlateLoad(20.0, "back-left")        # 20 kg pushed into the back-left corner
    plate = PlateLoad(20.0, "centre", sway_n=30) # and still rocking
    emulator.place(plate)
"""

from __future__ import annotations

import numpy as np

from station.analysis.events import G_M_PER_S2
from station.sources.loadcell.calibration import CELL_NAMES, CENTRE
from station.sources.loadcell.steps import SPOTS

#: About 0.13 N per cell: the noise of a quiet plate (300 counts).
NOISE_N = 0.13
#: A rocking mass moves load between the diagonals about twice a second.
SWAY_HZ = 2.0
_SWAY_SIGNS = np.array([1.0, -1.0, -1.0, 1.0])


class PlateLoad:
    """``mass_kg`` at ``at`` (a placement's name, or fractions (fx, fy) of the
    plate), rocking by ``sway_n`` newtons between the diagonals; 0 kg is the
    empty plate. ``seed`` picks the noise."""

    def __init__(self, mass_kg: float = 0.0, at=CENTRE, sway_n: float = 0.0, seed: int = 0) -> None:
        fx, fy = SPOTS[at] if isinstance(at, str) else at
        self.mass_kg = mass_kg
        self.shares = np.array([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy])
        self.sway_n = sway_n
        self._rng = np.random.default_rng(seed)

    def corners_n(self, time_s: np.ndarray) -> np.ndarray:
        """Each cell's force (n, 4) in newtons at emulated times ``time_s`` (n,)."""
        time_s = np.asarray(time_s, dtype=float)
        forces = np.broadcast_to(self.mass_kg * G_M_PER_S2 * self.shares, (len(time_s), len(CELL_NAMES)))
        rocking = self.sway_n * np.sin(2 * np.pi * SWAY_HZ * time_s)[:, None] * _SWAY_SIGNS
        return forces + rocking + self._rng.normal(0.0, NOISE_N, forces.shape)
