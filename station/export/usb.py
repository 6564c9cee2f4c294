"""USB sticks: which are mounted, and unmounting one after an export.

The station learns of sticks from ``/proc/self/mountinfo`` alone: reading it
never touches a device, so ``StickWatcher.poll`` cannot hang on a slow or
dying stick and is cheap enough for the kiosk loop to call every second. A
stick is a mount point at or under one of the configured roots
(``[export] mount_roots``) with a file system sticks are formatted with.

Example::

    watcher = StickWatcher()
    for stick in watcher.poll():
        print(stick.mount_point)
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

MOUNTINFO = Path("/proc/self/mountinfo")
DEFAULT_ROOTS = ("/media", "/run/media", "/mnt/usb")
#: What USB sticks and card readers come formatted with (fuseblk: NTFS or
#: exFAT through FUSE). Anything else under the roots is not offered.
STICK_FILE_SYSTEMS = frozenset({"vfat", "exfat", "ntfs", "ntfs3", "ext4", "fuseblk"})
#: Unmounting flushes the stick's caches first; a slow stick may take this long.
UNMOUNT_TIMEOUT_S = 20.0
UNMOUNT_FAILED = "Could not unmount the stick: wait a moment and remove it, or use Export again."
#: Tried in order: systemd-mount undoes its own automounts cleanly; plain
#: umount for everything else.
UNMOUNT_COMMANDS = (("systemd-mount", "--umount"), ("umount",))
#: Installed as a service, the station's user may not unmount: it asks by
#: creating an empty file named like the stick's folder here, and a root
#: helper unmounts it (docs/install.md, "USB sticks").
EJECT_DIR = Path("/run/jumpmat/eject")
#: How often the mount table is read while waiting for that helper.
EJECT_POLL_S = 0.1
_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True)
class Stick:
    """A mounted stick: where it is mounted, its device, file system, and
    whether it is mounted read-only."""

    mount_point: Path
    device: str
    fs_type: str
    read_only: bool

    @property
    def label(self) -> str:
        """What to call it on screen: the mount folder's name (usually the stick's label)."""
        return self.mount_point.name


def unescape(field: str) -> str:
    """A mountinfo field with its octal escapes (``\\040`` for a space) decoded."""
    return _OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str, roots=DEFAULT_ROOTS) -> list[Stick]:
    """The sticks among the mounts described by mountinfo ``text``."""
    sticks = []
    for line in text.splitlines():
        fields = line.split(" ")
        if "-" not in fields[6:]:
            continue
        separator = fields.index("-", 6)
        if len(fields) < separator + 3:
            continue
        mount_point = unescape(fields[4])
        fs_type, device = fields[separator + 1], unescape(fields[separator + 2])
        if fs_type in STICK_FILE_SYSTEMS and _under_roots(mount_point, roots):
            sticks.append(Stick(Path(mount_point), device, fs_type,
                                "ro" in fields[5].split(",")))
    return sticks


def _under_roots(mount_point: str, roots) -> bool:
    path = PurePosixPath(mount_point)
    return any(path == PurePosixPath(root) or PurePosixPath(root) in path.parents for root in roots)


class StickWatcher:
    """Watches for sticks being plugged in and taken out.

    ``mountinfo_path``: the mount table to read (a fixture file in tests);
    ``roots``: folders under which sticks get mounted.

    Example::

        watcher = StickWatcher(roots=config.export.mount_roots)
        watcher.poll()
        for stick in watcher.arrived:
            offer_export(stick)
    """

    def __init__(self, mountinfo_path: Path = MOUNTINFO, roots=DEFAULT_ROOTS):
        self.mountinfo_path = Path(mountinfo_path)
        self.roots = tuple(roots)
        self.sticks: list[Stick] = []
        self.arrived: list[Stick] = []

    def poll(self) -> list[Stick]:
        """The sticks mounted now; ``arrived`` becomes those new since the last poll."""
        try:
            text = self.mountinfo_path.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError:
            text = ""
        sticks = parse_mountinfo(text, self.roots)
        self.arrived = [s for s in sticks if s not in self.sticks]
        self.sticks = sticks
        return sticks


Runner = Callable[..., subprocess.CompletedProcess]


def unmount(stick: Stick, run: Runner = subprocess.run, timeout_s: float = UNMOUNT_TIMEOUT_S,
            eject_dir: Path = EJECT_DIR, mountinfo_path: Path = MOUNTINFO) -> str | None:
    """Unmount ``stick``: None when done, else the sentence to show.

    Where ``eject_dir`` exists (the installed station), asks the root helper
    and waits until the stick leaves ``mountinfo_path``; elsewhere runs the
    unmount commands through ``run`` (``subprocess.run``).
    """
    if Path(eject_dir).is_dir():
        return _ask_helper(stick, Path(eject_dir), Path(mountinfo_path), timeout_s)
    for command in UNMOUNT_COMMANDS:
        try:
            done = run([*command, str(stick.mount_point)], capture_output=True, text=True,
                       timeout=timeout_s)
        except FileNotFoundError:
            continue
        except subprocess.TimeoutExpired:
            return UNMOUNT_FAILED
        if done.returncode == 0:
            return None
    return UNMOUNT_FAILED


def _ask_helper(stick: Stick, eject_dir: Path, mountinfo_path: Path,
                timeout_s: float) -> str | None:
    try:
        (eject_dir / stick.mount_point.name).touch()
    except OSError:
        return UNMOUNT_FAILED
    watcher = StickWatcher(mountinfo_path, roots=(str(stick.mount_point),))
    deadline_s = time.monotonic() + timeout_s
    while any(s.mount_point == stick.mount_point for s in watcher.poll()):
        if time.monotonic() > deadline_s:
            return UNMOUNT_FAILED
        time.sleep(EJECT_POLL_S)
    return None
