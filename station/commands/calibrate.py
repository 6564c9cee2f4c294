"""`station calibrate`: zero the load cells and calibrate them with a known
mass, guided step by step at the terminal.

The readings come from ``read_counts(duration_s)``, raw counts (n, 4) from
the front-end, and the person answers through ``ask`` and reads ``say``: the
flow runs the same against the serial front-end and against a fake plate in
the tests. The steps, their checks and the solution are the kiosk's too
(station/sources/loadcell/steps.py); this module only says them at the
terminal. Nothing is saved until the last step; Ctrl-C or end of input at
any prompt stops without saving. docs/calibration.md describes the procedure.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from station.sources.loadcell.calibration import (
    CELL_NAMES, DEFAULT_CALIBRATION, NOMINAL_NEWTONS_PER_COUNT, PLACEMENTS, Calibration,
    CalibrationError, GainFit, calibration_path, default_data_dir, load_calibration,
    save_calibration)
from station.sources.loadcell.steps import (
    DONE, FAILED, MASS, MAX_MASS_KG, MIN_MASS_KG, READING_S, CalibrationSteps)

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
    if args.tare_only:
        steps = CalibrationSteps(load_calibration(path), tare_only=True)
        if steps.previous.is_default:
            say("This plate was never calibrated, so it will still read with the nominal "
                "gain: run `station calibrate` with a known mass for true newtons.")
    else:
        steps = CalibrationSteps(previous_calibration(path, say), args.mass)
        say("Calibrating the load cells: first the empty plate, then a known mass in the "
            "centre and on each corner. Ctrl-C stops at any time without saving.")
    try:
        guide(steps, read_counts, ask, say)
    except (KeyboardInterrupt, EOFError):
        say("\nCalibration stopped; nothing was saved.")
        return STOPPED
    if steps.fit is not None:
        for line in fit_report(steps.fit):
            say(line)
    if steps.step == FAILED:
        raise CalibrationError(steps.failure.message, steps.failure.kind)
    save_calibration(path, steps.result)
    say(f"Saved to {path}.")
    return 0


def guide(steps: CalibrationSteps, read_counts, ask, say) -> None:
    """Ask for each step's reading until the steps are done or failed: a
    reading with problems is explained and asked for again."""
    if steps.step == MASS:
        steps.choose_mass(ask_mass_kg(ask, say))
    while steps.step not in (DONE, FAILED):
        ask(f"{steps.prompt()} Then press Enter. ")
        say(f"Reading for {READING_S:g} s, hands off the plate...")
        for problem in steps.take(read_counts(READING_S), READING_S):
            say(problem.message)


def ask_mass_kg(ask, say) -> float:
    while True:
        try:
            return parse_mass_kg(ask("Known mass in kg: "))
        except ValueError as error:
            say(str(error))


def previous_calibration(path: Path, say) -> Calibration:
    """The saved calibration, whose gains judge the readings until the new
    ones are known; a file that cannot be read is about to be replaced."""
    try:
        return load_calibration(path)
    except CalibrationError as error:
        say(f"{error} It will be replaced.")
        return DEFAULT_CALIBRATION


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
