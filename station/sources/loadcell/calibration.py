"""Calibration of the four corner load cells: raw ADC counts to newtons.

Each cell's force is ``(counts - offset) * gain``. The offset (the tare) is
what the cell reads with the plate empty; the gains come from weighing one
known mass on the centre of the plate and on each corner, and solving for the
four gains that make every placement weigh the same (docs/calibration.md has
the procedure and the math). ``check_cells`` finds a saturated, dead or badly
balanced cell. Everything here is pure, except ``load_calibration`` and
``save_calibration``.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from station.analysis.events import G_M_PER_S2
from station.errors import UserError
from station.sources.loadcell.protocol import CHANNELS, COUNT_MAX, COUNT_MIN

#: The cells in the order the front-end sends them.
CELL_NAMES = ("front-left", "front-right", "back-left", "back-right")
CENTRE = "centre"
#: Where the known mass goes during a calibration, in order. The centre
#: placement shares the load about equally, so it is where a rocking plate
#: shows; the four corners tell the cells apart; five equations for four
#: gains leave one to say how well the placements agree.
PLACEMENTS = (CENTRE, *CELL_NAMES)

# The nominal gain, for a plate that was never calibrated. Assumed build:
# 200 kg cells rated 2 mV/V, bridges excited at 2.5 V, read by an ADS131M04 at
# gain 128 on its 1.2 V internal reference, whose full scale is then
# ±1.2 V / 128 = ±9.375 mV = ±2^23 counts. 2.5 V rather than the 3.3 V supply
# because at gains of 8 and more the ADS131M04's inputs must stay below
# AVDD - 1.8 V (1.5 V at 3.3 V), and a bridge sits at half its excitation.
# A full cell gives 5 mV, 4 473 924 counts, for 200 kg x g: about 0.44 mN per
# count, 0.045 g. Real plates differ by a few percent (the cells' rated
# output, the excitation), which is what a calibration measures.
CELL_CAPACITY_KG = 200.0
CELL_RATED_OUTPUT_V_PER_V = 0.002
EXCITATION_V = 2.5
ADC_FULL_SCALE_V = 1.2 / 128
ADC_FULL_SCALE_COUNTS = 1 << 23
NOMINAL_NEWTONS_PER_COUNT = (CELL_CAPACITY_KG * G_M_PER_S2) / (
    CELL_RATED_OUTPUT_V_PER_V * EXCITATION_V / ADC_FULL_SCALE_V * ADC_FULL_SCALE_COUNTS)

#: A zero or a weighing is the mean of at least this much of a still plate:
#: enough samples that the cells' noise averages out to a small fraction of a
#: newton.
STEADY_MIN_S = 0.5
#: An empty or loaded plate left alone is quiet to a newton or two per cell
#: (sensor noise and floor vibration). A cell whose standard deviation passes
#: this is being touched or moved: a foot, a hand, a mass still rocking.
STEADY_MAX_SD_N = 5.0
#: Before its first calibration the plate reads with the nominal gain, which
#: another cell model or excitation can put off by a factor of two or so; a
#: load four times off the known mass means something else is on the plate,
#: or nothing is.
LOAD_TOLERANCE_FACTOR = 4.0
#: On a 0.6 x 0.9 m plate, corner placements give a condition number of 2
#: (a dumbbell right over each cell) to 9 (a 450 mm weight plate pushed into
#: each corner); much more means the mass hardly moved between placements,
#: and the gains would amplify the noise.
MAX_CONDITION = 50.0
#: The placements must weigh the same to within this fraction of the mass's
#: weight. A plate resting on its cells alone agrees to a few tenths of a
#: percent; more means something besides the cells carries part of the load.
MAX_PLACEMENT_ERROR = 0.01
#: A re-zero this much heavier than the last zero means something was left on
#: the plate: a zero drifts by a few newtons with temperature, not by 5 kg.
MAX_ZERO_GAIN_N = 50.0

#: Within 0.1 % of either end of the 24-bit range, for this many samples in a
#: row, the ADC is clipping: the input is out of its range. One sample at the
#: limit can be a spike; three are a signal the ADC cannot follow.
SATURATION_MARGIN = 0.001
SATURATED_RUN_SAMPLES = 3
#: A working 24-bit converter at gain 128 always shows many counts of noise: a
#: cell that changes by less than half a count over a second is not connected.
DEAD_MIN_S = 1.0
DEAD_MAX_SD_COUNTS = 0.5
#: Balance is judged only on a calibration placement of at least this load,
#: where it is known where the mass is. A mass in the centre should put about
#: a quarter on each cell; outside these shares the plate rocks or a corner
#: touches something.
BALANCE_MIN_LOAD_N = 40.0
CENTRE_SHARE_RANGE = (0.05, 0.60)

# What went wrong, for a screen that names it; the sentence says what to do.
SATURATED = "saturated"
DEAD = "dead"
OFF_BALANCE = "off balance"
MOVED = "moved"              # the plate or the mass moved during a reading
WRONG_LOAD = "wrong load"    # the load is far from the known mass
NOT_EMPTY = "not empty"      # a zero heavier than the last one
TOO_FEW = "too few"          # too few readings came from the front-end
TOO_ALIKE = "too alike"      # the placements cannot tell the cells apart
DISAGREE = "disagree"        # the placements weigh the mass differently
FILE = "file"                # the calibration file cannot be read or written

CALIBRATION_FILE = "calibration.json"
FORMAT = 1


class CalibrationError(UserError):
    """A calibration problem a person can fix; ``kind`` says which (MOVED,
    NOT_EMPTY, DISAGREE...), the message what to do."""

    def __init__(self, message: str, kind: str = FILE) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Calibration:
    """How the four cells' raw counts become newtons, and when that was measured.

    ``offsets_counts`` is each cell's reading with the plate empty (the tare);
    ``newtons_per_count`` each cell's gain; both in the order front-left,
    front-right, back-left, back-right. ``calibrated_at`` and ``tared_at`` are
    ISO 8601 UTC times of the last gain calibration and the last zero.

        >>> calibration = Calibration((1000.0,) * 4, (0.5,) * 4)
        >>> calibration.to_newtons(np.array([[1000, 1002, 1004, 1010]]))
        array([[0., 1., 2., 5.]])
    """

    offsets_counts: tuple[float, float, float, float]
    newtons_per_count: tuple[float, float, float, float]
    calibrated_at: str | None = None
    tared_at: str | None = None

    def __post_init__(self) -> None:
        for name in ("offsets_counts", "newtons_per_count"):
            values = tuple(float(value) for value in getattr(self, name))
            if len(values) != CHANNELS or not all(math.isfinite(value) for value in values):
                raise ValueError(f"{name} must be {CHANNELS} finite numbers, not {values}")
            object.__setattr__(self, name, values)
        if 0.0 in self.newtons_per_count:
            raise ValueError("a gain of 0 newtons per count")

    def to_newtons(self, counts: np.ndarray) -> np.ndarray:
        """Forces (n, 4) in newtons from raw counts (n, 4): (counts - offset) * gain."""
        return (np.asarray(counts) - np.asarray(self.offsets_counts)) * np.asarray(self.newtons_per_count)

    def with_tare(self, offsets_counts, tared_at: str | None = None) -> Calibration:
        """The same gains on a new zero."""
        return replace(self, offsets_counts=tuple(offsets_counts), tared_at=tared_at)

    @property
    def is_default(self) -> bool:
        """True while no gain calibration was ever done: the plate reads with
        the nominal gain, and the station shows that it needs a calibration."""
        return self.calibrated_at is None


DEFAULT_CALIBRATION = Calibration((0.0,) * CHANNELS, (NOMINAL_NEWTONS_PER_COUNT,) * CHANNELS)


@dataclass(frozen=True)
class CellProblem:
    """Something wrong with one cell: ``cell`` its name ("front-left"...),
    ``kind`` "saturated", "dead" or "off balance", ``message`` one sentence
    saying what to do."""

    cell: str
    kind: str
    message: str


@dataclass(frozen=True)
class GainFit:
    """The outcome of weighing a known mass: the calibration, and how well the
    placements agree. ``errors_n`` has one entry per placement: what the
    plate weighed with the new gains minus the true weight ``weight_n``."""

    calibration: Calibration
    weight_n: float
    errors_n: tuple[float, ...]
    shared_gain: bool

    @property
    def worst_error_n(self) -> float:
        return max(abs(error) for error in self.errors_n)

    @property
    def agrees(self) -> bool:
        return self.worst_error_n <= MAX_PLACEMENT_ERROR * self.weight_n


# --- Zero and gains -----------------------------------------------------------

def tare(counts: np.ndarray, rate_hz: float,
         newtons_per_count=DEFAULT_CALIBRATION.newtons_per_count) -> tuple[float, ...]:
    """Each cell's zero: its mean reading over (n, 4) counts of the empty plate.

    The plate must be still: a cell whose standard deviation, in newtons with
    ``newtons_per_count``, passes STEADY_MAX_SD_N is a CalibrationError that
    names it. At least STEADY_MIN_S seconds of samples are needed.
    """
    moving = ("The plate moved while zeroing (the {cell} cell varied by {sd_n:.0f} N): "
              "step off, keep clear of the plate, and try again.")
    return tuple(float(mean) for mean in _steady_mean(counts, rate_hz, newtons_per_count, moving))


def weigh_placement(counts: np.ndarray, rate_hz: float, calibration: Calibration,
                    mass_kg: float, placement: str) -> np.ndarray:
    """Mean net counts (4,) of the known mass at ``placement`` (CENTRE or a
    cell name), over calibration's zero.

    A CalibrationError when the plate moved, or when the load read with
    calibration's gains is LOAD_TOLERANCE_FACTOR or more away from the mass:
    the mass is not on the plate, or something else is.
    """
    moving = ("The plate moved while weighing (the {cell} cell varied by {sd_n:.0f} N): "
              "let the mass settle, take your hands off, and try again.")
    net = _steady_mean(counts, rate_hz, calibration.newtons_per_count, moving) - calibration.offsets_counts
    load_kg = float(net @ np.asarray(calibration.newtons_per_count)) / G_M_PER_S2
    if not mass_kg / LOAD_TOLERANCE_FACTOR < load_kg < mass_kg * LOAD_TOLERANCE_FACTOR:
        raise CalibrationError(
            f"The plate feels {max(load_kg, 0.0):.1f} kg but the mass is {mass_kg:g} kg: put the mass, "
            f"and nothing else, {_where(placement)}, and try again.", WRONG_LOAD)
    return net


def _where(placement: str) -> str:
    """Where a placement puts the mass, as words that finish a sentence."""
    return "in the centre of the plate" if placement == CENTRE else f"on the {placement} corner"


def solve_gains(placements: list[np.ndarray], mass_kg: float) -> tuple[float, float, float, float]:
    """The four gains (newtons per count) that make each placement of the known
    mass weigh m·g.

    ``placements`` holds each placement's mean net counts n_k (4,). Every
    placement gives one equation, whatever the distribution of the load among
    the cells, because the cells carry the whole weight between them:

        sum_i g_i · n_ki = m · g

    With four or more placements that move the mass around the plate, least
    squares gives each cell its own gain. With fewer (the centre only), the
    cells cannot be told apart, and one shared gain s is fitted to the totals
    S_k = sum_i n_ki: s = m·g · sum_k S_k / sum_k S_k².
    """
    net = np.asarray(placements, dtype=float)
    if net.ndim != 2 or net.shape[1] != CHANNELS or len(net) == 0:
        raise ValueError(f"placements must be shaped (k, {CHANNELS}), not {net.shape}")
    weight_n = mass_kg * G_M_PER_S2
    if len(net) < CHANNELS:
        totals = net.sum(axis=1)
        return (float(weight_n * totals.sum() / (totals @ totals)),) * CHANNELS
    if np.linalg.cond(net) > MAX_CONDITION:
        raise CalibrationError(
            "The placements are too alike to tell the four cells apart: put the mass "
            "on each corner in turn, as close to the corner as it fits.", TOO_ALIKE)
    gains, *_ = np.linalg.lstsq(net, np.full(len(net), weight_n), rcond=None)
    return tuple(float(gain) for gain in gains)


def placement_errors_n(placements: list[np.ndarray], newtons_per_count, mass_kg: float) -> np.ndarray:
    """What each placement weighs with these gains, minus the mass's weight (N)."""
    return np.asarray(placements, dtype=float) @ np.asarray(newtons_per_count) - mass_kg * G_M_PER_S2


def gain_from_known_mass(empty_counts: np.ndarray, loaded_counts: list[np.ndarray] | np.ndarray,
                         mass_kg: float, rate_hz: float, *,
                         newtons_per_count=DEFAULT_CALIBRATION.newtons_per_count,
                         calibrated_at: str | None = None) -> GainFit:
    """A calibration from raw counts (n, 4): the empty plate, then the known
    mass at each placement. Five placements are PLACEMENTS (centre, then the
    four corners); a single (n, 4) array is the centre only, which gives one
    shared gain. ``newtons_per_count`` (the gains so far) judges stillness.
    """
    if isinstance(loaded_counts, np.ndarray) and loaded_counts.ndim == 2:
        loaded_counts = [loaded_counts]
    offsets = tare(empty_counts, rate_hz, newtons_per_count)
    moving = ("The plate moved while weighing (the {cell} cell varied by {sd_n:.0f} N): "
              "run the calibration again without touching the plate while it weighs.")
    placements = [_steady_mean(counts, rate_hz, newtons_per_count, moving) - offsets
                  for counts in loaded_counts]
    gains = solve_gains(placements, mass_kg)
    errors = placement_errors_n(placements, gains, mass_kg)
    return GainFit(
        calibration=Calibration(offsets, gains, calibrated_at=calibrated_at, tared_at=calibrated_at),
        weight_n=mass_kg * G_M_PER_S2,
        errors_n=tuple(float(error) for error in errors),
        shared_gain=len(placements) < CHANNELS)


def check_new_zero(previous: Calibration, offsets_counts) -> None:
    """A CalibrationError when a re-zero reads MAX_ZERO_GAIN_N heavier than the
    previous zero: something was left on the plate. Lighter is fine: it
    corrects a zero taken with something on the plate."""
    heavier_n = zero_gain_n(previous, offsets_counts)
    if heavier_n is not None and heavier_n > MAX_ZERO_GAIN_N:
        raise CalibrationError(
            f"The empty plate reads {heavier_n / G_M_PER_S2:.1f} kg more than at its last zero: "
            "clear everything off it and try again, or, if it is empty, run the full "
            "`station calibrate`.", NOT_EMPTY)


def zero_gain_n(previous: Calibration, offsets_counts) -> float | None:
    """How much heavier (N) a new zero reads than ``previous``'s, with its
    gains; None when ``previous`` was never zeroed."""
    if previous.tared_at is None:
        return None
    shift = np.asarray(offsets_counts) - np.asarray(previous.offsets_counts)
    return float(shift @ np.asarray(previous.newtons_per_count))


def _steady_mean(counts: np.ndarray, rate_hz: float, newtons_per_count, moving: str) -> np.ndarray:
    counts = np.asarray(counts)
    if len(counts) < STEADY_MIN_S * rate_hz:
        raise CalibrationError(
            f"Only {len(counts) / rate_hz:.2f} s of readings came from the front-end, and at "
            f"least {STEADY_MIN_S:g} s is needed: check its cable and try again.", TOO_FEW)
    sd_n = counts.std(axis=0) * np.abs(np.asarray(newtons_per_count))
    cell = int(np.argmax(sd_n))
    if sd_n[cell] > STEADY_MAX_SD_N:
        raise CalibrationError(moving.format(cell=CELL_NAMES[cell], sd_n=sd_n[cell]), MOVED)
    return counts.mean(axis=0)


# --- Cell health --------------------------------------------------------------

def check_cells(counts: np.ndarray, calibration: Calibration, rate_hz: float,
                placement: str | None = None) -> list[CellProblem]:
    """What is wrong with the cells in (n, 4) raw counts, if anything.

    Always judged: a cell is saturated when it stays within SATURATION_MARGIN
    of either end of the 24-bit range for SATURATED_RUN_SAMPLES samples; dead
    when, over at least DEAD_MIN_S, it reads one constant value, or varies by
    less than DEAD_MAX_SD_COUNTS while another cell shows noise. Judged only
    when ``placement`` says where a known load sits (CENTRE or a cell name),
    and only if no cell is saturated or dead: off balance, when a centre load
    puts a share outside CENTRE_SHARE_RANGE on a cell, or a corner load puts
    more on another cell than on that corner's.
    """
    counts = np.asarray(counts)
    saturated = _saturated(counts)
    dead = _dead(counts, rate_hz) & ~saturated
    problems = [CellProblem(CELL_NAMES[cell], SATURATED,
                            f"The {CELL_NAMES[cell]} cell reads at the limit of the converter: check "
                            "its cable and that nothing presses on that corner; if it stays there, "
                            "the cell is overloaded or damaged.")
                for cell in np.flatnonzero(saturated)]
    problems += [CellProblem(CELL_NAMES[cell], DEAD,
                             f"The {CELL_NAMES[cell]} cell's reading does not change at all: it is "
                             "probably unplugged, so check its cable at the cell and at the front-end.")
                 for cell in np.flatnonzero(dead)]
    if placement is not None and not problems:
        problems += _off_balance(calibration.to_newtons(counts).mean(axis=0), placement)
    return problems


def _saturated(counts: np.ndarray) -> np.ndarray:
    near_limit = ((counts >= COUNT_MAX * (1 - SATURATION_MARGIN))
                  | (counts <= COUNT_MIN * (1 - SATURATION_MARGIN)))
    if len(counts) < SATURATED_RUN_SAMPLES:
        return np.zeros(CHANNELS, dtype=bool)
    runs = np.lib.stride_tricks.sliding_window_view(near_limit, SATURATED_RUN_SAMPLES, axis=0)
    return runs.all(axis=-1).any(axis=0)


def _dead(counts: np.ndarray, rate_hz: float) -> np.ndarray:
    if len(counts) < DEAD_MIN_S * rate_hz:
        return np.zeros(CHANNELS, dtype=bool)
    constant = np.ptp(counts, axis=0) == 0
    flat = counts.std(axis=0) < DEAD_MAX_SD_COUNTS
    return constant | (flat & bool((~flat).any()))


def _off_balance(forces_n: np.ndarray, placement: str) -> list[CellProblem]:
    total_n = float(forces_n.sum())
    if total_n < BALANCE_MIN_LOAD_N:
        return []
    shares = forces_n / total_n
    if placement == CENTRE:
        return [problem for cell, share in enumerate(shares)
                if (problem := _centre_share_problem(CELL_NAMES[cell], float(share)))]
    heaviest = CELL_NAMES[int(np.argmax(shares))]
    if heaviest == placement:
        return []
    return [CellProblem(placement, OFF_BALANCE,
                        f"With the mass on the {placement} corner the {heaviest} cell carries more "
                        f"than the {placement} cell: put the mass on the {placement} corner, and check "
                        "that each cell is plugged into its own input.")]


def _centre_share_problem(cell: str, share: float) -> CellProblem | None:
    low, high = CENTRE_SHARE_RANGE
    # Noise makes a cell that carries nothing read a little either side of 0.
    if share < -low:
        return CellProblem(cell, OFF_BALANCE,
                           f"The {cell} cell reads less, not more, with a mass on the plate: its "
                           "two signal wires are probably swapped.")
    if share < low or share > high:
        return CellProblem(cell, OFF_BALANCE,
                           f"The {cell} cell carries {max(share, 0.0) * 100:.0f} % of a mass in the centre, "
                           "where about 25 % is expected: make sure the plate stands level on all "
                           "four cells, the mass is in the middle, and nothing touches the plate.")
    return None


# --- Storage ------------------------------------------------------------------

def default_data_dir() -> Path:
    """Where the station keeps its files: $JUMPMAT_DATA_DIR, or ~/.local/share/jumpmat."""
    return Path(os.environ.get("JUMPMAT_DATA_DIR", "~/.local/share/jumpmat")).expanduser()


def calibration_path(data_dir: Path) -> Path:
    return Path(data_dir) / CALIBRATION_FILE


def load_calibration(path: Path) -> Calibration:
    """The calibration saved at ``path``; DEFAULT_CALIBRATION if there is none.

    A file that cannot be read or is not a format-1 calibration is a
    CalibrationError that names it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return DEFAULT_CALIBRATION
    except (OSError, UnicodeDecodeError) as error:
        raise CalibrationError(f"{path}: cannot read the calibration ({error}); fix its "
                               "permissions, or run `station calibrate` to make a new one.") from None
    try:
        return _from_json(json.loads(text))
    except (ValueError, TypeError) as error:
        raise CalibrationError(f"{path}: not a calibration this station can read ({error}); "
                               "run `station calibrate` to make a new one.") from None


def save_calibration(path: Path, calibration: Calibration) -> None:
    """Write ``calibration`` to ``path`` atomically: a reader (or a power cut)
    sees the old file or the new one, never part of one."""
    path = Path(path)
    text = json.dumps(_to_json(calibration), indent=2) + "\n"
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            # mkstemp makes the file private; the station may run as another user.
            os.fchmod(file.fileno(), 0o644)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
        temporary = None
        _fsync_folder(path.parent)
    except OSError as error:
        raise CalibrationError(f"{path}: cannot save the calibration ({error.strerror or error}); "
                               "give a folder you can write to with --data-dir.") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable. Folders cannot be opened for fsync on
    Windows, which has no O_DIRECTORY."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _to_json(calibration: Calibration) -> dict:
    return {
        "format": FORMAT,
        "cells": list(CELL_NAMES),
        "offsets_counts": list(calibration.offsets_counts),
        "newtons_per_count": list(calibration.newtons_per_count),
        "calibrated_at": calibration.calibrated_at,
        "tared_at": calibration.tared_at,
    }


def _from_json(data) -> Calibration:
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    if data.get("format") != FORMAT:
        raise ValueError(f"format {data.get('format')!r}, and this station reads format {FORMAT}")
    if data.get("cells") != list(CELL_NAMES):
        raise ValueError(f"cells must be {', '.join(CELL_NAMES)} in that order")
    for key in ("offsets_counts", "newtons_per_count"):
        values = data.get(key)
        if not isinstance(values, list) or any(isinstance(value, bool) or not isinstance(value, (int, float))
                                               for value in values):
            raise ValueError(f"{key} must be a list of {CHANNELS} numbers")
    for key in ("calibrated_at", "tared_at"):
        if not isinstance(data.get(key), (str, type(None))):
            raise ValueError(f"{key} must be a time or null")
    return Calibration(data["offsets_counts"], data["newtons_per_count"],
                       data.get("calibrated_at"), data.get("tared_at"))
