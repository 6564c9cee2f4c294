"""Banners for what the station notices about itself: load cells that were
never calibrated, and a disk nearly full.

Checked once at the start (calibration) and every ``DISK_CHECK_S`` (free
space: one ``statvfs``, far under a millisecond, so the frame loop can ask).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from station.errors import UserError
from station.log.space import free_bytes_of, nearest_existing

#: Free space falls slowly, even while raw recordings are written (42 kB/s).
DISK_CHECK_S = 30.0


def calibration_problem(force_kind: str, data_dir: Path) -> str | None:
    """What is wrong with the load cells' calibration, or None (or no load cells)."""
    if force_kind != "frontend":
        return None
    from station.sources.loadcell.calibration import calibration_path, load_calibration
    try:
        calibration = load_calibration(calibration_path(data_dir))
    except UserError as error:
        return str(error)
    if calibration.is_default:
        return ("The load cells are not calibrated: hold SELECT and NEXT together to calibrate them; "
                "until then forces and landing ratings are only approximate.")
    return None


class Health:
    """Keeps the "calibration" and "disk" banners of ``board`` up to date.

        health = Health(board, data_dir, min_free_mb=500, calibration="…or None")
        health.check()          # between frames; looks at the disk every 30 s
    """

    def __init__(self, board, data_dir: Path, min_free_mb: float, calibration: str | None = None,
                 free_bytes: Callable[[Path], int] = free_bytes_of,
                 clock_s: Callable[[], float] = time.monotonic) -> None:
        self.board, self.data_dir, self.min_free_mb = board, Path(data_dir), min_free_mb
        self.free_bytes, self.clock_s = free_bytes, clock_s
        self._next_check_s = -float("inf")
        self._set("calibration", calibration)

    def check(self) -> None:
        now_s = self.clock_s()
        if now_s < self._next_check_s:
            return
        self._next_check_s = now_s + DISK_CHECK_S
        self._set("disk", self._disk_problem())

    def _disk_problem(self) -> str | None:
        try:
            free_mb = self.free_bytes(nearest_existing(self.data_dir)) / 1e6
        except OSError:
            return None  # the log says what is wrong with the folder itself
        if free_mb >= self.min_free_mb:
            return None
        return (f"The disk is nearly full ({free_mb:.0f} MB free): export the log to a USB stick "
                "and delete old recordings; reps are still kept.")

    def _set(self, kind: str, sentence: str | None) -> None:
        self.board.banners[:] = [banner for banner in self.board.banners if banner[0] != kind]
        if sentence is not None:
            self.board.banners.append((kind, sentence))
