"""A session log the station cannot use, moved aside so a new one can start.

A damaged ``station.db`` (a cut power, a failing card) or one written by a
newer station is never deleted and never written to: it is renamed, with its
write-ahead log and shared-memory files, to a dated name beside it
(``station-damaged-20261204-210512.db``, ``station-newer-…``), where SQLite
still finds its WAL if someone opens it to recover it. The run then starts a
new log, so an unattended kiosk goes on keeping every session.
"""

from __future__ import annotations

import time
from pathlib import Path

from station.log.db import DB_FILE

#: Why a log was set aside, as the word in its new name.
DAMAGED, NEWER = "damaged", "newer"
#: The files of one SQLite database in WAL mode.
SUFFIXES = ("", "-wal", "-shm", "-journal")


def set_aside(data_dir: Path, why: str, now_s: float | None = None) -> Path:
    """Rename the log of ``data_dir`` (and its WAL) to a dated name beside
    it, never over an existing file; returns the new path of the database."""
    folder = Path(data_dir)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now_s is None else now_s))
    target = folder / f"station-{why}-{stamp}.db"
    count = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in SUFFIXES):
        count += 1
        target = folder / f"station-{why}-{stamp}-{count}.db"
    source = folder / DB_FILE
    # The database last: until it moves, a WAL beside it is still its own.
    for suffix in (*SUFFIXES[1:], ""):
        part = Path(f"{source}{suffix}")
        if part.exists():
            part.rename(f"{target}{suffix}")
    return target


def set_aside_logs(data_dir: Path) -> list[Path]:
    """Every log set aside in ``data_dir``, oldest first."""
    found = [path for why in (DAMAGED, NEWER) for path in Path(data_dir).glob(f"station-{why}-*.db")]
    return sorted(found, key=lambda path: path.stat().st_mtime_ns)


def notice(path: Path, why: str) -> str:
    """One sentence for the screen and the log."""
    what = ("was damaged" if why == DAMAGED else "was written by a newer station and is not "
            "overwritten")
    return (f"The session log {what}: it was set aside as {path} and a new log was started; "
            "keep that file for recovery.")
