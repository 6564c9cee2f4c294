"""The running station's device counts, for `station doctor` (which cannot
open a port the station holds) and for a headless run's JSON lines.

``DeviceStatus`` looks at the source's counts (station.sources.device_counts)
at most every ``WRITE_EVERY_S``; when one grew it rewrites ``devices.json``
in the data folder, whole or not at all, and hands back what grew.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from station.sources.device_counts import DeviceCounts, device_counts, grown

STATUS_FILE = "devices.json"
#: Counts a person reads: once a second is as fresh as they can follow, and
#: a storm of bad frames is one line a second, not thousands.
WRITE_EVERY_S = 1.0


class DeviceStatus:
    """Keeps the counts of ``source``'s devices in ``data_dir``.

        status = DeviceStatus(data_dir, source)
        for device, more in status.update():   # each step
            print(device.device, device.describe(more))
        status.update(final=True)               # the run ended
    """

    def __init__(self, data_dir: Path, source, clock=time.monotonic, wall_clock=time.time) -> None:
        self.path = Path(data_dir) / STATUS_FILE
        self.source = source
        self.clock, self.wall_clock = clock, wall_clock
        self.since = wall_clock()
        self._counts: dict[str, dict[str, int]] = {}
        self._due_s = -1.0
        self._written = False

    def update(self, final: bool = False) -> list[tuple[DeviceCounts, dict[str, int]]]:
        """Each device whose counts grew since the last look, with how much
        each grew ([] when not due or nothing grew); the file rewritten then.
        ``final``: the run ended (due at once, and written as the last run's)."""
        now_s = self.clock()
        if not final and now_s < self._due_s:
            return []
        self._due_s = now_s + WRITE_EVERY_S
        devices = device_counts(self.source)
        changes = [(device, grown(self._counts.get(device.device, {}), device.counts))
                   for device in devices]
        changes = [(device, more) for device, more in changes if more]
        if devices and (changes or not self._written or final):
            self._write(devices, running=not final)
        self._counts = {device.device: device.counts for device in devices}
        return changes

    def _write(self, devices: list[DeviceCounts], running: bool) -> None:
        status = {"since": self.since, "written": self.wall_clock(), "running": running,
                  "devices": [{"device": d.device, "counts": d.counts, "words": d.words} for d in devices]}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".partial")
            partial.write_text(json.dumps(status), encoding="utf-8")
            os.replace(partial, self.path)
        except OSError:
            return   # counts for the doctor are never a reason to stop; written again when they grow
        self._written = True


def read_device_status(data_dir: Path) -> dict | None:
    """The status a station last wrote in ``data_dir``, its devices as
    DeviceCounts; None if there is none or it cannot be read."""
    try:
        status = json.loads((Path(data_dir) / STATUS_FILE).read_text(encoding="utf-8"))
        status["devices"] = [DeviceCounts(d["device"], d["counts"], d["words"]) for d in status["devices"]]
        return status
    except (OSError, ValueError, TypeError, KeyError):
        return None


@dataclass(frozen=True)
class CountsGrew:
    """A device's counts of trouble grew, at session time ``time_s``: the
    ``device_counts`` line of a headless run (docs/json-output.md)."""

    time_s: float
    device: DeviceCounts
    grown: dict[str, int]

    def to_json(self) -> dict:
        return {"type": "device_counts", "time_s": round(self.time_s, 6), "device": self.device.device,
                "grown": self.grown, "counts": self.device.counts, "said": self.device.describe(self.grown)}
