"""USB sticks: found in a real mountinfo file, and unmounted through an injected
command runner (the export job itself: test_export_job.py)."""

import subprocess
import threading
import time
from pathlib import Path

from station.export.usb import UNMOUNT_FAILED, Stick, StickWatcher, parse_mountinfo, unmount

MOUNTINFO = r"""22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw
25 22 0:5 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
31 22 8:1 / /boot/firmware rw,relatime shared:2 - vfat /dev/sda1 rw,fmask=0022
88 22 8:17 / /media/pi/MY\040STICK rw,nosuid,nodev,relatime shared:40 - vfat /dev/sdb1 rw,uid=1000
89 22 8:33 / /run/media/system/BACKUP rw,relatime shared:41 master:7 - exfat /dev/sdc1 rw
90 22 8:49 / /mnt/usb ro,relatime shared:42 - ntfs3 /dev/sdd1 ro
91 22 0:44 / /media/ram rw,relatime shared:43 - tmpfs tmpfs rw,size=1024k
92 22 8:65 / /media2/other rw,relatime shared:44 - vfat /dev/sde1 rw
93 22 8:81 / /mnt/usbdrive rw,relatime shared:45 - vfat /dev/sdf1 rw
94 22 8:97 / /media/tab\011and\134slash rw,relatime - fuseblk /dev/sdg1 rw
"""


def test_sticks_are_removable_file_systems_under_the_roots():
    sticks = parse_mountinfo(MOUNTINFO)
    assert [s.mount_point for s in sticks] == [
        Path("/media/pi/MY STICK"), Path("/run/media/system/BACKUP"), Path("/mnt/usb"),
        Path("/media/tab\tand\\slash")]
    assert [s.fs_type for s in sticks] == ["vfat", "exfat", "ntfs3", "fuseblk"]
    assert sticks[0] == Stick(Path("/media/pi/MY STICK"), "/dev/sdb1", "vfat", read_only=False)
    assert sticks[2].read_only and sticks[0].label == "MY STICK"


def test_only_the_configured_roots_count():
    sticks = parse_mountinfo(MOUNTINFO, roots=("/media2", "/boot"))
    assert [s.mount_point for s in sticks] == [Path("/boot/firmware"), Path("/media2/other")]


def test_the_watcher_reports_sticks_as_they_come_and_go(tmp_path):
    table = tmp_path / "mountinfo"
    lines = MOUNTINFO.splitlines(keepends=True)
    table.write_text("".join(lines[:3]))
    watcher = StickWatcher(mountinfo_path=table)
    assert watcher.poll() == [] and watcher.arrived == []
    table.write_text("".join(lines[:4]))
    assert [s.label for s in watcher.poll()] == ["MY STICK"]
    assert [s.label for s in watcher.arrived] == ["MY STICK"]
    table.write_text("".join(lines[:5]))
    assert len(watcher.poll()) == 2 and [s.label for s in watcher.arrived] == ["BACKUP"]
    table.write_text("".join(lines[:3]))
    assert watcher.poll() == [] and watcher.arrived == []


def test_the_watcher_reads_this_machines_mounts_quickly():
    watcher = StickWatcher()
    start = time.perf_counter()
    for _ in range(100):
        watcher.poll()
    assert (time.perf_counter() - start) / 100 < 0.005, "cheap enough for every kiosk frame"


def test_no_mount_table_means_no_sticks(tmp_path):
    assert StickWatcher(mountinfo_path=tmp_path / "missing").poll() == []


STICK = Stick(Path("/media/pi/MY STICK"), "/dev/sdb1", "vfat", False)


class Runner:
    """Records commands; answers each program with a return code, or raises."""

    def __init__(self, **answers):
        self.answers, self.calls = answers, []

    def __call__(self, argv, **kwargs):
        self.calls.append(argv)
        answer = self.answers.get(argv[0].replace("-", "_"), FileNotFoundError(argv[0]))
        if isinstance(answer, Exception):
            raise answer
        return subprocess.CompletedProcess(argv, answer, "", "")


def test_unmount_uses_systemd_mount_when_it_works(tmp_path):
    run = Runner(systemd_mount=0, umount=0)
    assert unmount(STICK, run=run, eject_dir=tmp_path / "none") is None
    assert run.calls == [["systemd-mount", "--umount", "/media/pi/MY STICK"]]


def test_unmount_falls_back_to_umount_when_systemd_mount_is_missing_or_fails(tmp_path):
    for first in (FileNotFoundError("systemd-mount"), 1):
        run = Runner(systemd_mount=first, umount=0)
        assert unmount(STICK, run=run, eject_dir=tmp_path / "none") is None
        assert run.calls[-1] == ["umount", "/media/pi/MY STICK"]


def test_unmount_failure_is_a_plain_sentence(tmp_path):
    no_helper = tmp_path / "none"
    assert unmount(STICK, run=Runner(systemd_mount=1, umount=32), eject_dir=no_helper) == UNMOUNT_FAILED
    assert unmount(STICK, run=Runner(), eject_dir=no_helper) == UNMOUNT_FAILED, "no command at all"
    slow = Runner(systemd_mount=subprocess.TimeoutExpired("systemd-mount", 20))
    assert unmount(STICK, run=slow, eject_dir=no_helper) == UNMOUNT_FAILED
    assert UNMOUNT_FAILED == ("Could not unmount the stick: wait a moment and remove it, "
                              "or use Export again.")


def helper_setup(tmp_path):
    """An eject folder and a mount table holding STICK, as on an installed station."""
    eject = tmp_path / "eject"
    eject.mkdir()
    table = tmp_path / "mountinfo"
    table.write_text(MOUNTINFO)
    return eject, table


def test_an_installed_station_asks_the_helper_and_waits_for_the_unmount(tmp_path):
    eject, table = helper_setup(tmp_path)
    request = eject / "MY STICK"

    def helper():
        # The root helper: sees the request, unmounts, removes the request.
        while not request.exists():
            time.sleep(0.01)
        time.sleep(0.3)
        table.write_text("".join(l for l in MOUNTINFO.splitlines(True) if "MY\\040STICK" not in l))
        request.unlink()

    thread = threading.Thread(target=helper)
    thread.start()
    start = time.monotonic()
    assert unmount(STICK, run=Runner(), eject_dir=eject, mountinfo_path=table) is None
    thread.join()
    assert time.monotonic() - start >= 0.3, "it waited until the stick left the mount table"


def test_a_helper_that_never_unmounts_is_a_plain_sentence(tmp_path):
    eject, table = helper_setup(tmp_path)
    run = Runner(systemd_mount=0)
    assert unmount(STICK, run=run, timeout_s=0.3, eject_dir=eject, mountinfo_path=table) == UNMOUNT_FAILED
    assert (eject / "MY STICK").exists() and run.calls == []
