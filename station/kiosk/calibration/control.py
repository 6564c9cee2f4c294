"""A calibration of the load cells from the kiosk's three buttons: pure, no
pygame, no clock of its own (``now_s`` is the session time).

It drives the same step machine as ``station calibrate``
(station/sources/loadcell/steps.py), so the kiosk asks for the same readings,
judges them with the same checks and saves the same calibration. Its
readings come from the running load-cell source (``hear``: every sample's
raw counts and time as the main loop reads them), so the frame never waits
on the plate. Stages (``stage``):

- None: closed.
- "confirm": what it needs; "Start" or "Not now".
- "unavailable": the station has no load cells to calibrate.
- "mass": the known mass, from ``[plate] calibration_mass_kg``; NEXT heavier,
  BACK lighter, by ``MASS_STEP_KG``; SELECT uses it.
- "step": what to do (clear the plate, put the mass on the centre or a
  corner); "Weigh now" or "Stop".
- "reading": ``READING_S`` of samples from the moment SELECT was pressed;
  the screen's ring fills with them.
- "problem": the reading's problems (plate not empty, mass moved, a dead
  cell...); "Weigh again" or "Stop".
- "saving", then "done" (how well the placements agree), or "save-failed".
- "failed": the placements disagree; nothing saved; "Start again" or "Close".

A stage waiting for the coach closes after ``IDLE_S`` untouched, with
nothing saved; so does ``cancel`` (BACK held). Nothing is saved before the
last placement agrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from station.kiosk.controls.actions import Action, hit, in_list
from station.sources.loadcell.calibration import FILE, Calibration
from station.sources.loadcell.steps import (
    DONE, FAILED, MAX_MASS_KG, MIN_MASS_KG, READING_S, CalibrationSteps, Problem)

#: Long enough to fetch a weight from the rack or clear the plate; a
#: calibration left alone longer was abandoned.
IDLE_S = 300.0
#: How long a reading waits beyond its READING_S for its last samples (the
#: front-end's frames arrive a few ms late; a silent front-end never sends
#: them, and the reading is judged with what came).
LATE_S = 1.0
#: NEXT and BACK change the mass by this much: whole kilograms, as weight
#: plates, dumbbells and kettlebells are labelled.
MASS_STEP_KG = 1.0
WAITING_STAGES = ("confirm", "unavailable", "mass", "step", "problem", "done", "save-failed", "failed")


@dataclass
class Reading:
    """The raw counts of one reading: the samples from ``from_s`` for READING_S."""

    from_s: float
    counts: list
    complete: bool = False

    @property
    def until_s(self) -> float:
        return self.from_s + READING_S


class CalibrationControl:
    """The kiosk's calibration, driven by its actions once a frame.

    ``previous()``: the calibration saved now (its gains judge the first
    readings). ``save(calibration)``: starts saving it and returns an object
    with ``done`` and ``error`` (a sentence, or None). ``on_saved(calibration)``:
    told once it is saved. ``mass_kg``: the mass offered first.
    ``unavailable``: why this station cannot calibrate (no load cells), or None.

        control = CalibrationControl(lambda: load_calibration(path), save, 20.0)
        control.open(now_s)
        control.act(Action.SELECT, now_s)       # Start
        control.hear(times_s, counts)           # as the source reads them
        control.tick(now_s)
    """

    def __init__(self, previous: Callable[[], Calibration], save: Callable, mass_kg: float,
                 on_saved: Callable[[Calibration], None] = lambda calibration: None,
                 unavailable: str | None = None) -> None:
        self.previous, self.save, self.on_saved = previous, save, on_saved
        self.configured_mass_kg = mass_kg
        self.unavailable = unavailable
        self.stage: str | None = None
        self.steps: CalibrationSteps | None = None
        self.mass_kg = mass_kg
        self.highlighted = 0
        self.problems: list[Problem] = []
        self.reading: Reading | None = None
        self.saving = None
        self._touched_s = 0.0
        self._closing = False   # cancelled while saving: applied, never shown

    @property
    def showing(self) -> bool:
        return self.stage is not None and not self._closing

    def open(self, now_s: float) -> None:
        """Show the calibration's first screen."""
        self._closing = False
        self.steps, self.reading, self.problems = None, None, []
        self._to("unavailable" if self.unavailable else "confirm", now_s)

    def cancel(self) -> None:
        """Stop now, saving nothing; a save already under way still ends
        (the file is the old one or the new one, never half of one) and the
        new calibration is then used, without a screen."""
        if self.stage == "saving":
            self._closing = True
        else:
            self._close()

    def rows(self) -> list[tuple[str, str]]:
        """The choices on screen now, as (what, label)."""
        return {
            "confirm": [("start", "Start"), ("close", "Not now")],
            "unavailable": [("close", "Close")],
            "mass": [("use", f"Use {self.mass_kg:g} kg")],
            "step": [("weigh", "Weigh now"), ("close", "Stop")],
            "problem": [("weigh", "Weigh again"), ("close", "Stop")],
            "done": [("close", "Done")],
            "save-failed": [("save", "Try again"), ("close", "Close")],
            "failed": [("again", "Start again"), ("close", "Close")],
        }.get(self.stage, [])

    def act(self, action, now_s: float, targets: dict | None = None) -> None:
        """One press or tap while the calibration shows."""
        self._touched_s = now_s
        tapped = hit(action, targets or {})
        if self.stage == "mass" and (action in (Action.NEXT, Action.BACK) or tapped in ("heavier", "lighter")):
            self._change_mass(+1 if action is Action.NEXT or tapped == "heavier" else -1)
            return
        rows = self.rows()
        self.highlighted, chosen = in_list(action, self.highlighted, len(rows), targets)
        if chosen is not None:
            self._choose(rows[chosen][0], now_s)

    def hear(self, times_s: np.ndarray, counts: np.ndarray) -> None:
        """Raw counts (n, 4) of samples at session times ``times_s`` (n,), as
        the load-cell source reads them; kept while a reading is under way."""
        reading = self.reading
        if reading is None or reading.complete:
            return
        inside = (times_s >= reading.from_s) & (times_s < reading.until_s)
        if inside.any():
            reading.counts.append(counts[inside])
        reading.complete = bool(times_s[-1] >= reading.until_s)

    def tick(self, now_s: float) -> None:
        """Move on to ``now_s``: judge a finished reading, see a save through,
        close an abandoned calibration."""
        if self.stage == "reading" and (self.reading.complete or now_s >= self.reading.until_s + LATE_S):
            self._judge(now_s)
        elif self.stage == "saving" and self.saving.done:
            self._saved(now_s)
        elif self.stage in WAITING_STAGES and now_s - self._touched_s > IDLE_S:
            self._close()

    def progress(self, now_s: float) -> float:
        """How much of the reading under way is done, 0 to 1."""
        if self.stage != "reading":
            return 0.0
        return min(1.0, max(0.0, (now_s - self.reading.from_s) / READING_S))

    def _change_mass(self, sign: int) -> None:
        stepped = (math.floor(self.mass_kg / MASS_STEP_KG) + 1 if sign > 0
                   else math.ceil(self.mass_kg / MASS_STEP_KG) - 1) * MASS_STEP_KG
        self.mass_kg = min(MAX_MASS_KG, max(MIN_MASS_KG, stepped))

    def _choose(self, what: str, now_s: float) -> None:
        if what == "start":
            self.steps, self.mass_kg = CalibrationSteps(self.previous()), self.configured_mass_kg
            self._to("mass", now_s)
        elif what == "use":
            self.steps.choose_mass(self.mass_kg)
            self._to("step", now_s)
        elif what == "weigh":
            self.reading = Reading(now_s, [])
            self._to("reading", now_s)
        elif what == "again":
            self.steps = CalibrationSteps(self.steps.previous, self.mass_kg)
            self._to("step", now_s)
        elif what == "save":
            self._save(now_s)
        else:
            self._close()

    def _judge(self, now_s: float) -> None:
        reading, self.reading = self.reading, None
        counts = np.vstack(reading.counts) if reading.counts else np.empty((0, 4))
        self.problems = self.steps.take(counts, READING_S)
        if self.problems:
            self._to("problem", now_s)
        elif self.steps.step == DONE:
            self._save(now_s)
        elif self.steps.step == FAILED:
            self.problems = [self.steps.failure]
            self._to("failed", now_s)
        else:
            self._to("step", now_s)

    def _save(self, now_s: float) -> None:
        self.saving = self.save(self.steps.result)
        self._to("saving", now_s)

    def _saved(self, now_s: float) -> None:
        if self.saving.error is None:
            self.on_saved(self.steps.result)
        if self._closing:
            self._close()
        elif self.saving.error is None:
            self._to("done", now_s)
        else:
            self.problems = [Problem(FILE, self.saving.error)]
            self._to("save-failed", now_s)

    def _to(self, stage: str, now_s: float) -> None:
        self.stage, self.highlighted, self._touched_s = stage, 0, now_s

    def _close(self) -> None:
        self.stage, self.steps, self.reading, self.saving, self._closing = None, None, None, None, False
