"""`station calibrate`: the guided flow at the terminal, against a fake plate
and a person who does what each prompt says."""

from __future__ import annotations

import argparse
from datetime import datetime

import numpy as np
import pytest

from station.analysis.events import G_M_PER_S2
from station.commands.calibrate import STOPPED, add_parser, calibrate
from station.sources.loadcell.calibration import (
    CENTRE, CELL_NAMES, Calibration, CalibrationError, calibration_path, load_calibration,
    save_calibration)
# The fake plate is shared with the calibration's own tests.
from test_calibration import PLATE_GAINS, PLATE_OFFSETS_COUNTS, FakePlate, foot_on

MASS_PROMPT = "Known mass in kg"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="station")
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["calibrate", *argv])


class Person:
    """Someone at the terminal who follows the prompts: clears the plate when
    told to step off, puts the mass where a prompt says, and types
    ``answers`` to questions. ``stop_at`` is a word of the prompt where they
    press Ctrl-C; ``skip`` the placements where, the first time, they press
    Enter without putting the mass down; ``short_kg`` a placement where part of
    the mass rests on something else. ``on_say`` reacts to what is said."""

    def __init__(self, plate: FakePlate, mass_kg: float, answers=(), stop_at=None,
                 skip=(), short_kg=None, on_say=None):
        self.plate = plate
        self.mass_kg = mass_kg
        self.answers = list(answers)
        self.stop_at = stop_at
        self.skip = set(skip)
        self.short_kg = short_kg or {}
        self.on_say = on_say
        self.prompts: list[str] = []
        self.said: list[str] = []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if self.stop_at and self.stop_at in prompt:
            raise KeyboardInterrupt
        if prompt.startswith(MASS_PROMPT):
            if not self.answers:
                raise EOFError
            return self.answers.pop(0)
        if "Step off" in prompt:
            self.plate.clear()
        for place in (CENTRE, *CELL_NAMES):
            if place.upper() in prompt:
                if place in self.skip:
                    self.skip.discard(place)
                    self.plate.clear()
                else:
                    self.plate.put(self.mass_kg - self.short_kg.get(place, 0.0), place)
        return ""

    def say(self, text: str = "") -> None:
        self.said.append(text)
        if self.on_say:
            self.on_say(text)

    @property
    def transcript(self) -> str:
        return "\n".join(self.said)


def run(person: Person, *argv: str) -> int:
    return calibrate(parse(*argv), person.plate.read_counts, ask=person.ask, say=person.say)


# --- The whole calibration ----------------------------------------------------

def test_a_calibration_zeroes_weighs_five_placements_and_saves(tmp_path):
    person = Person(FakePlate(), 20.0)
    assert run(person, "--mass", "20", "--data-dir", str(tmp_path)) == 0
    assert [prompt.split(".")[0] for prompt in person.prompts] == [
        "Step off the plate and clear everything off it",
        "Put the 20 kg mass in the CENTRE of the plate and take your hands off",
        "Move the 20 kg mass to the FRONT-LEFT corner, as close to the corner as it fits",
        "Move the 20 kg mass to the FRONT-RIGHT corner, as close to the corner as it fits",
        "Move the 20 kg mass to the BACK-LEFT corner, as close to the corner as it fits",
        "Move the 20 kg mass to the BACK-RIGHT corner, as close to the corner as it fits",
    ]
    saved = load_calibration(calibration_path(tmp_path))
    assert np.allclose(saved.newtons_per_count, PLATE_GAINS, rtol=0.001)
    assert np.allclose(saved.offsets_counts, PLATE_OFFSETS_COUNTS, atol=50)
    assert not saved.is_default
    assert saved.tared_at == saved.calibrated_at
    datetime.strptime(saved.calibrated_at, "%Y-%m-%dT%H:%M:%SZ")
    assert "They agree within 0.0 N" in person.transcript
    assert f"Saved to {calibration_path(tmp_path)}." in person.said


def test_the_report_shows_each_cells_gain_and_each_placements_weight(tmp_path):
    person = Person(FakePlate(), 20.0)
    run(person, "--mass", "20", "--data-dir", str(tmp_path))
    for name in CELL_NAMES:
        assert any(line.strip().startswith(name) and "mN per count" in line for line in person.said)
    assert f"The mass weighs {20 * G_M_PER_S2:.1f} N; each placement weighed:" in person.said


def test_the_mass_is_asked_for_when_not_given(tmp_path):
    person = Person(FakePlate(), 12.5, answers=["12.5 kg"])
    assert run(person, "--data-dir", str(tmp_path)) == 0
    assert person.prompts[0].startswith(MASS_PROMPT)
    assert "12.5 kg mass" in person.prompts[2]


@pytest.mark.parametrize("typo, complaint", [
    ("2o", "'2o' is not a number"),
    ("", "'' is not a number"),
    ("0.5", "must be 5 to 200 kg"),
])
def test_a_bad_mass_gets_one_sentence_and_the_question_again(tmp_path, typo, complaint):
    person = Person(FakePlate(), 20.0, answers=[typo, "20"])
    assert run(person, "--data-dir", str(tmp_path)) == 0
    assert [p for p in person.prompts if p.startswith(MASS_PROMPT)] == [person.prompts[0]] * 2
    (said,) = [line for line in person.said if complaint in line]
    assert said.endswith(".") and ". " not in said
    assert calibration_path(tmp_path).exists()


def test_a_plate_that_moves_while_zeroing_is_zeroed_again(tmp_path):
    plate = FakePlate()
    plate.upsets.append(foot_on("back-left"))
    person = Person(plate, 20.0)
    assert run(person, "--mass", "20", "--data-dir", str(tmp_path)) == 0
    assert sum("Step off" in prompt for prompt in person.prompts) == 2
    assert "The plate moved while zeroing (the back-left cell" in person.transcript
    saved = load_calibration(calibration_path(tmp_path))
    assert np.allclose(saved.offsets_counts, PLATE_OFFSETS_COUNTS, atol=50)


def test_a_placement_without_the_mass_is_asked_again(tmp_path):
    person = Person(FakePlate(), 20.0, skip=["front-right"])
    assert run(person, "--mass", "20", "--data-dir", str(tmp_path)) == 0
    assert sum("FRONT-RIGHT" in prompt for prompt in person.prompts) == 2
    assert "The plate feels 0.0 kg but the mass is 20 kg" in person.transcript


def test_an_unplugged_cell_is_named_and_the_step_asked_again(tmp_path):
    plate = FakePlate()
    plate.unplugged = {"back-right"}

    def plug_it_in(text):
        if "unplugged" in text:
            plate.unplugged.clear()

    person = Person(plate, 20.0, on_say=plug_it_in)
    assert run(person, "--mass", "20", "--data-dir", str(tmp_path)) == 0
    assert "The back-right cell's reading does not change at all" in person.transcript
    assert sum("Step off" in prompt for prompt in person.prompts) == 2


def test_a_rocking_plate_shows_at_the_centre_placement(tmp_path):
    plate = FakePlate()
    plate.lifted = "front-right"

    def level_it(text):
        if "level" in text:
            plate.lifted = None

    person = Person(plate, 20.0, on_say=level_it)
    assert run(person, "--mass", "20", "--data-dir", str(tmp_path)) == 0
    assert "The front-right cell carries 0 % of a mass in the centre" in person.transcript
    assert sum("CENTRE" in prompt for prompt in person.prompts) == 2


def test_placements_that_disagree_are_not_saved(tmp_path):
    person = Person(FakePlate(), 20.0, short_kg={"back-right": 1.0})
    with pytest.raises(CalibrationError, match="placements disagree.*nothing was saved"):
        run(person, "--mass", "20", "--data-dir", str(tmp_path))
    assert "They agree within" in person.transcript
    assert not calibration_path(tmp_path).exists()


# --- Stopping -----------------------------------------------------------------

def test_ctrl_c_half_way_stops_without_saving(tmp_path):
    person = Person(FakePlate(), 20.0, stop_at="FRONT-RIGHT")
    assert run(person, "--mass", "20", "--data-dir", str(tmp_path)) == STOPPED
    assert "Calibration stopped; nothing was saved." in person.transcript
    assert not tmp_path.joinpath("calibration.json").exists()
    assert list(tmp_path.iterdir()) == []


def test_end_of_input_at_the_mass_question_stops_without_saving(tmp_path):
    person = Person(FakePlate(), 20.0, answers=[])
    assert run(person, "--data-dir", str(tmp_path)) == STOPPED
    assert "nothing was saved" in person.transcript
    assert not calibration_path(tmp_path).exists()


def test_stopping_keeps_the_old_calibration(tmp_path):
    path = calibration_path(tmp_path)
    save_calibration(path, FakePlate().calibration)
    before = path.read_bytes()
    person = Person(FakePlate(gains=[g * 1.1 for g in PLATE_GAINS]), 20.0, stop_at="BACK-RIGHT")
    assert run(person, "--mass", "20", "--data-dir", str(tmp_path)) == STOPPED
    assert path.read_bytes() == before


# --- Zeroing only -------------------------------------------------------------

def saved_plate(tmp_path) -> Calibration:
    calibration = FakePlate().calibration
    save_calibration(calibration_path(tmp_path), calibration)
    return calibration


def test_tare_only_moves_the_zero_and_keeps_the_gains(tmp_path):
    old = saved_plate(tmp_path)
    drifted = np.array(PLATE_OFFSETS_COUNTS) + (800, -1500, 300, 2500)
    person = Person(FakePlate(offsets=drifted), 20.0)
    assert run(person, "--tare-only", "--data-dir", str(tmp_path)) == 0
    assert len(person.prompts) == 1 and "Step off" in person.prompts[0]
    new = load_calibration(calibration_path(tmp_path))
    assert np.allclose(new.offsets_counts, drifted, atol=50)
    assert new.newtons_per_count == old.newtons_per_count
    assert new.calibrated_at == old.calibrated_at
    assert new.tared_at != old.tared_at


def test_tare_only_refuses_a_plate_with_something_left_on_it(tmp_path):
    saved_plate(tmp_path)
    plate = FakePlate()
    plate.upsets.append(lambda time_s: np.full((len(time_s), 4), 8.0 * G_M_PER_S2 / 4))
    person = Person(plate, 20.0)
    assert run(person, "--tare-only", "--data-dir", str(tmp_path)) == 0
    assert "The empty plate reads 8.0 kg more than at its last zero" in person.transcript
    assert sum("Step off" in prompt for prompt in person.prompts) == 2
    saved = load_calibration(calibration_path(tmp_path))
    assert np.allclose(saved.offsets_counts, PLATE_OFFSETS_COUNTS, atol=50)


def test_tare_only_on_a_plate_never_calibrated_says_it_needs_calibrating(tmp_path):
    person = Person(FakePlate(), 20.0)
    assert run(person, "--tare-only", "--data-dir", str(tmp_path)) == 0
    assert "never calibrated" in person.transcript
    saved = load_calibration(calibration_path(tmp_path))
    assert saved.is_default and saved.tared_at is not None


def test_tare_only_with_a_corrupt_file_says_to_calibrate(tmp_path):
    calibration_path(tmp_path).write_text("{", encoding="utf-8")
    with pytest.raises(CalibrationError, match="station calibrate"):
        run(Person(FakePlate(), 20.0), "--tare-only", "--data-dir", str(tmp_path))


def test_a_full_calibration_replaces_a_corrupt_file(tmp_path):
    calibration_path(tmp_path).write_text("{", encoding="utf-8")
    person = Person(FakePlate(), 20.0)
    assert run(person, "--mass", "20", "--data-dir", str(tmp_path)) == 0
    assert "It will be replaced." in person.transcript
    assert not load_calibration(calibration_path(tmp_path)).is_default


# --- Options ------------------------------------------------------------------

def test_the_options_parse():
    args = parse("--mass", "20,5", "--data-dir", "/tmp/x", "--device", "/dev/ttyACM0")
    assert (args.mass, str(args.data_dir), args.device, args.tare_only) == (
        20.5, "/tmp/x", "/dev/ttyACM0", False)


@pytest.mark.parametrize("argv", [("--mass", "heavy"), ("--mass", "1000"),
                                  ("--mass", "20", "--tare-only")])
def test_bad_options_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as error:
        parse(*argv)
    assert error.value.code == 2
