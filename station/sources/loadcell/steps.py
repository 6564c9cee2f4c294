"""The guided calibration as a step machine: what to ask for next, and what
each reading of the plate says.

Pure: raw counts go in, steps and problems come out. ``station calibrate``
drives it from the terminal and the kiosk from its three buttons, so both
ask for the same readings in the same order, judge them with the same
rules and solve the same equations (calibration.py); only the words around
them differ. docs/calibration.md describes the procedure.

The steps of a full calibration: the known mass (unless given), the empty
plate (the zero), then the mass on each of PLACEMENTS; then the placements
must agree within MAX_PLACEMENT_ERROR of the mass's weight, or the
calibration fails. ``tare_only`` has the zero alone, under the saved gains.
A reading with a problem leaves the step where it is, to be read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import numpy as np

from station.analysis.events import G_M_PER_S2
from station.sources.loadcell.calibration import (
    CENTRE, DISAGREE, MAX_PLACEMENT_ERROR, MAX_ZERO_GAIN_N, NOT_EMPTY, PLACEMENTS, TOO_FEW,
    Calibration, CalibrationError, GainFit, check_cells, check_new_zero, gain_from_known_mass,
    tare, weigh_placement, zero_gain_n)

#: Two seconds of each reading: the zero and the weighings need half a second
#: of steady samples, and a dead cell shows only over a second or more.
READING_S = 2.0
#: A calibration mass lighter than this puts only a few newtons on the far
#: cells of a corner placement, too close to floor vibration and drift; a
#: heavier one than a single cell's rating could overload the corner it sits on.
MIN_MASS_KG = 5.0
MAX_MASS_KG = 200.0
#: Two zeros of a plate nobody touched agree to a newton or two; a second
#: heavy zero this close to the first is the same plate, said to be empty.
SAME_ZERO_N = 10.0

#: Where each placement puts the mass, as fractions of the plate's width
#: (from the left) and depth (from the front): a 20 kg weight plate, 450 mm
#: across, pushed into a corner of a 0.6 x 0.9 m plate sits 225 mm in from
#: both edges. The screens draw the places there.
_INSET_X, _INSET_Y = 0.225 / 0.6, 0.225 / 0.9
SPOTS = {
    CENTRE: (0.5, 0.5),
    "front-left": (_INSET_X, _INSET_Y),
    "front-right": (1 - _INSET_X, _INSET_Y),
    "back-left": (_INSET_X, 1 - _INSET_Y),
    "back-right": (1 - _INSET_X, 1 - _INSET_Y),
}

MASS = "mass"
EMPTY = "empty"
DONE = "done"
FAILED = "failed"


@dataclass(frozen=True)
class Problem:
    """What is wrong with a reading or a calibration: ``kind`` (calibration.py's
    MOVED, NOT_EMPTY, DISAGREE...) and one sentence saying what to do."""

    kind: str
    message: str


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class CalibrationSteps:
    """One guided calibration, step by step.

    ``previous``: the calibration saved now (DEFAULT_CALIBRATION if none),
    whose gains judge the readings until new ones are known and whose zero
    tells a plate left loaded. ``mass_kg``: the known mass, or None to be
    chosen first (``choose_mass``). ``tare_only``: only a new zero, keeping
    the gains. ``clock()`` gives the time written into the result.

        steps = CalibrationSteps(previous, mass_kg=20.0)
        while steps.step not in (DONE, FAILED):
            print(steps.prompt())
            for problem in steps.take(read_counts(READING_S), READING_S):
                print(problem.message)
        save(steps.result)          # None when it FAILED: steps.failure says why
    """

    def __init__(self, previous: Calibration, mass_kg: float | None = None, *,
                 tare_only: bool = False, clock: Callable[[], str] = utc_now) -> None:
        self.previous = previous
        self.mass_kg = mass_kg
        self.tare_only = tare_only
        self.clock = clock
        #: The steps that take a reading, in order.
        self.plan: tuple[str, ...] = (EMPTY,) if tare_only else (EMPTY, *PLACEMENTS)
        #: The readings accepted so far: the empty plate, then each placement.
        self.empty_counts: np.ndarray | None = None
        self.loaded_counts: list[np.ndarray] = []
        self.rate_hz: float | None = None
        self.zeroed: Calibration | None = None
        self.fit: GainFit | None = None
        self.result: Calibration | None = None
        self.failure: Problem | None = None
        self._heavy_zero: np.ndarray | None = None

    @property
    def step(self) -> str:
        """MASS, EMPTY, a placement (CENTRE or a corner's name), DONE or FAILED."""
        if self.failure is not None:
            return FAILED
        if self.result is not None:
            return DONE
        if self.mass_kg is None and not self.tare_only:
            return MASS
        return self.plan[len(self.loaded_counts) + (self.empty_counts is not None)]

    @property
    def readings_done(self) -> int:
        """How many of the ``plan``'s readings were accepted."""
        return len(self.loaded_counts) + (self.empty_counts is not None)

    def choose_mass(self, mass_kg: float) -> None:
        if not MIN_MASS_KG <= mass_kg <= MAX_MASS_KG:
            raise ValueError(f"the known mass must be {MIN_MASS_KG:g} to {MAX_MASS_KG:g} kg, not {mass_kg}")
        self.mass_kg = mass_kg

    def prompt(self) -> str:
        """What to do before the current step's reading, as one sentence."""
        step = self.step
        if step == EMPTY:
            return "Step off the plate and clear everything off it."
        if step == CENTRE:
            return f"Put the {self.mass_kg:g} kg mass in the CENTRE of the plate and take your hands off."
        if step in PLACEMENTS:
            return (f"Move the {self.mass_kg:g} kg mass to the {step.upper()} corner, as close to the "
                    "corner as it fits.")
        raise ValueError(f"no reading is asked for at step {step!r}")

    def take(self, counts: np.ndarray, duration_s: float) -> list[Problem]:
        """Judge a reading of the current step: raw counts (n, 4) taken over
        ``duration_s``. No problems: the step is done and the next one is
        up. Else the problems, and the same step is up again."""
        if self.step not in self.plan:
            raise ValueError(f"no reading is asked for at step {self.step!r}")
        counts = np.asarray(counts)
        if len(counts) == 0:
            return [Problem(TOO_FEW, "No readings came from the front-end: check that it is "
                                     "plugged in, and try again.")]
        rate_hz = len(counts) / duration_s
        placement = None if self.step == EMPTY else self.step
        judge_with = self.previous if placement is None else self.zeroed
        problems = [Problem(p.kind, p.message) for p in check_cells(counts, judge_with, rate_hz, placement)]
        if problems:
            return problems
        try:
            if placement is None:
                self._zero(counts, rate_hz)
            else:
                self._weigh(counts, rate_hz, placement)
        except CalibrationError as error:
            return [Problem(error.kind, str(error))]
        return []

    def _zero(self, counts: np.ndarray, rate_hz: float) -> None:
        offsets = tare(counts, rate_hz, self.previous.newtons_per_count)
        if self.tare_only:
            check_new_zero(self.previous, offsets)
            self.result = self.previous.with_tare(offsets, tared_at=self.clock())
        else:
            self._check_empty(offsets)
            self.zeroed = Calibration(offsets, self.previous.newtons_per_count)
        self.empty_counts, self.rate_hz = counts, rate_hz

    def _check_empty(self, offsets) -> None:
        """A zero much heavier than the last one means something is on the
        plate; but new cells read another zero, so the same heavy zero read
        twice is taken: the person was told to clear the plate, and did."""
        heavier_n = zero_gain_n(self.previous, offsets)
        if heavier_n is None or heavier_n <= MAX_ZERO_GAIN_N:
            return
        offsets = np.asarray(offsets)
        gains = np.asarray(self.previous.newtons_per_count)
        if self._heavy_zero is not None and abs((offsets - self._heavy_zero) @ gains) <= SAME_ZERO_N:
            return
        self._heavy_zero = offsets
        raise CalibrationError(
            f"The plate reads {heavier_n / G_M_PER_S2:.1f} kg more than at its last zero, so something "
            "is on it: clear it and weigh it again, or, if it is empty (a cell was replaced), weigh it "
            "again as it is.", NOT_EMPTY)

    def _weigh(self, counts: np.ndarray, rate_hz: float, placement: str) -> None:
        weigh_placement(counts, rate_hz, self.zeroed, self.mass_kg, placement)
        self.loaded_counts.append(counts)
        if len(self.loaded_counts) == len(PLACEMENTS):
            self._solve()

    def _solve(self) -> None:
        fit = gain_from_known_mass(self.empty_counts, self.loaded_counts, self.mass_kg, self.rate_hz,
                                   newtons_per_count=self.previous.newtons_per_count,
                                   calibrated_at=self.clock())
        self.fit = fit
        if fit.agrees:
            self.result = fit.calibration
            return
        # Five placements for four gains leave one degree of freedom: least
        # squares spreads a bad placement's error over all of them, so which
        # one was bad cannot be said, only that they disagree.
        self.failure = Problem(DISAGREE, (
            f"The placements disagree by up to {fit.worst_error_n:.1f} N, more than "
            f"{MAX_PLACEMENT_ERROR * 100:g} % of the mass: check that the plate rests on its four cells "
            "alone and touches nothing else, then calibrate again; nothing was saved."))
