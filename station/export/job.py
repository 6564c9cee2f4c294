"""An export to a stick, then its unmount, in a worker thread for the kiosk.

The kiosk's loop must keep drawing while files go to a slow stick, so the
export runs in its own thread with its own database connection (sqlite3
connections belong to the thread that made them). The loop reads
``progress`` for a bar, and once ``done``: ``error`` or "safe to remove".
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Callable

from station.errors import UserError
from station.export.exporter import ExportResult, export_log
from station.export.usb import Stick, unmount

log = logging.getLogger(__name__)
FAULT = "The export stopped on a fault in the station: remove the stick and tell the staff."


class ExportJob:
    """Exports the session log onto ``stick``, then unmounts it, in a thread.

    ``connect``: opens the session log (called in the worker thread);
    ``data_dir``: the station's data folder (recordings); ``since``,
    ``athlete``: as for ``export_log``; ``unmount_stick``: unmounts the stick
    afterwards, giving None or the sentence to show (``usb.unmount``).

    Example::

        job = ExportJob(lambda: open_log(data_dir), data_dir, stick, since="last")
        job.start()
        # each frame: bar at job.progress; when job.done, job.error or "safe to remove"
    """

    def __init__(self, connect: Callable, data_dir: Path, stick: Stick,
                 since: datetime | str | None = None, athlete: str | None = None,
                 unmount_stick: Callable[[Stick], str | None] = unmount):
        self.stick = stick
        self.result: ExportResult | None = None
        self.error: str | None = None
        self.unmount_problem: str | None = None
        self.progress: tuple[int, int] = (0, 0)
        self._work = (connect, Path(data_dir), since, athlete)
        self._unmount = unmount_stick
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._export, name="export", daemon=True)

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    @property
    def safe_to_remove(self) -> bool:
        """Done and unmounted: the stick may be pulled out."""
        return self.done and self.unmount_problem is None

    def start(self) -> "ExportJob":
        self._thread.start()
        return self

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait until done (at most ``timeout_s``); whether it is done."""
        return self._finished.wait(timeout_s)

    def _export(self) -> None:
        connect, data_dir, since, athlete = self._work
        try:
            conn = connect()
            try:
                self.result = export_log(conn, data_dir, self.stick.mount_point, since=since,
                                         athlete=athlete, progress=self._progressed)
            finally:
                conn.close()
        except UserError as error:
            self.error = str(error)
        except Exception:
            # A fault in the station, not the stick: keep the kiosk running
            # and leave the traceback for the journal.
            log.exception("export to %s failed", self.stick.mount_point)
            self.error = FAULT
        finally:
            self.unmount_problem = self._unmount(self.stick)
            self._finished.set()

    def _progressed(self, done: int, total: int) -> None:
        self.progress = (done, total)
