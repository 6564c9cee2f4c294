"""The running station's reader, for `station doctor`: what it is, whether it
is connected, and its counts of good and bad reads, in a small JSON file in
the data folder (``identity-reader.json``), rewritten at most every
``WRITE_EVERY_S`` when something changed, whole or not at all."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path

from station.identity.counts import ReadCounts

STATUS_FILE = "identity-reader.json"
#: Often enough for a doctor run beside the station, rare enough to be nothing for the SD card.
WRITE_EVERY_S = 10.0


class StatusFile:
    """Keeps ``reader``'s status in ``data_dir``.

        status = StatusFile(data_dir, reader)
        status.update()      # each step; writes only when due and changed
    """

    def __init__(self, data_dir: Path, reader, clock=time.monotonic, wall_clock=time.time) -> None:
        self.path = Path(data_dir) / STATUS_FILE
        self.reader = reader
        self.clock, self.wall_clock = clock, wall_clock
        self.started_at = wall_clock()
        self._written: tuple | None = None
        self._due_s = -1.0

    def update(self, force: bool = False) -> None:
        now_s = self.clock()
        if not force and now_s < self._due_s:
            return
        self._due_s = now_s + WRITE_EVERY_S
        status = {"reader": self.reader.name, "connected": self.reader.connected,
                  "reconnects": self.reader.reconnects, "counts": asdict(self.reader.counts),
                  "since": self.started_at}
        key = json.dumps(status, sort_keys=True)
        if key == self._written:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".partial")
            partial.write_text(json.dumps({**status, "written": self.wall_clock()}), encoding="utf-8")
            os.replace(partial, self.path)
        except OSError:
            return   # a status for the doctor is never a reason to stop; tried again when due
        self._written = key


def read_status(data_dir: Path) -> dict | None:
    """The last status a station wrote in ``data_dir``, with ``counts`` as
    ReadCounts; None if there is none or it cannot be read."""
    try:
        status = json.loads((Path(data_dir) / STATUS_FILE).read_text(encoding="utf-8"))
        status["counts"] = ReadCounts(**status["counts"])
        return status
    except (OSError, ValueError, TypeError, KeyError):
        return None
