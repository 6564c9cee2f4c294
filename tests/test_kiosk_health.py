"""The kiosk's own warnings: load cells never calibrated, a disk nearly full."""

from dataclasses import replace

from station.kiosk.state.board import LiveBoard
from station.kiosk.state.health import DISK_CHECK_S, Health, calibration_problem
from station.sources.loadcell.calibration import calibration_path, save_calibration
from station.sources.loadcell.emulator import EMULATED_CALIBRATION

MB = 1_000_000


class Disk:
    def __init__(self, free_mb):
        self.free_mb, self.asked = free_mb, 0

    def __call__(self, folder):
        self.asked += 1
        return int(self.free_mb * MB)


class Clock:
    def __init__(self):
        self.now_s = 100.0

    def __call__(self):
        return self.now_s


def kinds(board):
    return [kind for kind, _ in board.shown_banners]


def test_without_load_cells_there_is_no_calibration_to_need(tmp_path):
    assert calibration_problem("simulated", tmp_path) is None
    assert calibration_problem("none", tmp_path) is None


def test_load_cells_never_calibrated_are_said_to_need_it(tmp_path):
    problem = calibration_problem("frontend", tmp_path)
    assert problem.startswith("The load cells are not calibrated: hold SELECT and NEXT together "
                              "to calibrate them;")


def test_calibrated_load_cells_need_nothing(tmp_path):
    calibrated = replace(EMULATED_CALIBRATION, calibrated_at="2026-11-24T10:00:00+00:00")
    save_calibration(calibration_path(tmp_path), calibrated)
    assert calibration_problem("frontend", tmp_path) is None


def test_a_disk_below_the_storage_minimum_gets_a_banner_that_goes_when_space_is_back(tmp_path):
    board, disk, clock = LiveBoard(), Disk(120), Clock()
    health = Health(board, tmp_path, min_free_mb=500, free_bytes=disk, clock_s=clock)
    health.check()
    assert kinds(board) == ["disk"]
    assert "(120 MB free): export the log to a USB stick" in board.shown_banners[0][1]
    disk.free_mb = 900
    clock.now_s += DISK_CHECK_S - 1
    health.check()
    assert kinds(board) == ["disk"] and disk.asked == 1, "the disk is looked at every 30 s, not every frame"
    clock.now_s += 2
    health.check()
    assert kinds(board) == [] and disk.asked == 2


def test_the_calibration_banner_sits_beside_the_others(tmp_path):
    board = LiveBoard(simulated=True)
    board.banners.append(("config", "A config problem."))
    Health(board, tmp_path / "not-made-yet", min_free_mb=0, calibration="Not calibrated.").check()
    assert sorted(kinds(board)) == ["calibration", "config", "simulated"]
