"""What sources hand to the pipeline: mat edges and blocks of force samples.

Every source (GPIO mat, Chronopic, load-cell front-end, simulator, recording)
speaks in these two types, on one monotonic timeline in seconds (float), so the
pipeline cannot tell live hardware from a file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Zone names. A one-zone mat has the single zone MAT; a two-zone mat has
#: FRONT (where the athlete stands at the start) and BACK (where a backward
#: jump lands).
MAT = "mat"
FRONT = "front"
BACK = "back"
ONE_ZONE = (MAT,)
TWO_ZONES = (FRONT, BACK)


@dataclass(frozen=True, slots=True)
class MatEdge:
    """One raw change of a mat zone's switch, as the hardware saw it.

    ``contact`` is the zone's level after the change (True = closed = someone
    on it). Raw edges include switch bounce; the analysis removes it.
    """

    time_s: float
    zone: str
    contact: bool


@dataclass(frozen=True, slots=True)
class ForceBlock:
    """Consecutive force samples from the plate.

    ``time_s`` has shape (n,); ``fz_n`` is the total vertical force (n,);
    ``corners_n`` is (n, 4) in the order front-left, front-right, back-left,
    back-right, or None when only the total is known.
    """

    time_s: np.ndarray
    fz_n: np.ndarray
    corners_n: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class MatStart:
    """The level of every zone when a source starts, and when that is.

    A pipeline needs it before the first edge: an edge only says what changed.
    """

    time_s: float
    contact_by_zone: dict[str, bool]


Reading = MatEdge | ForceBlock
