"""A mat source and a force source read as one.

A mat on the Pi's GPIO (or a Chronopic) and the load-cell front-end are two
devices, each with its own reader, both timed on the host's monotonic clock
from the same origin, so their readings interleave on one timeline.
"""

from __future__ import annotations

from station.readings import ForceBlock, MatStart, Reading
from station.sources.device_counts import device_counts


def reading_time_s(reading: Reading) -> float:
    return float(reading.time_s[0]) if isinstance(reading, ForceBlock) else reading.time_s


class CombinedSource:
    """Mat edges from ``mat``, force blocks from ``force``, in time order.

        source = CombinedSource(GpioMat({"front": 17, "back": 27}), LoadCellSource(link))
        start = source.start()
        readings = source.read(until_s)
    """

    def __init__(self, mat, force) -> None:
        self.mat = mat
        self.force = force
        self.zones = mat.zones
        self.has_force = force.has_force
        self.simulated = mat.simulated or force.simulated
        self.latency_s = max(getattr(mat, "latency_s", 0.0), getattr(force, "latency_s", 0.0))

    @property
    def problem(self) -> str | None:
        """The first device problem of either source, for the screen."""
        return getattr(self.mat, "problem", None) or getattr(self.force, "problem", None)

    def device_counts(self) -> list:
        """Both devices' counts of trouble (station.sources.device_counts)."""
        return device_counts(self.mat) + device_counts(self.force)

    @property
    def cell_range_n(self):
        """The load cells' converter limits in newtons, if the force source knows them."""
        return getattr(self.force, "cell_range_n", None)

    def start(self) -> MatStart:
        start = self.mat.start()
        self.force.start()
        return start

    def read(self, until_s: float) -> list[Reading]:
        edges = [r for r in self.mat.read(until_s) if not isinstance(r, ForceBlock)]
        blocks = [r for r in self.force.read(until_s) if isinstance(r, ForceBlock)]
        return sorted(edges + blocks, key=reading_time_s)

    def end_s(self) -> float | None:
        return None

    def close(self) -> None:
        self.mat.close()
        self.force.close()
