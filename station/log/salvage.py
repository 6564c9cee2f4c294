"""Raw recordings of sets cut short by a crash or a power cut, made readable.

Such a file keeps its ``.partial`` name, and the power may have gone in the
middle of writing a line. On the next start its half-written last line is cut
off, so ``station analyse`` reads everything that reached the disk: the set's
readings up to the moment of the cut.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

LOG = logging.getLogger("station")
#: A file written to this recently may belong to a run still going (another
#: station process on the same log): it is left alone.
QUIET_S = 30.0
#: How far from its end a half-written line can start: far longer than any row.
TAIL_BYTES = 64 * 1024


def salvage_cut_recordings(conn: sqlite3.Connection, data_dir: Path, now_s: float | None = None) -> int:
    """Cut the half-written last line off every cut-short set's raw file;
    how many files were mended.

        salvage_cut_recordings(open_log(data_dir), data_dir)
    """
    now_s = time.time() if now_s is None else now_s
    rows = conn.execute("SELECT recording_path FROM sets WHERE end_s IS NULL "
                        "AND recording_path LIKE '%.partial'").fetchall()
    mended = 0
    for (relative,) in rows:
        path = Path(data_dir) / relative
        try:
            if now_s - path.stat().st_mtime < QUIET_S:
                continue
            mended += _cut_half_line(path)
        except OSError as error:  # gone, or unreadable: nothing to mend
            LOG.debug("not mending %s: %s", path, error)
    if mended:
        LOG.warning("%d raw recording(s) of sets cut short by a crash or a power cut were mended; "
                    "they hold the readings up to the cut.", mended)
    return mended


def _cut_half_line(path: Path) -> bool:
    """Truncate ``path`` after its last line end; True if a half line was cut."""
    with open(path, "r+b") as file:
        size = file.seek(0, os.SEEK_END)
        if size == 0:
            return False
        start = max(0, size - TAIL_BYTES)
        file.seek(start)
        tail = file.read()
        if tail.endswith(b"\n"):
            return False
        last_end = tail.rfind(b"\n")
        if last_end < 0 and start > 0:
            return False  # no line end in reach: not a recording we wrote
        file.truncate(start + last_end + 1)
        file.flush()
        os.fsync(file.fileno())
        return True
