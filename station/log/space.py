"""Keeping free space on the data folder's disk: raw recordings give way,
oldest first, and the session log's rows are never deleted."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Callable

from station.log.db import transaction


def nearest_existing(folder: Path) -> Path:
    """``folder``, or its nearest parent that exists: the data folder is made
    only with the first set, but its disk can be asked about before."""
    folder = Path(folder)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def free_bytes_of(folder: Path) -> int:
    """Free bytes for an ordinary user on the disk that holds ``folder``."""
    return shutil.disk_usage(folder).free


class DiskGuard:
    """Frees space for the session log by deleting old raw recordings.

    conn: the session log (``sets.recording_path`` is set to NULL for each
        file deleted).
    data_dir: the data folder; recording paths are relative to it.
    min_free_bytes: below this much free space, recordings are deleted.
    free_bytes: the free-space probe (a test passes its own).

        guard = DiskGuard(conn, data_dir, 500 * 2**20)
        if not guard.make_room(keep="recordings/12-3.csv.partial"):
            ...  # even with every old recording gone there is too little space
    """

    def __init__(self, conn: sqlite3.Connection, data_dir: Path, min_free_bytes: int,
                 free_bytes: Callable[[Path], int] = free_bytes_of) -> None:
        self.conn = conn
        self.data_dir = Path(data_dir)
        self.min_free_bytes = min_free_bytes
        self.free_bytes = free_bytes

    def make_room(self, keep: str | None = None) -> bool:
        """Delete the oldest recordings (never ``keep``) until there is
        enough free space; False if there still is not."""
        while self.free_bytes(self.data_dir) < self.min_free_bytes:
            oldest = self.conn.execute(
                "SELECT id, recording_path FROM sets WHERE recording_path IS NOT NULL "
                "AND recording_path IS NOT ? ORDER BY id LIMIT 1", (keep,)).fetchone()
            if oldest is None:
                return False
            set_id, relative = oldest
            # The row forgets the file before the file goes: a crash in between
            # leaves a stray file, never a row naming a file that is gone.
            with transaction(self.conn):
                self.conn.execute("UPDATE sets SET recording_path = NULL WHERE id = ?", (set_id,))
            (self.data_dir / relative).unlink(missing_ok=True)
        return True
