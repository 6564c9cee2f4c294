"""The kiosk's calibration control on a fake clock: its stages, the mass
chosen with NEXT and BACK, readings timed on the session clock, the idle
time, and a cancel that never saves."""

from __future__ import annotations

import numpy as np
import pytest

from station.kiosk.calibration.control import IDLE_S, LATE_S, CalibrationControl
from station.kiosk.controls.actions import Action, Tap
from station.sources.loadcell.calibration import (
    DEFAULT_CALIBRATION, FILE, MOVED, calibration_path, load_calibration, save_calibration)
from station.sources.loadcell.steps import EMPTY, MAX_MASS_KG, MIN_MASS_KG, READING_S
from test_calibration import RATE_HZ, FakePlate, foot_on


class Save:
    """Saving that finishes when the test says so (``done`` at once by default)."""

    def __init__(self, path, at_once=True):
        self.path, self.at_once = path, at_once
        self.started = []

    def __call__(self, calibration):
        save = self
        save.started.append(calibration)

        class Task:
            done, error = save.at_once, None

            def finish(self, error=None):
                if error is None:
                    save_calibration(save.path, calibration)
                self.error, self.done = error, True
        task = Task()
        if self.at_once:
            save_calibration(self.path, calibration)
        self.task = task
        return task


@pytest.fixture
def path(tmp_path):
    return calibration_path(tmp_path)


def control_for(path, save=None, **options):
    saved = []
    control = CalibrationControl(lambda: DEFAULT_CALIBRATION, save or Save(path), 20.0,
                                 on_saved=saved.append, **options)
    control.saved = saved
    return control


def hear(control, plate: FakePlate, from_s: float, duration_s: float = READING_S + 0.05):
    """The plate read for ``duration_s`` from ``from_s``, in 10 ms frames, as the source hears it."""
    counts = plate.read_counts(duration_s)
    times_s = from_s + np.arange(len(counts)) / RATE_HZ
    for start in range(0, len(counts), 10):
        control.hear(times_s[start:start + 10], counts[start:start + 10])
    return times_s[-1]


def started(path, mass_kg=20.0, **options):
    control = control_for(path, **options)
    control.open(0.0)
    control.act(Action.SELECT, 0.0)          # Start
    while control.mass_kg != mass_kg:
        control.act(Action.NEXT if mass_kg > control.mass_kg else Action.BACK, 0.0)
    control.act(Action.SELECT, 0.0)          # Use it
    return control


def weigh(control, plate, now_s, mass_kg=20.0, duration_s=READING_S + 0.05):
    """Put on the plate what the step asks for, SELECT, hear the reading, and tick."""
    step = control.steps.step
    plate.clear() if step == EMPTY else plate.put(mass_kg, step)
    control.act(Action.SELECT, now_s)
    end_s = hear(control, plate, now_s, duration_s)
    control.tick(end_s)
    control.tick(end_s)   # a save started by the last reading is seen through
    return end_s


def test_it_opens_on_a_question_for_the_coach():
    control = control_for(None)
    control.open(5.0)
    assert control.showing and control.stage == "confirm"
    assert [label for _, label in control.rows()] == ["Start", "Not now"]
    control.act(Action.NEXT, 5.0)
    control.act(Action.SELECT, 5.0)
    assert not control.showing and control.stage is None


def test_a_station_without_load_cells_says_so_and_closes():
    control = control_for(None, unavailable="No load cells here.")
    control.open(0.0)
    assert control.stage == "unavailable" and control.rows() == [("close", "Close")]
    control.act(Action.SELECT, 0.0)
    assert control.stage is None


def test_the_mass_starts_at_the_configured_one_and_steps_in_whole_kilograms():
    control = CalibrationControl(lambda: DEFAULT_CALIBRATION, None, 20.35)
    control.open(0.0)
    control.act(Action.SELECT, 0.0)
    assert control.stage == "mass" and control.mass_kg == 20.35
    control.act(Action.NEXT, 0.0)
    assert control.mass_kg == 21.0
    control.act(Action.BACK, 0.0)
    control.act(Action.BACK, 0.0)
    assert control.mass_kg == 19.0
    control.act(Tap(5, 5), 0.0, {"heavier": (0, 0, 10, 10)})
    assert control.mass_kg == 20.0
    control.act(Action.SELECT, 0.0)
    assert control.stage == "step" and control.steps.mass_kg == 20.0


@pytest.mark.parametrize("start_kg, action, edge_kg", [(MIN_MASS_KG, Action.BACK, MIN_MASS_KG),
                                                       (MAX_MASS_KG, Action.NEXT, MAX_MASS_KG)])
def test_the_mass_stays_within_5_to_200_kg(start_kg, action, edge_kg):
    control = CalibrationControl(lambda: DEFAULT_CALIBRATION, None, start_kg)
    control.open(0.0)
    control.act(Action.SELECT, 0.0)
    control.act(action, 0.0)
    assert control.mass_kg == edge_kg


def test_a_whole_calibration_saves_once_and_tells_who_uses_it(path):
    control, plate, now_s = started(path), FakePlate(), 1.0
    while control.stage == "step":
        now_s = weigh(control, plate, now_s) + 1.0
    assert control.stage == "done" and control.rows() == [("close", "Done")]
    assert control.saved == [control.steps.result] == [load_calibration(path)]
    control.act(Action.SELECT, now_s)
    assert control.stage is None


def test_the_reading_is_the_samples_from_select_for_2_s(path):
    control, plate = started(path), FakePlate()
    control.act(Action.SELECT, 10.0)
    assert control.stage == "reading" and control.progress(10.0) == 0.0
    hear(control, plate, 9.0, duration_s=1.0)    # before SELECT: not part of it
    assert control.progress(11.0) == pytest.approx(0.5)
    hear(control, plate, 10.0, duration_s=READING_S)
    control.tick(12.0)
    assert control.stage == "reading", "no sample at or after its end yet: more may come"
    hear(control, plate, 12.0, duration_s=0.01)
    control.tick(12.01)
    assert control.stage == "step" and control.steps.step == "centre"
    assert len(control.steps.empty_counts) == READING_S * RATE_HZ


def test_a_silent_front_end_is_judged_with_what_came_late_s_after_the_end(path):
    control = started(path)
    control.act(Action.SELECT, 10.0)
    control.tick(10.0 + READING_S + LATE_S - 0.01)
    assert control.stage == "reading"
    control.tick(10.0 + READING_S + LATE_S)
    assert control.stage == "problem" and control.problems[0].message.startswith("No readings came")


def test_a_reading_with_a_problem_offers_to_weigh_again(path):
    control, plate = started(path), FakePlate()
    plate.upsets.append(foot_on("front-left"))
    weigh(control, plate, 1.0)
    assert control.stage == "problem" and control.problems[0].kind == MOVED
    assert [label for _, label in control.rows()] == ["Weigh again", "Stop"]
    weigh(control, plate, 5.0)
    assert control.stage == "step" and control.steps.step == "centre"


def test_placements_that_disagree_fail_with_nothing_saved_and_can_start_again(path):
    control, plate, now_s = started(path), FakePlate(), 1.0
    while control.stage == "step":
        short = 1.0 if control.steps.step == "back-right" else 0.0
        now_s = weigh(control, plate, now_s, mass_kg=20.0 - short if short else 20.0) + 1.0
    assert control.stage == "failed" and control.problems[0].kind == "disagree"
    assert not path.exists() and control.saved == []
    control.act(Action.SELECT, now_s)           # Start again
    assert control.stage == "step" and control.steps.step == EMPTY and control.steps.mass_kg == 20.0


def test_a_save_that_fails_says_why_and_can_be_tried_again(path):
    save = Save(path, at_once=False)
    control, plate, now_s = started(path, save=save), FakePlate(), 1.0
    while control.stage == "step":
        now_s = weigh(control, plate, now_s) + 1.0
    assert control.stage == "saving"
    save.task.finish(error="Cannot save: the card is full.")
    control.tick(now_s)
    assert control.stage == "save-failed" and control.problems[0].kind == FILE
    assert control.saved == []
    control.act(Action.SELECT, now_s)           # Try again
    save.task.finish()
    control.tick(now_s)
    assert control.stage == "done" and control.saved == [control.steps.result]


def test_cancelling_mid_way_closes_at_once_and_saves_nothing(path):
    control, plate = started(path), FakePlate()
    weigh(control, plate, 1.0)
    control.act(Action.SELECT, 5.0)              # reading the centre
    control.cancel()
    assert not control.showing and control.stage is None
    hear(control, plate, 5.0)
    control.tick(10.0)
    assert not path.exists() and control.saved == []


def test_cancelling_while_saving_lets_the_save_end_unseen_and_uses_it(path):
    save = Save(path, at_once=False)
    control, plate, now_s = started(path, save=save), FakePlate(), 1.0
    while control.stage == "step":
        now_s = weigh(control, plate, now_s) + 1.0
    control.cancel()
    assert not control.showing
    save.task.finish()
    control.tick(now_s)
    assert control.stage is None and control.saved == [load_calibration(path)]


def reach(path, stage: str):
    """A control at ``stage``, reached before time 0."""
    control, plate, now_s = started(path), FakePlate(), -100.0
    if stage in ("confirm", "mass"):
        control = control_for(path)
        control.open(now_s)
        if stage == "mass":
            control.act(Action.SELECT, now_s)
    elif stage == "problem":
        plate.upsets.append(foot_on("front-left"))
        weigh(control, plate, now_s)
    elif stage == "done":
        while control.stage == "step":
            now_s = weigh(control, plate, now_s) + 1.0
    return control


@pytest.mark.parametrize("stage", ["confirm", "mass", "step", "problem", "done"])
def test_a_calibration_left_alone_closes_just_after_idle_s(path, stage):
    control = reach(path, stage)
    control.act(Action.NEXT, 0.0)                # the last touch, at 0
    assert control.stage == stage
    control.tick(IDLE_S)
    assert control.stage == stage, "at IDLE_S it is still there"
    control.tick(IDLE_S + 0.01)
    assert control.stage is None


def test_a_reading_never_times_out_while_the_plate_is_read(path):
    control = started(path)
    control.act(Action.SELECT, 0.0)
    control.tick(IDLE_S + 1.0)
    assert control.stage == "problem", "judged (with nothing heard), not closed"
