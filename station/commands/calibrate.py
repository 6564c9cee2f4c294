"""`station calibrate`: zero the load cells and calibrate them with a known
mass, guided step by step at the terminal.

The readings come from ``read_counts(duration_s)``, raw counts (n, 4) from
the front-end, and the person answers through ``ask`` and reads ``say``: the
flow runs the same against the serial front-end and against a fake plate in
the tests. Nothing is saved until the last step; Ctrl-C or end of input at
any prompt stops without saving. docs/calibration.md describes the procedure.
"""

from __future__ import annotations

import argparse
import math
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from station.sources.loadcell.calibration import (
    CELL_NAMES, CENTRE, DEFAULT_CALIBRATION, MAX_PLACEMENT_ERROR, NOMINAL_NEWTONS_PER_COUNT,
    PLACEMENTS, Calibration, CalibrationError, GainFit, calibration_path, check_cells,
    check_new_zero, default_data_dir, gain_from_known_mass, load_calibration, save_calibration,
    tare, weigh_placement)

#: Two seconds of each reading: the zero and the weighings need half a second
#: of steady samples, and a dead cell shows only over a second or more.
READING_S = 2.0
#: A calibration mass lighter than this puts only a few newtons on the far
#: cells of a corner placement, too close to floor vibration and drift; a
#: heavier one than a single cell's rating could overload the corner it sits on.
MIN_MASS_KG = 5.0
MAX_MASS_KG = 200.0
#: Exit status when the person stops the calibration.
STOPPED = 1


def add_parser(subparsers) -> argparse.ArgumentParser:
    """The `calibrate` subcommand and its options."""
    parser = subparsers.add_parser(
        "calibrate", help="zero the load cells and calibrate them with a known mass (guided)")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--mass", type=mass_argument, metavar="KG",
                      help="the known mass in kg (asked for if not given)")
    what.add_argument("--tare-only", action="store_true",
                      help="only zero the empty plate again, keeping the gains")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="where calibration.json is kept (default $JUMPMAT_DATA_DIR, "
                             "or ~/.local/share/jumpmat)")
    parser.add_argument("--device", metavar="PATH",
                        help="the load-cell front-end's serial port, e.g. /dev/ttyACM0")
    return parser


def parse_mass_kg(text: str) -> float:
    """A mass typed by a person: "20", "12.5", "12,5" or "20 kg". A ValueError
    with one sentence when it is not a number, or is out of range."""
    typed = text.strip()
    try:
        mass_kg = float(typed.lower().removesuffix("kg").strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{typed!r} is not a number: type the mass in kilograms, "
                         "like 20 or 12.5.") from None
    if not (math.isfinite(mass_kg) and MIN_MASS_KG <= mass_kg <= MAX_MASS_KG):
        raise ValueError(f"The known mass must be {MIN_MASS_KG:g} to {MAX_MASS_KG:g} kg, "
                         f"not {typed}: use a weight plate, a dumbbell or a kettlebell.")
    return mass_kg


def mass_argument(text: str) -> float:
    try:
        return parse_mass_kg(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def calibrate(args, read_counts, ask=input, say=print) -> int:
    """Run the guided calibration (or, with ``args.tare_only``, only the zero)
    and save it. 0 when saved, STOPPED when the person stopped it; problems
    that end it are CalibrationErrors."""
    path = calibration_path(args.data_dir or default_data_dir())
    steps = Steps(read_counts, ask, say)
    try:
        if args.tare_only:
            calibration = zero_again(path, steps)
        else:
            calibration = calibrate_fully(path, args.mass, steps)
    except (KeyboardInterrupt, EOFError):
        say("\nCalibration stopped; nothing was saved.")
        return STOPPED
    save_calibration(path, calibration)
    say(f"Saved to {path}.")
    return 0


class Steps:
    """The person at the terminal and the plate: prompts, answers, readings."""

    def __init__(self, read_counts, ask, say):
        self.read_counts = read_counts
        self.ask = ask
        self.say = say

    def reading(self, prompt: str, judge) -> tuple[np.ndarray, float]:
        """Ask the person to do something, read the plate, and judge the
        reading; until the judge finds no problem, say the problems and ask
        again. ``judge(counts, rate_hz)`` returns its problems as sentences, or
        raises a CalibrationError. Returns the counts and their rate."""
        while True:
            self.ask(f"{prompt} Then press Enter. ")
            self.say(f"Reading for {READING_S:g} s, hands off the plate...")
            counts = np.asarray(self.read_counts(READING_S))
            try:
                rate_hz = reading_rate_hz(counts)
                problems = judge(counts, rate_hz)
            except CalibrationError as error:
                problems = [str(error)]
            if not problems:
                return counts, rate_hz
            for problem in problems:
                self.say(problem)

    def mass_kg(self) -> float:
        while True:
            try:
                return parse_mass_kg(self.ask("Known mass in kg: "))
            except ValueError as error:
                self.say(str(error))


def reading_rate_hz(counts: np.ndarray) -> float:
    if len(counts) == 0:
        raise CalibrationError("No readings came from the front-end: check that it is "
                               "plugged in, and try again.")
    return len(counts) / READING_S


def calibrate_fully(path: Path, mass_kg: float | None, steps: Steps) -> Calibration:
    """Zero, weigh the known mass at each of PLACEMENTS, fit the gains."""
    previous = previous_calibration(path, steps.say)
    gains = previous.newtons_per_count
    steps.say("Calibrating the load cells: first the empty plate, then a known mass in the "
              "centre and on each corner. Ctrl-C stops at any time without saving.")
    if mass_kg is None:
        mass_kg = steps.mass_kg()

    def judge_empty(counts, rate_hz):
        problems = cell_problems(counts, previous, rate_hz)
        if not problems:
            tare(counts, rate_hz, gains)
        return problems

    empty, rate_hz = steps.reading("Step off the plate and clear everything off it.", judge_empty)
    zeroed = Calibration(tare(empty, rate_hz, gains), gains)
    loaded = []
    for placement in PLACEMENTS:
        def judge_placement(counts, rate_hz, placement=placement):
            problems = cell_problems(counts, zeroed, rate_hz, placement)
            if not problems:
                weigh_placement(counts, rate_hz, zeroed, mass_kg, placement)
            return problems

        counts, _ = steps.reading(placement_prompt(placement, mass_kg), judge_placement)
        loaded.append(counts)
    fit = gain_from_known_mass(empty, loaded, mass_kg, rate_hz,
                               newtons_per_count=gains, calibrated_at=utc_now())
    for line in fit_report(fit):
        steps.say(line)
    if not fit.agrees:
        raise CalibrationError(
            f"The placements disagree by up to {fit.worst_error_n:.1f} N, more than "
            f"{MAX_PLACEMENT_ERROR * 100:g} % of the mass: check that the plate rests on its four "
            "cells alone and touches nothing else, then calibrate again; nothing was saved.")
    return fit.calibration


def zero_again(path: Path, steps: Steps) -> Calibration:
    """A new zero under the saved gains."""
    current = load_calibration(path)
    if current.is_default:
        steps.say("This plate was never calibrated, so it will still read with the nominal "
                  "gain: run `station calibrate` with a known mass for true newtons.")

    def judge_empty(counts, rate_hz):
        problems = cell_problems(counts, current, rate_hz)
        if not problems:
            check_new_zero(current, tare(counts, rate_hz, current.newtons_per_count))
        return problems

    empty, rate_hz = steps.reading("Step off the plate and clear everything off it.", judge_empty)
    return current.with_tare(tare(empty, rate_hz, current.newtons_per_count), tared_at=utc_now())


def previous_calibration(path: Path, say) -> Calibration:
    """The saved calibration, whose gains judge the readings until the new
    ones are known; a file that cannot be read is about to be replaced."""
    try:
        return load_calibration(path)
    except CalibrationError as error:
        say(f"{error} It will be replaced.")
        return DEFAULT_CALIBRATION


def cell_problems(counts, calibration, rate_hz, placement=None) -> list[str]:
    return [problem.message for problem in check_cells(counts, calibration, rate_hz, placement)]


def placement_prompt(placement: str, mass_kg: float) -> str:
    if placement == CENTRE:
        return f"Put the {mass_kg:g} kg mass in the CENTRE of the plate and take your hands off."
    return (f"Move the {mass_kg:g} kg mass to the {placement.upper()} corner, as close to the "
            "corner as it fits.")


def fit_report(fit: GainFit) -> list[str]:
    """The gains, and what each placement weighs with them."""
    lines = ["Gains:"]
    for name, gain in zip(CELL_NAMES, fit.calibration.newtons_per_count):
        change = (gain / NOMINAL_NEWTONS_PER_COUNT - 1) * 100
        lines.append(f"  {name:<12} {gain * 1e3:.5f} mN per count ({change:+.1f} % from nominal)")
    lines.append(f"The mass weighs {fit.weight_n:.1f} N; each placement weighed:")
    for placement, error_n in zip(PLACEMENTS, fit.errors_n):
        lines.append(f"  {placement:<12} {fit.weight_n + error_n:7.1f} N "
                     f"({signed_percent(error_n / fit.weight_n)})")
    lines.append(f"They agree within {fit.worst_error_n:.1f} N "
                 f"({fit.worst_error_n / fit.weight_n * 100:.2f} %).")
    return lines


def signed_percent(fraction: float) -> str:
    # Adding 0.0 turns a rounded -0.0 into 0.0, so a perfect placement shows +0.00.
    return f"{round(fraction * 100, 2) + 0.0:+.2f} %"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
