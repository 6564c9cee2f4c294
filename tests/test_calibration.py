"""Load-cell calibration: counts to newtons, the zero, the gains from a known
mass, cell health, and the calibration file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from station.analysis.events import G_M_PER_S2
from station.sources.loadcell.calibration import (
    CELL_NAMES, CENTRE, DEFAULT_CALIBRATION, NOMINAL_NEWTONS_PER_COUNT, PLACEMENTS, Calibration,
    CalibrationError, calibration_path, check_cells, check_new_zero, default_data_dir,
    gain_from_known_mass, load_calibration, save_calibration, solve_gains, tare, weigh_placement)
from station.sources.loadcell.protocol import COUNT_MAX, COUNT_MIN

RATE_HZ = 1000
PLATE_WIDTH_M = 0.6
PLATE_DEPTH_M = 0.9
#: A 20 kg weight plate is 450 mm across: its centre gets about this close to
#: the edges when it is pushed into a corner.
CORNER_INSET_M = 0.225
#: Cells at (x, y): x from the left edge, y from the front edge.
CELL_POSITIONS_M = ((0.0, 0.0), (PLATE_WIDTH_M, 0.0), (0.0, PLATE_DEPTH_M), (PLATE_WIDTH_M, PLATE_DEPTH_M))
PLACES_M = {
    CENTRE: (PLATE_WIDTH_M / 2, PLATE_DEPTH_M / 2),
    "front-left": (CORNER_INSET_M, CORNER_INSET_M),
    "front-right": (PLATE_WIDTH_M - CORNER_INSET_M, CORNER_INSET_M),
    "back-left": (CORNER_INSET_M, PLATE_DEPTH_M - CORNER_INSET_M),
    "back-right": (PLATE_WIDTH_M - CORNER_INSET_M, PLATE_DEPTH_M - CORNER_INSET_M),
}
#: Each cell's empty reading: a quarter of the plate's own 25 kg, plus the
#: bridge's own imbalance (up to about 2 % of its rated output).
PLATE_OFFSETS_COUNTS = (152_000.0, -48_000.0, 97_500.0, 210_000.0)
#: Cells of one model differ by a few percent.
PLATE_GAINS = tuple(NOMINAL_NEWTONS_PER_COUNT * factor for factor in (1.02, 0.97, 1.013, 0.988))
#: About 0.13 N of noise per cell.
NOISE_COUNTS = 300.0


def shares_at(x_m: float, y_m: float, lifted: str | None = None) -> np.ndarray:
    """How a rigid plate shares a point load among its cells. On four cells the
    plate is statically indeterminate; the usual bilinear split stands in for
    it. With one cell ``lifted`` off the floor, three cells carry the load and
    statics alone sets their shares."""
    fx, fy = x_m / PLATE_WIDTH_M, y_m / PLATE_DEPTH_M
    if lifted is None:
        return np.array([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy])
    on = [cell for cell in range(4) if CELL_NAMES[cell] != lifted]
    positions = np.array([CELL_POSITIONS_M[cell] for cell in on])
    equations = np.vstack([np.ones(3), positions[:, 0], positions[:, 1]])
    shares = np.zeros(4)
    shares[on] = np.linalg.solve(equations, [1.0, x_m, y_m])
    return shares


class FakePlate:
    """A plate on four cells as the front-end reads it: each cell's zero, gain
    and noise, and whatever lies on it. ``read_counts`` is the front-end.

    ``upsets`` are things that happen during the coming readings, one per
    reading: each maps the sample times (n,) to extra corner forces (n, 4) N.
    ``lifted`` is a cell that does not touch the floor; ``swapped`` a pair of
    cells plugged into each other's inputs; ``unplugged`` cells read one value.
    """

    def __init__(self, offsets=PLATE_OFFSETS_COUNTS, gains=PLATE_GAINS, noise_counts=NOISE_COUNTS,
                 seed=0):
        self.offsets_counts = np.array(offsets)
        self.newtons_per_count = np.array(gains)
        self.noise_counts = noise_counts
        self.rng = np.random.default_rng(seed)
        self.loads: list[tuple[float, tuple[float, float]]] = []
        self.upsets = []
        self.lifted: str | None = None
        self.swapped: tuple[str, str] | None = None
        self.unplugged: set[str] = set()

    def put(self, mass_kg: float, at) -> None:
        """The plate holds just this mass, at a place name or (x, y) in metres."""
        self.loads = [(mass_kg, PLACES_M[at] if isinstance(at, str) else at)]

    def clear(self) -> None:
        self.loads = []

    def forces_n(self) -> np.ndarray:
        return sum((mass_kg * G_M_PER_S2 * shares_at(*place, self.lifted) for mass_kg, place in self.loads),
                   np.zeros(4))

    def read_counts(self, duration_s: float) -> np.ndarray:
        n = round(duration_s * RATE_HZ)
        time_s = np.arange(n) / RATE_HZ
        forces = np.broadcast_to(self.forces_n(), (n, 4)).copy()
        if self.upsets:
            forces += self.upsets.pop(0)(time_s)
        counts = (self.offsets_counts + forces / self.newtons_per_count
                  + self.rng.normal(0.0, self.noise_counts, (n, 4)))
        if self.swapped:
            a, b = (CELL_NAMES.index(cell) for cell in self.swapped)
            counts[:, [a, b]] = counts[:, [b, a]]
        for cell in self.unplugged:
            counts[:, CELL_NAMES.index(cell)] = -1234
        return np.clip(np.rint(counts), COUNT_MIN, COUNT_MAX).astype(np.int32)

    @property
    def calibration(self) -> Calibration:
        """The plate's true calibration."""
        return Calibration(self.offsets_counts, self.newtons_per_count, "2025-01-01T00:00:00Z",
                           "2025-01-01T00:00:00Z")


def foot_on(cell: str, amplitude_n: float = 30.0):
    """Someone's foot rocking on one corner at 2 Hz."""
    def upset(time_s):
        forces = np.zeros((len(time_s), 4))
        forces[:, CELL_NAMES.index(cell)] = amplitude_n * (1 + np.sin(2 * np.pi * 2.0 * time_s))
        return forces
    return upset


def weigh_everywhere(plate: FakePlate, mass_kg: float, places=PLACEMENTS, duration_s=2.0):
    plate.clear()
    empty = plate.read_counts(duration_s)
    loaded = []
    for place in places:
        plate.put(mass_kg, place)
        loaded.append(plate.read_counts(duration_s))
    plate.clear()
    return empty, loaded


def net_means(plate: FakePlate, mass_kg: float, places) -> list[np.ndarray]:
    empty, loaded = weigh_everywhere(plate, mass_kg, places)
    offsets = np.array(tare(empty, RATE_HZ))
    return [counts.mean(axis=0) - offsets for counts in loaded]


# --- Counts to newtons --------------------------------------------------------

def test_to_newtons_gives_back_the_forces_that_made_the_counts():
    plate = FakePlate(noise_counts=0.0)
    plate.put(83.0, (0.21, 0.64))
    forces = plate.read_counts(0.01)
    newtons = plate.calibration.to_newtons(forces)
    assert newtons.shape == (10, 4)
    # Counts are whole numbers: half a count is the most rounding can cost.
    assert np.allclose(newtons, plate.forces_n(), atol=0.5 * max(PLATE_GAINS))
    assert newtons.sum(axis=1) == pytest.approx(np.full(10, 83.0 * G_M_PER_S2), abs=0.01)


def test_with_tare_changes_the_zero_and_keeps_the_gains():
    calibration = FakePlate().calibration
    zeroed = calibration.with_tare((1.0, 2.0, 3.0, 4.0), tared_at="2025-02-01T08:00:00Z")
    assert zeroed.offsets_counts == (1.0, 2.0, 3.0, 4.0)
    assert zeroed.newtons_per_count == calibration.newtons_per_count
    assert zeroed.calibrated_at == calibration.calibrated_at
    assert zeroed.tared_at == "2025-02-01T08:00:00Z"


def test_only_a_gain_calibration_makes_a_calibration_not_the_default():
    assert DEFAULT_CALIBRATION.is_default
    assert DEFAULT_CALIBRATION.with_tare(PLATE_OFFSETS_COUNTS, "2025-02-01T08:00:00Z").is_default
    assert not FakePlate().calibration.is_default


def test_the_nominal_gain_reads_a_cell_at_its_rated_output_as_its_capacity():
    # 200 kg cell, 2 mV/V at 2.5 V excitation = 5 mV; full scale ±9.375 mV = 2^23 counts.
    counts_at_capacity = 5e-3 / (1.2 / 128) * 2**23
    assert counts_at_capacity * NOMINAL_NEWTONS_PER_COUNT == pytest.approx(200 * G_M_PER_S2)


# --- The zero -----------------------------------------------------------------

def test_tare_finds_each_cells_zero_through_the_noise():
    offsets = tare(FakePlate().read_counts(1.0), RATE_HZ)
    # The mean of 1000 samples of 300-count noise is within about 10 counts.
    assert np.allclose(offsets, PLATE_OFFSETS_COUNTS, atol=50)


def test_tare_refuses_a_moving_plate_and_names_the_cell():
    plate = FakePlate()
    plate.upsets.append(foot_on("back-right"))
    with pytest.raises(CalibrationError, match="back-right") as error:
        tare(plate.read_counts(1.0), RATE_HZ)
    assert "\n" not in str(error.value)


def test_tare_needs_half_a_second_of_readings():
    with pytest.raises(CalibrationError, match="at least 0.5 s"):
        tare(FakePlate().read_counts(0.2), RATE_HZ)


def test_a_new_zero_much_heavier_than_the_last_is_refused():
    plate = FakePlate()
    plate.put(12.0, CENTRE)  # a bag left on the plate
    with pytest.raises(CalibrationError, match="12.0 kg more than at its last zero"):
        check_new_zero(plate.calibration, tare(plate.read_counts(1.0), RATE_HZ))


def test_a_new_zero_that_drifted_a_little_or_got_lighter_is_accepted():
    plate = FakePlate()
    plate.put(0.5, CENTRE)
    check_new_zero(plate.calibration, tare(plate.read_counts(1.0), RATE_HZ))
    lighter = np.array(PLATE_OFFSETS_COUNTS) - 100_000
    check_new_zero(plate.calibration, lighter)


def test_a_plate_never_zeroed_accepts_any_zero():
    check_new_zero(DEFAULT_CALIBRATION, PLATE_OFFSETS_COUNTS)


# --- The gains ----------------------------------------------------------------

def test_four_corner_placements_recover_each_cells_gain():
    gains = solve_gains(net_means(FakePlate(), 20.0, CELL_NAMES), 20.0)
    assert np.allclose(gains, PLATE_GAINS, rtol=0.001)


def test_the_centre_and_four_corners_recover_the_gains_and_agree():
    plate = FakePlate()
    fit = gain_from_known_mass(*weigh_everywhere(plate, 20.0), 20.0, RATE_HZ)
    assert np.allclose(fit.calibration.newtons_per_count, PLATE_GAINS, rtol=0.001)
    assert np.allclose(fit.calibration.offsets_counts, PLATE_OFFSETS_COUNTS, atol=50)
    assert len(fit.errors_n) == 5
    assert fit.agrees and fit.worst_error_n < 0.05
    assert not fit.shared_gain


def test_a_calibrated_plate_weighs_an_athlete_anywhere_on_it():
    plate = FakePlate()
    calibration = gain_from_known_mass(*weigh_everywhere(plate, 20.0), 20.0, RATE_HZ).calibration
    plate.put(73.4, (0.42, 0.31))
    weight_n = calibration.to_newtons(plate.read_counts(1.0)).sum(axis=1).mean()
    assert weight_n / G_M_PER_S2 == pytest.approx(73.4, rel=0.001)


def test_the_centre_alone_gives_one_shared_gain():
    plate = FakePlate()
    placements = net_means(plate, 20.0, [CENTRE])
    gains = solve_gains(placements, 20.0)
    assert len(set(gains)) == 1
    assert float(placements[0] @ np.array(gains)) == pytest.approx(20.0 * G_M_PER_S2)


def test_a_single_centre_reading_makes_a_shared_gain_fit():
    empty, (centre,) = weigh_everywhere(FakePlate(), 20.0, [CENTRE])
    fit = gain_from_known_mass(empty, centre, 20.0, RATE_HZ)
    assert fit.shared_gain
    assert len(set(fit.calibration.newtons_per_count)) == 1


def test_placements_too_alike_to_tell_the_cells_apart_are_refused():
    plate = FakePlate()
    nearly_centre = [(0.29, 0.44), (0.31, 0.44), (0.29, 0.46), (0.31, 0.46)]
    with pytest.raises(CalibrationError, match="too alike"):
        solve_gains(net_means(plate, 20.0, nearly_centre), 20.0)


def test_placements_that_disagree_are_reported():
    plate = FakePlate()
    empty, loaded = weigh_everywhere(plate, 20.0)
    plate.put(19.0, "back-right")  # the mass leans on something at that corner
    loaded[-1] = plate.read_counts(2.0)
    fit = gain_from_known_mass(empty, loaded, 20.0, RATE_HZ)
    assert not fit.agrees


def test_weighing_a_placement_gives_its_net_counts():
    plate = FakePlate()
    plate.put(20.0, "front-left")
    zeroed = DEFAULT_CALIBRATION.with_tare(PLATE_OFFSETS_COUNTS)
    net = weigh_placement(plate.read_counts(2.0), RATE_HZ, zeroed, 20.0, "front-left")
    expected = plate.forces_n() / PLATE_GAINS
    assert np.allclose(net, expected, atol=30)


def test_weighing_an_empty_plate_says_the_mass_is_missing():
    zeroed = DEFAULT_CALIBRATION.with_tare(PLATE_OFFSETS_COUNTS)
    with pytest.raises(CalibrationError, match="feels 0.0 kg but the mass is 20 kg"):
        weigh_placement(FakePlate().read_counts(2.0), RATE_HZ, zeroed, 20.0, CENTRE)


# --- Cell health --------------------------------------------------------------

@pytest.mark.parametrize("placement", [None, *PLACEMENTS])
def test_a_healthy_plate_has_no_problems(placement):
    plate = FakePlate()
    if placement is not None:
        plate.put(20.0, placement)
    zeroed = DEFAULT_CALIBRATION.with_tare(PLATE_OFFSETS_COUNTS)
    assert check_cells(plate.read_counts(2.0), zeroed, RATE_HZ, placement) == []


def test_a_healthy_plate_with_an_athlete_off_centre_has_no_problems():
    plate = FakePlate()
    plate.put(95.0, (0.1, 0.8))
    assert check_cells(plate.read_counts(2.0), plate.calibration, RATE_HZ) == []


@pytest.mark.parametrize("limit", [COUNT_MAX, COUNT_MIN])
def test_a_cell_at_the_limit_of_the_converter_is_saturated(limit):
    counts = FakePlate().read_counts(2.0)
    counts[500:520, 1] = limit
    (problem,) = check_cells(counts, DEFAULT_CALIBRATION, RATE_HZ)
    assert (problem.cell, problem.kind) == ("front-right", "saturated")
    assert "front-right" in problem.message


def test_one_sample_at_the_limit_is_not_saturation():
    counts = FakePlate().read_counts(2.0)
    counts[500, 1] = COUNT_MAX
    assert check_cells(counts, DEFAULT_CALIBRATION, RATE_HZ) == []


def test_an_unplugged_cell_is_dead():
    plate = FakePlate()
    plate.unplugged = {"back-left"}
    (problem,) = check_cells(plate.read_counts(2.0), DEFAULT_CALIBRATION, RATE_HZ)
    assert (problem.cell, problem.kind) == ("back-left", "dead")
    assert "unplugged" in problem.message


def test_a_cell_quieter_than_a_count_while_the_others_are_noisy_is_dead():
    counts = FakePlate().read_counts(2.0)
    counts[:, 0] = 5000
    counts[::400, 0] = 5001
    (problem,) = check_cells(counts, DEFAULT_CALIBRATION, RATE_HZ)
    assert (problem.cell, problem.kind) == ("front-left", "dead")


def test_a_flat_cell_is_only_judged_over_a_second():
    plate = FakePlate()
    plate.unplugged = {"back-left"}
    assert check_cells(plate.read_counts(0.5), DEFAULT_CALIBRATION, RATE_HZ) == []


def test_a_plate_rocking_on_three_cells_is_off_balance_under_a_centre_load():
    plate = FakePlate()
    plate.lifted = "front-left"
    plate.put(20.0, CENTRE)
    zeroed = DEFAULT_CALIBRATION.with_tare(PLATE_OFFSETS_COUNTS)
    problems = check_cells(plate.read_counts(2.0), zeroed, RATE_HZ, CENTRE)
    # The centre lies on the diagonal between the other two: the lifted
    # corner and the one opposite carry nothing.
    assert {(p.cell, p.kind) for p in problems} == {("front-left", "off balance"),
                                                    ("back-right", "off balance")}
    assert all("level" in p.message for p in problems)


def test_a_cell_wired_backwards_is_off_balance_under_a_centre_load():
    gains = list(PLATE_GAINS)
    gains[2] = -gains[2]
    plate = FakePlate(gains=gains)
    plate.put(20.0, CENTRE)
    zeroed = DEFAULT_CALIBRATION.with_tare(PLATE_OFFSETS_COUNTS)
    (problem,) = check_cells(plate.read_counts(2.0), zeroed, RATE_HZ, CENTRE)
    assert problem.cell == "back-left"
    assert "swapped" in problem.message


def test_cells_plugged_into_each_others_inputs_show_on_a_corner_placement():
    plate = FakePlate()
    plate.swapped = ("front-left", "back-right")
    plate.put(20.0, "front-left")
    zeroed = DEFAULT_CALIBRATION.with_tare(PLATE_OFFSETS_COUNTS)
    (problem,) = check_cells(plate.read_counts(2.0), zeroed, RATE_HZ, "front-left")
    assert (problem.cell, problem.kind) == ("front-left", "off balance")
    assert "the back-right cell carries more" in problem.message


def test_balance_is_not_judged_without_a_known_placement():
    plate = FakePlate()
    plate.lifted = "front-left"
    plate.put(80.0, CENTRE)
    assert check_cells(plate.read_counts(2.0), plate.calibration, RATE_HZ) == []


# --- The calibration file -----------------------------------------------------

def test_a_saved_calibration_loads_back_the_same(tmp_path):
    path = calibration_path(tmp_path)
    calibration = FakePlate().calibration
    save_calibration(path, calibration)
    assert load_calibration(path) == calibration
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["format"] == 1
    assert saved["cells"] == list(CELL_NAMES)


def test_saving_makes_the_folder_replaces_the_old_file_and_leaves_nothing_else(tmp_path):
    path = calibration_path(tmp_path / "new" / "data")
    save_calibration(path, DEFAULT_CALIBRATION)
    save_calibration(path, FakePlate().calibration)
    assert load_calibration(path) == FakePlate().calibration
    assert [entry.name for entry in path.parent.iterdir()] == ["calibration.json"]


def test_saving_where_no_folder_can_be_made_says_so(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(CalibrationError, match="cannot save the calibration.*--data-dir"):
        save_calibration(calibration_path(tmp_path / "taken"), DEFAULT_CALIBRATION)


def test_a_missing_file_means_the_default_calibration(tmp_path):
    assert load_calibration(tmp_path / "calibration.json") is DEFAULT_CALIBRATION


GOOD = {"format": 1, "cells": list(CELL_NAMES), "offsets_counts": [1, 2, 3, 4],
        "newtons_per_count": [0.0004, 0.0004, 0.0004, 0.0004],
        "calibrated_at": "2025-01-01T00:00:00Z", "tared_at": None}


@pytest.mark.parametrize("text", [
    "{not json",
    "[]",
    json.dumps({**GOOD, "format": 2}),
    json.dumps({**GOOD, "cells": ["a", "b", "c", "d"]}),
    json.dumps({**GOOD, "offsets_counts": [1, 2, 3]}),
    json.dumps({**GOOD, "newtons_per_count": [0.0004, 0, 0.0004, 0.0004]}),
    json.dumps({**GOOD, "newtons_per_count": ["0.0004"] * 4}),
    json.dumps({key: value for key, value in GOOD.items() if key != "offsets_counts"}),
    json.dumps({**GOOD, "tared_at": 5}),
    json.dumps(GOOD).replace("[1, 2, 3, 4]", "[1, 2, 3, NaN]"),
])
def test_a_corrupt_file_names_itself_and_says_to_calibrate(tmp_path, text):
    path = tmp_path / "calibration.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalibrationError) as error:
        load_calibration(path)
    message = str(error.value)
    assert str(path) in message and "station calibrate" in message
    assert "\n" not in message


def test_the_good_example_file_loads(tmp_path):
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    assert load_calibration(path).offsets_counts == (1.0, 2.0, 3.0, 4.0)


def test_the_data_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JUMPMAT_DATA_DIR", str(tmp_path))
    assert default_data_dir() == tmp_path
    monkeypatch.delenv("JUMPMAT_DATA_DIR")
    assert default_data_dir().parts[-3:] == (".local", "share", "jumpmat")
