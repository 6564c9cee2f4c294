"""Centre of pressure from four corner cells, and the direction of a jump.

With cells at the corners of a plate of width a (left-right) and depth b
(front-back) and F the sum of the four (DOMAIN §5):
    COPx = (a/2)·((F_fr + F_br) − (F_fl + F_bl)) / F
    COPy = (b/2)·((F_fl + F_fr) − (F_bl + F_br)) / F
y is positive toward the front. It means something only where F is well
above noise, and nothing in flight.
"""

from __future__ import annotations

import numpy as np

FL, FR, BL, BR = range(4)


def cop_y_m(corners_n: np.ndarray, plate_depth_m: float) -> np.ndarray:
    """Front-back centre of pressure (m, + toward the front) of (n, 4) corner forces."""
    total = corners_n.sum(axis=1)
    front = corners_n[:, FL] + corners_n[:, FR]
    back = corners_n[:, BL] + corners_n[:, BR]
    with np.errstate(divide="ignore", invalid="ignore"):
        return plate_depth_m / 2 * (front - back) / total


def mean_cop_y_m(corners_n: np.ndarray | None, plate_depth_m: float, min_n: float) -> float | None:
    """Mean front-back COP over the samples loaded with at least ``min_n``."""
    if corners_n is None or len(corners_n) == 0:
        return None
    loaded = corners_n.sum(axis=1) >= min_n
    if not loaded.any():
        return None
    return float(np.mean(cop_y_m(corners_n[loaded], plate_depth_m)))


def backward_displacement_m(takeoff_cop_y_m: float | None, landing_cop_y_m: float | None) -> float | None:
    """How far back the feet moved from take-off to landing (negative: forward)."""
    if takeoff_cop_y_m is None or landing_cop_y_m is None:
        return None
    return takeoff_cop_y_m - landing_cop_y_m


def direction_of(displacement_m: float | None, min_m: float) -> str | None:
    """"backward", "forward", or None for a jump in place or an unknown one."""
    if displacement_m is None or abs(displacement_m) < min_m:
        return None
    return "backward" if displacement_m > 0 else "forward"
