"""A stick plugged in and out through a real mountinfo file, and work that
finishes when a test says so, for the kiosk's USB tests."""

from pathlib import Path

from station.export.usb import StickWatcher
from station.kiosk.usb.control import StickLook, UsbControl


class Mounts:
    """A mountinfo file the watcher reads; ``plug``/``pull`` change it."""

    def __init__(self, tmp_path: Path):
        self.root = tmp_path / "media"
        self.root.mkdir(exist_ok=True)
        self.table = tmp_path / "mountinfo"
        self.mounted: list[str] = []
        self._write()
        self.watcher = StickWatcher(self.table, roots=(str(self.root),))

    def plug(self, name="STICK", device="/dev/sdb1") -> Path:
        path = self.root / name
        path.mkdir(exist_ok=True)
        self.mounted.append(f"88 22 8:17 / {path} rw,relatime shared:40 - vfat {device} rw")
        self._write()
        return path

    def pull(self) -> None:
        self.mounted.pop()
        self._write()

    def _write(self):
        self.table.write_text("22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
                              + "".join(line + "\n" for line in self.mounted))


class Work:
    """An export job, a look or an import that is done when ``finish`` is called."""

    def __init__(self, value=None):
        self.done = False
        self.value, self.error, self.result = value, None, None
        self.progress = (0, 0)
        self.unmount_problem = None
        self.stopped = self.cancelled = False

    def finish(self, value=None, error=None, result=None, unmount_problem=None):
        self.value = value if value is not None else self.value
        self.error, self.result, self.unmount_problem = error, result, unmount_problem
        self.done = True

    def stop(self):
        self.stopped = True

    def cancel(self):
        self.cancelled = True


class Recorder:
    """Hands out ``Work`` and remembers what was asked."""

    def __init__(self, look=StickLook(12, True), finish_looks=True):
        self.look_value, self.finish_looks = look, finish_looks
        self.exports, self.imports, self.looks = [], [], []

    def look(self, stick):
        work = Work()
        if self.finish_looks:
            work.finish(value=self.look_value)
        self.looks.append((stick, work))
        return work

    def export(self, stick, since):
        self.exports.append((stick, since, Work()))
        return self.exports[-1][2]

    def import_roster(self, stick):
        self.imports.append((stick, Work()))
        return self.imports[-1][1]


def control_for(mounts: Mounts, recorder: Recorder) -> UsbControl:
    mounts.watcher.poll()
    return UsbControl(mounts.watcher, recorder.look, recorder.export, recorder.import_roster)
