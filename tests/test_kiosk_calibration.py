"""Calibrating the load cells from the kiosk's buttons, end to end: the
front-end emulator on a pseudo-terminal with a known mass placed on its
plate, read by the real source, driving the real kiosk (dummy video driver,
its own frame loop), and the buttons pressed as actions
(tests/calibration_station.py). The file written is what `station
calibrate` writes from the same readings, and each plain error shows for
its cause."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

import numpy as np
import pytest

from calibration_station import CalibrationStation
from station.commands.calibrate import calibrate
from station.kiosk.controls.actions import Action
from station.sources.loadcell.calibration import (
    DISAGREE, MOVED, NOT_EMPTY, calibration_path, load_calibration, save_calibration)
from station.sources.loadcell.emulator import EMULATED_CALIBRATION

CALIBRATED = replace(EMULATED_CALIBRATION, calibrated_at="2026-01-05T08:00:00Z",
                     tared_at="2026-01-05T08:00:00Z")


@pytest.fixture
def station(video, tmp_path, closing):
    def make(saved=None, **options):
        if saved is not None:
            save_calibration(calibration_path(tmp_path / "data"), saved)
        return closing(CalibrationStation(tmp_path / "data", **options))
    (tmp_path / "data").mkdir()
    return make


def shown(station) -> tuple[str, str]:
    """The calibration screen's title and first sentence, as drawn now."""
    view = station.mode.view(station.loop.now_s)
    return view.title, (view.lines or [""])[0]


def terminal_calibration(readings, mass_kg, data_dir):
    """`station calibrate --mass KG` at the terminal, the front-end giving ``readings`` in order."""
    given = iter(readings)
    args = argparse.Namespace(data_dir=data_dir, mass=mass_kg, tare_only=False)
    assert calibrate(args, lambda duration_s: next(given), ask=lambda prompt: "", say=lambda text: None) == 0
    return json.loads(calibration_path(data_dir).read_text())


def test_a_calibration_from_the_buttons_saves_what_station_calibrate_saves(station, tmp_path):
    kiosk = station()
    kiosk.start()
    kiosk.follow_steps(20.0)
    assert kiosk.control.stage == "done" and shown(kiosk)[0] == "CALIBRATED"
    steps = kiosk.control.steps
    saved = json.loads(calibration_path(kiosk.data_dir).read_text())
    terminal = terminal_calibration([steps.empty_counts, *steps.loaded_counts], 20.0, tmp_path / "terminal")
    for key in ("offsets_counts", "newtons_per_count"):
        assert np.allclose(saved[key], terminal[key], rtol=1e-12, atol=0), key
    assert saved["cells"] == terminal["cells"] and saved["calibrated_at"] == saved["tared_at"]
    # And the emulated plate's own cells, within its noise.
    assert np.allclose(saved["newtons_per_count"], EMULATED_CALIBRATION.newtons_per_count, rtol=0.002)
    assert np.allclose(saved["offsets_counts"], EMULATED_CALIBRATION.offsets_counts, atol=30)


def test_once_saved_the_running_source_reads_with_it_and_the_banner_goes(station):
    kiosk = station()
    kiosk.app.board.banners.append(("calibration", "The load cells are not calibrated: ..."))
    assert kiosk.source.calibration.is_default
    kiosk.start(mass_kg=24.0)
    assert kiosk.control.steps.mass_kg == 24.0
    kiosk.follow_steps(24.0)
    assert kiosk.control.stage == "done"
    saved = load_calibration(calibration_path(kiosk.data_dir))
    assert np.allclose(saved.newtons_per_count, EMULATED_CALIBRATION.newtons_per_count, rtol=0.002)
    assert kiosk.source.calibration == saved
    assert "calibration" not in [kind for kind, _ in kiosk.app.board.banners]
    kiosk.press(Action.SELECT)                   # Done
    assert not kiosk.control.showing


def test_a_plate_not_empty_at_the_zero_is_said_and_a_cleared_plate_goes_on(station):
    kiosk = station(saved=CALIBRATED)
    kiosk.start()
    kiosk.place(10.0, "back-left")
    kiosk.weigh()
    assert kiosk.control.stage == "problem" and kiosk.control.problems[0].kind == NOT_EMPTY
    title, sentence = shown(kiosk)
    assert title == "THE PLATE IS NOT EMPTY"
    assert sentence.startswith("The plate reads 10.0 kg more than at its last zero")
    kiosk.place(0.0)
    kiosk.weigh()
    assert kiosk.control.stage == "step" and kiosk.control.steps.step == "centre"


def test_a_mass_that_moves_while_weighed_is_said_and_weighed_again(station):
    kiosk = station()
    kiosk.start()
    kiosk.follow_steps(20.0, {"centre": (20.0, 30.0)})
    assert kiosk.control.stage == "problem" and kiosk.control.problems[0].kind == MOVED
    title, sentence = shown(kiosk)
    assert title == "THE MASS MOVED" and sentence.startswith("The plate moved while weighing")
    assert kiosk.control.steps.step == "centre"
    kiosk.follow_steps(20.0)
    assert kiosk.control.stage == "done"


def test_corners_that_disagree_are_said_and_nothing_is_saved(station):
    kiosk = station(saved=CALIBRATED)
    before = calibration_path(kiosk.data_dir).read_bytes()
    kiosk.start()
    kiosk.follow_steps(20.0, {"back-right": (19.0, 0.0)})   # a kilogram of it rests on the frame
    assert kiosk.control.stage == "failed" and kiosk.control.problems[0].kind == DISAGREE
    title, sentence = shown(kiosk)
    assert title == "THE CORNERS DISAGREE" and sentence.startswith("The placements disagree by up to")
    assert calibration_path(kiosk.data_dir).read_bytes() == before
    assert kiosk.source.calibration == CALIBRATED


def test_back_held_mid_reading_cancels_and_keeps_the_old_calibration(station):
    kiosk = station(saved=CALIBRATED)
    before = calibration_path(kiosk.data_dir).read_bytes()
    kiosk.start()
    kiosk.place(0.0)
    kiosk.press(Action.SELECT)
    assert kiosk.control.stage == "reading"
    kiosk.press(Action.BACK, Action.HOME)
    assert not kiosk.control.showing and kiosk.app.flow.screen.value in ("attract", "weigh-in", "live")
    reading_ends_s = kiosk.loop.now_s + 3.0
    kiosk.run_until(lambda: kiosk.loop.now_s > reading_ends_s, "the reading's time to pass")
    assert not kiosk.control.showing and kiosk.control.steps is None
    assert calibration_path(kiosk.data_dir).read_bytes() == before


def test_the_calibration_is_opened_only_by_select_and_next_held(station):
    kiosk = station()
    kiosk.press(Action.SELECT, Action.NEXT, Action.BACK, Action.SELECT)
    assert not kiosk.control.showing
    kiosk.press(Action.BACK, Action.HOME)
    kiosk.open_calibration()
    assert kiosk.control.steps is None, "nothing is read before Start"
    assert kiosk.control.stage == "confirm"
    assert kiosk.control.rows()[1] == ("close", "Not now")
