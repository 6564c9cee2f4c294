"""The guided calibration's step machine, shared by `station calibrate` and
the kiosk: the steps in order, a reading with a problem asked for again, the
placements' agreement, and a plate left loaded at the zero."""

from __future__ import annotations

import numpy as np
import pytest

from station.analysis.events import G_M_PER_S2
from station.sources.loadcell.calibration import (
    CELL_NAMES, CENTRE, DEFAULT_CALIBRATION, DISAGREE, MOVED, NOT_EMPTY, PLACEMENTS, TOO_FEW,
    WRONG_LOAD, gain_from_known_mass)
from station.sources.loadcell.steps import (
    DONE, EMPTY, FAILED, MASS, READING_S, SPOTS, CalibrationSteps)
from test_calibration import PLACES_M, PLATE_GAINS, PLATE_OFFSETS_COUNTS, FakePlate, foot_on

CLOCK = "2026-05-04T10:00:00Z"


def steps_for(previous=DEFAULT_CALIBRATION, mass_kg=20.0, **options) -> CalibrationSteps:
    return CalibrationSteps(previous, mass_kg, clock=lambda: CLOCK, **options)


def read(plate: FakePlate, steps: CalibrationSteps, mass_kg=20.0, short_kg=0.0):
    """Put on the plate what the step asks for, read it, and hand it to the steps."""
    if steps.step == EMPTY:
        plate.clear()
    else:
        plate.put(mass_kg - short_kg, steps.step)
    return steps.take(plate.read_counts(READING_S), READING_S)


def test_the_steps_are_the_mass_the_empty_plate_then_each_placement():
    steps = CalibrationSteps(DEFAULT_CALIBRATION)
    assert steps.step == MASS
    steps.choose_mass(20.0)
    plate, seen = FakePlate(), []
    while steps.step not in (DONE, FAILED):
        seen.append(steps.step)
        assert read(plate, steps) == []
    assert seen == [EMPTY, *PLACEMENTS] and steps.step == DONE
    assert steps.readings_done == len(steps.plan) == 6


def test_a_mass_outside_5_to_200_kg_is_refused():
    steps = CalibrationSteps(DEFAULT_CALIBRATION)
    for mass_kg in (4.99, 200.01):
        with pytest.raises(ValueError):
            steps.choose_mass(mass_kg)
    steps.choose_mass(5.0)
    steps.choose_mass(200.0)
    assert steps.mass_kg == 200.0


def test_the_result_is_the_solvers_on_the_accepted_readings():
    steps, plate = steps_for(), FakePlate()
    while steps.step != DONE:
        read(plate, steps)
    fit = gain_from_known_mass(steps.empty_counts, steps.loaded_counts, 20.0, steps.rate_hz,
                               calibrated_at=CLOCK)
    assert steps.result == fit.calibration
    assert np.allclose(steps.result.newtons_per_count, PLATE_GAINS, rtol=0.001)
    assert np.allclose(steps.result.offsets_counts, PLATE_OFFSETS_COUNTS, atol=50)
    assert steps.result.calibrated_at == steps.result.tared_at == CLOCK


def test_each_prompt_says_what_to_put_where():
    steps, plate = steps_for(mass_kg=12.5), FakePlate()
    prompts = []
    while steps.step != DONE:
        prompts.append(steps.prompt())
        read(plate, steps, 12.5)
    assert prompts[0] == "Step off the plate and clear everything off it."
    assert prompts[1] == "Put the 12.5 kg mass in the CENTRE of the plate and take your hands off."
    assert prompts[2] == ("Move the 12.5 kg mass to the FRONT-LEFT corner, as close to the corner "
                          "as it fits.")


def test_a_reading_with_a_problem_keeps_its_step_and_says_why():
    steps, plate = steps_for(), FakePlate()
    read(plate, steps)
    plate.upsets.append(foot_on("back-left"))
    problems = read(plate, steps)
    assert [p.kind for p in problems] == [MOVED] and steps.step == CENTRE
    assert problems[0].message.startswith("The plate moved while weighing (the back-left cell")
    assert read(plate, steps) == [] and steps.step == "front-left"


def test_a_placement_without_the_mass_is_the_wrong_load():
    steps, plate = steps_for(), FakePlate()
    read(plate, steps)
    plate.clear()
    problems = steps.take(plate.read_counts(READING_S), READING_S)
    assert [p.kind for p in problems] == [WRONG_LOAD] and steps.step == CENTRE


def test_no_readings_at_all_are_too_few():
    steps = steps_for()
    assert [p.kind for p in steps.take(np.empty((0, 4)), READING_S)] == [TOO_FEW]
    assert steps.step == EMPTY


def test_placements_that_disagree_fail_and_save_nothing():
    steps, plate = steps_for(), FakePlate()
    while steps.step not in (DONE, FAILED):
        read(plate, steps, short_kg=1.0 if steps.step == "back-right" else 0.0)
    assert steps.step == FAILED and steps.result is None
    assert steps.failure.kind == DISAGREE
    assert steps.failure.message.startswith("The placements disagree by up to")
    assert not steps.fit.agrees


def loaded_zero(plate: FakePlate, steps: CalibrationSteps, kg: float):
    plate.clear()
    plate.upsets.append(lambda time_s: np.full((len(time_s), 4), kg * G_M_PER_S2 / 4))
    return steps.take(plate.read_counts(READING_S), READING_S)


def test_a_zero_much_heavier_than_the_last_is_a_plate_not_empty():
    steps, plate = steps_for(previous=FakePlate().calibration), FakePlate()
    problems = loaded_zero(plate, steps, 8.0)
    assert [p.kind for p in problems] == [NOT_EMPTY] and steps.step == EMPTY
    assert problems[0].message.startswith("The plate reads 8.0 kg more than at its last zero")
    assert read(plate, steps) == [] and steps.step == CENTRE, "cleared: the zero is taken"


def test_the_same_heavy_zero_read_twice_is_an_empty_plate_with_new_cells():
    steps, plate = steps_for(previous=FakePlate().calibration), FakePlate()
    assert loaded_zero(plate, steps, 8.0)
    assert loaded_zero(plate, steps, 8.0) == [] and steps.step == CENTRE


def test_a_different_heavy_zero_is_asked_about_again():
    steps, plate = steps_for(previous=FakePlate().calibration), FakePlate()
    assert loaded_zero(plate, steps, 8.0)
    assert [p.kind for p in loaded_zero(plate, steps, 12.0)] == [NOT_EMPTY]


def test_a_plate_never_zeroed_has_no_zero_to_compare_with():
    steps, plate = steps_for(), FakePlate()
    assert loaded_zero(plate, steps, 8.0) == [] and steps.step == CENTRE


def test_a_zero_up_to_50_n_heavier_is_drift_not_a_load():
    steps, plate = steps_for(previous=FakePlate().calibration), FakePlate()
    assert loaded_zero(plate, steps, 49.0 / G_M_PER_S2) == []


def test_tare_only_is_one_zero_under_the_saved_gains():
    saved = FakePlate().calibration
    steps, plate = steps_for(previous=saved, mass_kg=None, tare_only=True), FakePlate()
    assert steps.step == EMPTY and steps.plan == (EMPTY,)
    assert read(plate, steps) == [] and steps.step == DONE
    assert steps.result.newtons_per_count == saved.newtons_per_count
    assert steps.result.calibrated_at == saved.calibrated_at and steps.result.tared_at == CLOCK


def test_tare_only_refuses_a_loaded_plate_however_often_it_is_read():
    steps, plate = steps_for(previous=FakePlate().calibration, mass_kg=None, tare_only=True), FakePlate()
    for _ in range(2):
        assert [p.kind for p in loaded_zero(plate, steps, 8.0)] == [NOT_EMPTY]
    assert steps.step == EMPTY


def test_no_reading_is_taken_once_done():
    steps, plate = steps_for(), FakePlate()
    while steps.step != DONE:
        read(plate, steps)
    with pytest.raises(ValueError):
        steps.take(plate.read_counts(READING_S), READING_S)


def test_the_places_drawn_are_the_places_weighed():
    width_m, depth_m = PLACES_M[CENTRE][0] * 2, PLACES_M[CENTRE][1] * 2
    for place, (x_m, y_m) in PLACES_M.items():
        assert SPOTS[place] == pytest.approx((x_m / width_m, y_m / depth_m))
    assert set(SPOTS) == set(PLACEMENTS) and set(CELL_NAMES) < set(SPOTS)
