"""Sensor faults, live: each injected with the front-end emulator, seen by the
pipeline within a second, shown as a kiosk banner, logged, and reported by
`station doctor` and `station analyse`. The rules at their edges, pure."""

import logging

import numpy as np
import pytest
from station_process import station
from waiting import wait_until

from station.analysis.events import Fault, Flight
from station.analysis.force.handover import NO_MAT
from station.analysis.force.cells import CELLS, PLATE, CellWatch
from station.analysis.force.rules import ForceRules
from station.analysis.pipeline import Pipeline
from station.app import StationLoop
from station.kiosk.state.board import LiveBoard
from station.log.db import open_log
from station.log.writer import SessionLog
from station.readings import TWO_ZONES, ForceBlock
from station.sources.loadcell.calibration import calibration_path, save_calibration
from station.sources.loadcell.emulator import EMULATED_CALIBRATION, DeviceEmulator
from station.sources.loadcell.link import FrontEndLink
from station.sources.loadcell.source import LoadCellSource
from station.sources.recording import recording_from_readings, write_recording
from station.sources.simulated import simulate

RULES = ForceRules()
RATE_HZ = 1000


def watch(corners_n, cell_range_n=None, fz_n=None):
    """The faults a CellWatch finds in (n, 4) corner forces at 1 kHz."""
    cells = CellWatch(RULES, cell_range_n)
    time_s = np.arange(len(corners_n)) / RATE_HZ
    cells.feed(time_s, corners_n.sum(axis=1) if fz_n is None else fz_n, corners_n)
    return [fault for _, fault in cells.decide(np.inf)], cells


def standing(seconds=1.0, load_n=200.0, sd_n=3.0, seed=1):
    rng = np.random.default_rng(seed)
    return load_n + rng.normal(0, sd_n, size=(int(seconds * RATE_HZ), 4))


@pytest.mark.parametrize("stuck_sd_n, others_sd_n, found", [
    (0.0, 3.0, True), (RULES.cell_stuck_sd_n * 0.9, 3.0, True),
    (RULES.cell_stuck_sd_n * 1.5, 3.0, False),      # it moves a little: alive
    (0.0, RULES.cell_moving_sd_n * 0.8, False),     # nothing moves: not judged
])
def test_a_cell_that_does_not_move_while_the_others_do_is_stuck(stuck_sd_n, others_sd_n, found):
    corners = standing(sd_n=others_sd_n)
    corners[:, 1] = 150 + stuck_sd_n * np.tile([-1.0, 1.0], len(corners) // 2)
    faults, _ = watch(corners)
    assert ([f.device for f in faults] == ["front-right"]) is found
    if found:
        assert "does not move" in faults[0].message


@pytest.mark.parametrize("margins, found", [(0.5, True), (1.5, False)])
def test_a_cell_at_its_converters_limit_is_saturated(margins, found):
    ranges = [(-3700.0, 3700.0)] * 4
    margin_n = 7400.0 * RULES.cell_saturated_share
    corners = standing()
    corners[:, 3] = 3700.0 - margins * margin_n + np.random.default_rng(7).uniform(-1, 1, len(corners))
    faults, _ = watch(corners, ranges)
    assert any(f.device == "back-right" and "limit of its converter" in f.message for f in faults) is found


def test_without_the_converters_range_no_cell_is_called_saturated():
    corners = standing()
    corners[:, 3] = 3699.0 + np.random.default_rng(2).normal(0, 2, len(corners))
    faults, _ = watch(corners)
    assert faults == []


@pytest.mark.parametrize("mean_n, found", [(-RULES.cell_negative_n - 1, True), (-RULES.cell_negative_n + 1, False)])
def test_a_cell_well_below_zero_is_a_fault(mean_n, found):
    corners = standing()
    corners[:, 0] = mean_n + np.random.default_rng(3).normal(0, 3, len(corners))
    faults, _ = watch(corners)
    assert any(f.device == "front-left" and "below zero" in f.message for f in faults) is found


@pytest.mark.parametrize("zero_n, found", [(RULES.zero_drift_max_n + 0.5, True), (RULES.zero_drift_max_n - 0.5, False),
                                           (-RULES.zero_drift_max_n - 0.5, True)])
def test_an_empty_plate_reading_more_than_zero_drift_max_n_has_drifted(zero_n, found):
    corners = zero_n / 4 + np.random.default_rng(4).normal(0, 0.3, size=(1000, 4))
    faults, _ = watch(corners)
    assert any(f.device == PLATE for f in faults) is found


def test_a_fault_ends_when_the_cell_reads_normally_again_and_is_told_once():
    stuck = standing(2.0)
    stuck[:, 2] = 100.0
    faults, cells = watch(np.concatenate([stuck, standing(1.0, seed=5)]))
    assert [(f.device, f.active) for f in faults] == [("back-left", True), ("back-left", False)]
    assert faults[0].time_s == pytest.approx(RULES.cell_check_s)
    assert cells.active == {}


def test_faults_do_not_depend_on_how_samples_arrive():
    corners = standing(3.0)
    corners[:, 2] = 100.0
    corners[1500:, 2] += np.random.default_rng(6).normal(0, 3, 1500)
    time_s = np.arange(len(corners)) / RATE_HZ
    whole, _ = watch(corners)
    cells = CellWatch(RULES)
    for start in range(0, len(corners), 37):
        part = corners[start:start + 37]
        cells.feed(time_s[start:start + 37], part.sum(axis=1), part)
    assert [f for _, f in cells.decide(np.inf)] == whole


# -- through the emulated front-end, the station's own loop, and the kiosk's board --

def run_live(until, speed=1.0, timeout_s=40.0, zones=(), **faults):
    """Runs the main loop on an emulated front-end with ``faults`` until
    ``until(board)``; returns (events, board, the first sample's time)."""
    emulator = DeviceEmulator(seed=4, speed=speed, zones=zones, **faults)
    emulator.start()
    events, board = [], LiveBoard(has_force=True)

    def show(event):
        events.append(event)
        board.apply(event)
    try:
        source = LoadCellSource(FrontEndLink(emulator.path), EMULATED_CALIBRATION, zones=zones, speed=speed)
        loop = StationLoop(source, Pipeline(), show, speed=speed,
                           on_readings=lambda readings: first.extend(r.time_s[0] for r in readings
                                                                     if isinstance(r, ForceBlock)))
        first = []
        assert wait_until(lambda: loop.step() and until(board), timeout_s, poll_s=0.01)
        loop.finish()
    finally:
        emulator.stop()
    return events, board, min(first)


def fault_banners(board, words):
    return [text for kind, text in board.shown_banners if kind == "fault" and words in text]


@pytest.mark.parametrize("fault, words", [
    ({"saturated_cell": "back-right"}, "limit of its converter"),
    ({"stuck_cell": "front-left"}, "does not move"),
    ({"negative_cell": "back-left"}, "below zero"),
])
def test_a_cell_fault_from_the_front_end_shows_on_the_kiosk_within_1_s(fault, words):
    events, board, first_s = run_live(lambda b: fault_banners(b, words), **fault)
    fault_event = next(e for e in events if isinstance(e, Fault) and e.active)
    assert fault_event.device == next(iter(fault.values()))
    # The emulated fault is there from the first sample: decided within a second of data.
    assert fault_event.time_s - first_s <= 1.0
    assert len(fault_banners(board, words)) == 1


def found_flights(events):
    return [e for e in events if isinstance(e, Flight)]


def test_a_drifting_zero_from_the_front_end_shows_on_the_kiosk_within_1_s():
    drift_n_per_s = 12.0
    events, board, first_s = run_live(lambda b: fault_banners(b, "zero has drifted"), speed=2.0,
                                      timeout_s=60.0, zero_drift_n_per_s=drift_n_per_s)
    drift = next(e for e in events if isinstance(e, Fault) and e.device == PLATE)
    assert drift.active and "drifted" in drift.message
    # The zero passes zero_drift_max_n while the athlete stands; the plate is
    # first empty (in the air) with it past that in the next flight.
    past_s = first_s + RULES.zero_drift_max_n / drift_n_per_s
    empty = next(f for f in found_flights(events) if f.takeoff_s > past_s)
    assert empty.takeoff_s <= drift.time_s <= empty.takeoff_s + 1.0


def test_a_mat_whose_cable_comes_out_hands_timing_to_the_plate_on_the_kiosk_within_1_s():
    # Edges stop at 2 s, the mat holding its last level: the plate's next
    # take-off or landing is where the two first disagree.
    cut_s = 2.0
    events, board, first_s = run_live(lambda b: fault_banners(b, "No mat signal") and b.total_valid_reps >= 4,
                                      zones=TWO_ZONES, timeout_s=60.0, mat_cut_after_s=cut_s)
    [fault] = [e for e in events if isinstance(e, Fault) and e.device == "mat"]
    change_s = min(t for f in found_flights(events) for t in (f.takeoff_s, f.landing_s) if t > first_s + cut_s)
    assert fault.active and fault.message == NO_MAT
    assert change_s <= fault.time_s <= change_s + 1.0
    assert len(fault_banners(board, "No mat signal")) == 1


def test_no_mat_at_start_times_from_the_plate_with_a_banner_within_1_s():
    # A mat that never sends an edge (its cable out from the start) while
    # the athlete stands and jumps on the plate: the first landing with no
    # mat contact shows it. (The timing's accuracy: test_mat_check.py.)
    events, board, _ = run_live(lambda b: fault_banners(b, "No mat signal") and b.total_valid_reps >= 4,
                                zones=TWO_ZONES, timeout_s=60.0, mat_cut_after_s=0.0)
    [fault] = [e for e in events if isinstance(e, Fault) and e.device == "mat"]
    landing_s = found_flights(events)[0].landing_s
    assert fault.message == NO_MAT and landing_s <= fault.time_s <= landing_s + 1.0
    assert len(found_flights(events)) >= 8


def test_a_fault_is_written_to_the_stations_log(tmp_path, caplog):
    conn = open_log(tmp_path)
    log = SessionLog(conn, tmp_path, "none", "frontend", simulated=True)
    with caplog.at_level(logging.INFO, logger="station"):
        log.on_event(Fault(1.25, "front-left", True, "The front-left load cell is stuck."))
        log.on_event(Fault(3.0, "front-left", False, "The front-left load cell reads normally again."))
    log.close()
    conn.close()
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert (logging.WARNING, "sensor fault (front-left): The front-left load cell is stuck.") in messages
    assert any(level == logging.INFO and "reads normally again" in text for level, text in messages)


@pytest.mark.parametrize("fault, words", [
    ({"saturated_cell": "front-right"}, "front-right load cell reads at the limit"),
    ({"stuck_cell": "back-left"}, "back-left load cell's reading does not move"),
    # The athlete's weight is mostly on the front cells (some 280 N each):
    # 400 N off takes one well below zero, the whole plate still loaded.
    ({"negative_cell": "front-left", "negative_n": 400.0}, "front-left load cell reads -"),
    # An idle station whose zero moves 40 N a second: past 10 N in its second window.
    ({"empty_plate": True, "zero_drift_n_per_s": 40.0}, "empty plate reads +"),
])
def test_station_doctor_reports_each_cell_fault(tmp_path, fault, words):
    emulator = DeviceEmulator(seed=1, **fault)
    emulator.start()
    try:
        config = tmp_path / "station.toml"
        config.write_text(f'[sources]\nmat = "none"\nforce = "frontend"\n[frontend]\nport = "{emulator.path}"\n')
        save_calibration(calibration_path(tmp_path), EMULATED_CALIBRATION)
        result = station("doctor", "--config", config, "--data-dir", tmp_path)
    finally:
        emulator.stop()
    lines = [line.strip() for line in result.stdout.splitlines() if line.split()[:3] == ["PROBLEM", "load", "cells:"]]
    assert len(lines) == 1 and words in lines[0], result.stdout
    assert result.returncode == 1


def test_station_doctor_says_the_cells_read_normally(tmp_path):
    emulator = DeviceEmulator(seed=1)
    emulator.start()
    try:
        config = tmp_path / "station.toml"
        config.write_text(f'[sources]\nmat = "none"\nforce = "frontend"\n[frontend]\nport = "{emulator.path}"\n')
        save_calibration(calibration_path(tmp_path), EMULATED_CALIBRATION)
        result = station("doctor", "--config", config, "--data-dir", tmp_path)
    finally:
        emulator.stop()
    line = next(line.strip() for line in result.stdout.splitlines() if "load cells" in line)
    assert line.startswith("ok") and "read normally" in line


def test_station_analyse_reports_a_stuck_cell_in_a_recording(tmp_path):
    start, readings, _ = simulate(3, 20, zones=TWO_ZONES, force=True)
    force = next(r for r in readings if isinstance(r, ForceBlock))
    corners = force.corners_n.copy()
    corners[len(corners) // 2:, CELLS.index("back-left")] = 123.0   # stuck halfway through
    stuck = ForceBlock(force.time_s, corners.sum(axis=1), corners)
    path = tmp_path / "stuck.csv"
    write_recording(path, recording_from_readings(
        start, [r if r is not force else stuck for r in readings], TWO_ZONES))
    result = station("analyse", path)
    assert result.returncode == 0, result.stderr
    # (The stuck cell also keeps the plate loaded in flight, so the mat disagrees with it too.)
    faults = [line for line in result.stdout.splitlines() if line.startswith("FAULT at") and "(back-left)" in line]
    assert len(faults) == 1 and "does not move" in faults[0]
    at_s = float(faults[0].split()[2])
    assert 10.0 <= at_s <= 10.0 + 1.0
