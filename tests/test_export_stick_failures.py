"""A stick that fills up, is read-only, or is pulled out mid-export: one plain
sentence, never an incomplete file under its final name, no export recorded,
and exporting again once the stick is fixed gives complete files."""

import errno
import os
import subprocess
from pathlib import Path

import pytest

from log_rows import T0, fill_log, new_log
from station.errors import UserError
from station.export.atomic import PARTIAL_SUFFIX, StickWriter
from station.export.exporter import export_log

PULLED = "The USB stick stopped answering (was it pulled out?): plug it in again, then export again."
FULL = "The USB stick is full: free some space or use another stick, then export again."
READ_ONLY = ("The USB stick is read-only: slide its lock switch off or use another stick, "
             "then export again.")


@pytest.fixture
def log(tmp_path):
    conn = new_log(tmp_path / "station.db")
    fill_log(conn, ["Anna", "Bo", "Cy"], sessions=3, sets_per_athlete=2, reps_per_set=8)
    yield conn
    conn.close()


@pytest.fixture
def reference(log, tmp_path):
    """Every file of a good export, by path inside its folder."""
    dest = tmp_path / "reference"
    dest.mkdir()
    folder = export_log(log, tmp_path, dest, now=T0).folder
    log.execute("DELETE FROM exports")
    log.commit()
    return tree(folder)


def tree(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(Path(folder).rglob("*")) if path.is_file()}


def files_under(root):
    return [p for p in Path(root).rglob("*") if p.is_file()]


def exports(conn):
    return conn.execute("SELECT COUNT(*) FROM exports").fetchone()[0]


class PulledStick:
    """Writes like os.write until ``limit`` bytes, then fails as a pulled stick
    does (EIO), keeping a snapshot of the stick at that moment, before any
    clean-up: what a person would find on it."""

    def __init__(self, root, limit):
        self.root, self.limit, self.written, self.snapshot = Path(root), limit, 0, None

    def __call__(self, fd, data):
        room = self.limit - self.written
        if room <= 0:
            self.snapshot = {p: p.read_bytes() for p in files_under(self.root)}
            raise OSError(errno.EIO, "Input/output error")
        done = os.write(fd, bytes(data[:room]))
        self.written += done
        return done


@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 0.6, 0.9, 0.999])
def test_a_stick_pulled_out_mid_export(log, reference, tmp_path, share):
    dest = tmp_path / "stick"
    dest.mkdir()
    total = sum(len(data) for data in reference.values())
    pulled = PulledStick(dest, int(total * share))
    with pytest.raises(UserError) as raised:
        export_log(log, tmp_path, dest, now=T0, writer=StickWriter(write=pulled))
    assert str(raised.value) == PULLED
    assert any(p.name.endswith(PARTIAL_SUFFIX) for p in pulled.snapshot), "it failed mid-file"
    for path, data in pulled.snapshot.items():
        name = path.relative_to(dest).as_posix().split("/", 1)[1]
        if name.endswith(PARTIAL_SUFFIX):
            continue
        assert data == reference[name], f"{name} is under its final name but incomplete"
    assert files_under(dest) == [], "what the export wrote is taken back"
    assert exports(log) == 0
    retry = export_log(log, tmp_path, dest, now=T0)
    assert tree(retry.folder) == reference
    assert exports(log) == 1


def test_a_failed_export_does_not_move_since_last(log, reference, tmp_path):
    dest = tmp_path / "stick"
    dest.mkdir()
    with pytest.raises(UserError):
        export_log(log, tmp_path, dest, writer=StickWriter(write=PulledStick(dest, 5000)))
    again = export_log(log, tmp_path, dest, since="last", now=T0)
    assert (again.folder / "reps.csv").read_bytes() == reference["reps.csv"]


def test_the_partial_file_goes_when_a_write_fails(tmp_path):
    def chunks():
        yield b"x" * 1000
        raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(UserError, match="full"):
        StickWriter().write_chunks(tmp_path / "reps.csv", chunks())
    assert os.listdir(tmp_path) == []


def test_a_fault_mid_export_also_leaves_nothing_behind(log, tmp_path):
    dest = tmp_path / "stick"
    dest.mkdir()
    calls = []

    def faulty(fd, data):
        calls.append(len(data))
        if len(calls) == 3:
            raise ValueError("a fault in the station")
        return os.write(fd, data)

    with pytest.raises(ValueError):
        export_log(log, tmp_path, dest, writer=StickWriter(write=faulty))
    assert list(dest.iterdir()) == [] and exports(log) == 0


def mount(*args):
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@pytest.fixture
def small_stick(tmp_path):
    """A real 64 KiB file system (tmpfs), too small for the export."""
    point = tmp_path / "small-stick"
    point.mkdir()
    done = mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()})")
    yield point
    subprocess.run(["umount", str(point)], check=True)


def test_a_full_stick(log, reference, tmp_path, small_stick):
    assert sum(map(len, reference.values())) > 64 * 1024
    with pytest.raises(UserError) as raised:
        export_log(log, tmp_path, small_stick, now=T0)
    assert str(raised.value) == FULL
    assert files_under(small_stick) == [] and exports(log) == 0
    assert mount("-o", "remount,size=8m", str(small_stick)).returncode == 0
    retry = export_log(log, tmp_path, small_stick, now=T0)
    assert tree(retry.folder) == reference and exports(log) == 1


def test_a_read_only_stick(log, reference, tmp_path, small_stick):
    assert mount("-o", "remount,ro", str(small_stick)).returncode == 0
    with pytest.raises(UserError) as raised:
        export_log(log, tmp_path, small_stick, now=T0)
    assert str(raised.value) == READ_ONLY
    assert list(small_stick.iterdir()) == [] and exports(log) == 0
    assert mount("-o", "remount,rw,size=8m", str(small_stick)).returncode == 0
    retry = export_log(log, tmp_path, small_stick, now=T0)
    assert tree(retry.folder) == reference and exports(log) == 1
