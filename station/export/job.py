"""An export to a stick, then its unmount, for the kiosk: in a child process.

The kiosk's loop must keep drawing at full rate while files go to a slow
stick, and pygame (the export's charts use it) must never draw from two
threads of one process. So the export is ``station export --progress`` in a
child process; a small reader thread turns its JSON lines into ``progress``,
``result`` or ``error``, then unmounts the stick, and the loop only reads
those attributes. A child that crashes is a plain sentence, never a hang.

``cancel`` (BACK held at the kiosk) sends the child SIGTERM: it takes back
every file it wrote (``station export --progress`` stops on SIGTERM as on a
stick error), and only once it has ended is the stick unmounted, as after
any export: no incomplete file under a final name, never an unmount under
way while a file is written, and an unmount is always let finish.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from station.export.selection import SINCE_LAST
from station.export.usb import Stick, unmount

log = logging.getLogger(__name__)
FAULT = "The export stopped on a fault in the station: remove the stick and tell the staff."
#: The export yields the processor to the kiosk's loop (and the pipeline).
NICE = 10
#: How much of a crashed child's stderr goes to the journal.
STDERR_TAIL_CHARS = 2000


@dataclass(frozen=True)
class JobResult:
    """What a finished export wrote, as the child reported it."""

    folder: Path
    reps: int
    files: int
    bytes_written: int
    since: str | None


def export_command(data_dir: Path, stick: Stick, since: datetime | str | None = None,
                   athlete: str | None = None, config: Path | None = None) -> list[str]:
    """The ``station export --progress`` command line for this export."""
    command = [sys.executable, "-m", "station", "export", "--to", str(stick.mount_point),
               "--data-dir", str(data_dir), "--progress"]
    if since is not None:
        command += ["--since", since if since == SINCE_LAST else since.isoformat()]
    if athlete is not None:
        command += ["--athlete", athlete]
    if config is not None:
        command += ["--config", str(config)]
    if shutil.which("nice"):
        command = ["nice", "-n", str(NICE), *command]
    return command


class ExportJob:
    """Exports the session log onto ``stick`` in a child process, then unmounts it.

    ``data_dir``: the station's data folder; ``since``, ``athlete``: as for
    ``station export``; ``unmount_stick``: unmounts the stick afterwards,
    giving None or the sentence to show (``usb.unmount``); ``command``: the
    child's command line (``export_command`` by default).

    Example::

        job = ExportJob(data_dir, stick, since="last").start()
        # each frame: bar at job.progress; when job.done, job.error or "safe to remove"
    """

    def __init__(self, data_dir: Path, stick: Stick, since: datetime | str | None = None,
                 athlete: str | None = None,
                 unmount_stick: Callable[[Stick], str | None] = unmount,
                 command: list[str] | None = None):
        self.stick = stick
        self.result: JobResult | None = None
        self.error: str | None = None
        self.unmount_problem: str | None = None
        self.progress: tuple[int, int] = (0, 0)
        #: ``cancel`` was called: the export stops unless it had finished.
        self.cancelled = False
        self.command = command or export_command(Path(data_dir), stick, since, athlete)
        self._unmount = unmount_stick
        self._child: subprocess.Popen | None = None
        self._child_lock = threading.Lock()   # a cancel and the child's start, one at a time
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._work, name="export", daemon=True)

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    @property
    def safe_to_remove(self) -> bool:
        """Done, exported and unmounted: the stick may be pulled out."""
        return self.done and self.error is None and self.unmount_problem is None

    def start(self) -> "ExportJob":
        self._thread.start()
        return self

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait until done (at most ``timeout_s``); whether it is done."""
        return self._finished.wait(timeout_s)

    def stop(self) -> None:
        """Stop the child (the kiosk is closing); it takes back what it wrote."""
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()

    def cancel(self) -> None:
        """Stop the export: the child takes back what it wrote and ends,
        then the stick is unmounted; ``done`` says when. An export that had
        finished already (``result``) stays on the stick, whole."""
        with self._child_lock:
            self.cancelled = True
            self.stop()

    def _work(self) -> None:
        try:
            self._run_child()
        except Exception:
            # A fault here, not in the stick: keep the kiosk running and leave
            # the traceback for the journal.
            log.exception("export to %s failed", self.stick.mount_point)
            self.error = FAULT
        finally:
            self.unmount_problem = self._unmount(self.stick)
            self._finished.set()

    def _run_child(self) -> None:
        env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
        # stderr to a file, not a pipe: a chatty child can never fill a pipe
        # nobody reads and hang.
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stderr:
            with self._child_lock:
                self._child = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=stderr,
                                               stdin=subprocess.DEVNULL, text=True, env=env)
                if self.cancelled:
                    self._child.terminate()
            with self._child.stdout as lines:
                for line in lines:
                    self._take(line)
            code = self._child.wait()
            if self.result is None and self.error is None and not self.cancelled:
                stderr.seek(0)
                log.error("the export child ended with code %s without a result: %s", code,
                          stderr.read()[-STDERR_TAIL_CHARS:])
                self.error = FAULT

    def _take(self, line: str) -> None:
        try:
            record = json.loads(line)
        except ValueError:
            log.warning("the export child said: %s", line.rstrip())
            return
        if "done" in record:
            self.progress = (record["done"], record["total"])
        elif "error" in record:
            self.error = record["error"]
        elif "result" in record:
            found = record["result"]
            self.result = JobResult(Path(found["folder"]), found["reps"], found["files"],
                                    found["bytes_written"], found["since"])
