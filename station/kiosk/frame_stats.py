"""A CSV row per frame put on the screen, to measure a screen on its own hardware.

    t_s,draw_ms,present_ms
    0.016702,1.204,0.391

``t_s``: when the frame was presented, in seconds since the kiosk opened (the
host's monotonic clock); ``draw_ms``: drawing what changed; ``present_ms``:
putting it on the screen. A frame with nothing new is neither drawn nor
presented, so it has no row.
"""

from __future__ import annotations

import time
from pathlib import Path

from station.errors import UserError

HEADER = "t_s,draw_ms,present_ms\n"


class FrameStats:
    """Writes a row per presented frame to the CSV file at ``path``.

        stats = FrameStats(Path("frames.csv"))
        stats.row(draw_s=0.0012, present_s=0.0004)
        stats.close()
    """

    def __init__(self, path: Path, clock=time.monotonic) -> None:
        try:
            # A line at a time: a row is on disk as its frame shows, so a
            # benchmark can see the first frame, and a crash loses no row.
            self._file = open(path, "w", encoding="utf-8", buffering=1)
        except OSError as error:
            raise UserError(f"The frame statistics cannot be written to {path} ({error.strerror}); "
                            "give a file in a folder you can write to.") from None
        self._file.write(HEADER)
        self._clock = clock
        self._start_s = clock()

    def row(self, draw_s: float, present_s: float) -> None:
        """One presented frame: how long drawing and presenting it took, in seconds."""
        self._file.write(f"{self._clock() - self._start_s:.6f},{draw_s * 1000:.3f},{present_s * 1000:.3f}\n")

    def close(self) -> None:
        self._file.close()
