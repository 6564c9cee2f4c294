"""Calibrating the load cells inside the kiosk: SELECT and NEXT held together
open it (station/kiosk/controls), from any screen but a running class challenge.

While it shows, every press goes to it (``CalibrationControl``) and its
screens replace the kiosk's own. Its readings are the running load-cell
source's raw counts, as the main loop reads them; the calibration file is
written in a worker thread (an fsync on an SD card can take a while), and
once saved the running source reads with it at once and the "not calibrated"
banner goes.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pygame

from station.kiosk.calibration.control import CalibrationControl
from station.kiosk.calibration.screens import CalibrationView, render
from station.kiosk.controls.actions import Action
from station.kiosk.draw.text import TextCache
from station.sources.loadcell.calibration import (
    CELL_NAMES, CENTRE, DEAD, DEFAULT_CALIBRATION, DISAGREE, MOVED, NOMINAL_NEWTONS_PER_COUNT,
    NOT_EMPTY, OFF_BALANCE, PLACEMENTS, SATURATED, TOO_ALIKE, TOO_FEW, WRONG_LOAD, CalibrationError,
    calibration_path, load_calibration, save_calibration)
from station.sources.loadcell.steps import EMPTY, MAX_MASS_KG, MIN_MASS_KG, READING_S

LOG = logging.getLogger("station")
BANNER = "calibration"
MASS_HINT = "NEXT heavier, BACK lighter, SELECT uses it, or tap"
FAULT = "The calibration could not be saved because of a fault in the station."
NO_LOAD_CELLS = ("This station reads no load-cell front-end, so there is nothing to calibrate: "
                 "set [sources] force = \"frontend\" in its config and restart it.")
SIMULATED = "The load cells are simulated, so there is nothing to calibrate."
#: What each kind of problem is called on the screen (the sentence under it says what to do).
TITLES = {NOT_EMPTY: "THE PLATE IS NOT EMPTY", MOVED: "THE MASS MOVED", WRONG_LOAD: "THE MASS IS NOT THERE",
          TOO_FEW: "NO READINGS", TOO_ALIKE: "THE PLACES ARE TOO ALIKE", DISAGREE: "THE CORNERS DISAGREE",
          SATURATED: "A LOAD CELL NEEDS A LOOK", DEAD: "A LOAD CELL NEEDS A LOOK",
          OFF_BALANCE: "THE LOAD IS SHARED WRONGLY"}


class Saving:
    """``calibration`` written to ``path`` in a daemon thread; ``done``, then
    ``error`` (None, or the sentence to show)."""

    def __init__(self, path: Path, calibration) -> None:
        self.error: str | None = None
        self._finished = threading.Event()
        threading.Thread(target=self._run, args=(path, calibration), name="calibration",
                         daemon=True).start()

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        return self._finished.wait(timeout_s)

    def _run(self, path: Path, calibration) -> None:
        try:
            save_calibration(path, calibration)
        except CalibrationError as error:
            self.error = str(error)
        except Exception:
            LOG.exception("the calibration could not be saved")
            self.error = FAULT
        finally:
            self._finished.set()


class CalibrationMode:
    """The calibration's screens in the kiosk, around a ``CalibrationControl``.

        mode = CalibrationMode(control)
        actions = mode.take(actions, now_s, targets)   # all of them while it shows
        if mode.showing:
            rects = mode.render(page, now_s, fonts, targets)
    """

    def __init__(self, control: CalibrationControl, back_hold_s: float = 2.0) -> None:
        self.control = control
        self.hint = f"NEXT and BACK move, SELECT picks, or tap. Hold BACK {back_hold_s:g} s to stop."

    @property
    def showing(self) -> bool:
        return self.control.showing

    def open(self, now_s: float) -> None:
        self.control.open(now_s)

    def cancel(self) -> None:
        self.control.cancel()

    def take(self, actions: list, now_s: float, targets: dict) -> list:
        """Handle the presses while it shows and move it on to ``now_s``;
        the actions left for the rest of the kiosk."""
        if self.showing:
            for action in actions:
                if action is not Action.EXIT:
                    self.control.act(action, now_s, targets)
            actions = [action for action in actions if action is Action.EXIT]
        self.control.tick(now_s)
        return actions

    def render(self, surface: pygame.Surface, now_s: float, fonts: TextCache,
               targets: dict) -> list[pygame.Rect]:
        return render(surface, self.view(now_s), fonts, targets)

    def view(self, now_s: float) -> CalibrationView:
        """What the calibration's screen shows now."""
        control = self.control
        stage, rows = control.stage, [label for _, label in control.rows()]
        if stage == "confirm":
            return CalibrationView("CALIBRATE THE LOAD CELLS", "For the coach", [
                f"You need a known mass of {MIN_MASS_KG:g} to {MAX_MASS_KG:g} kg (a weight plate, a "
                "dumbbell or a kettlebell) and a few minutes with nobody on the plate.",
                "Nothing is saved until every corner agrees; the old calibration stays until then."],
                rows, control.highlighted, self.hint)
        if stage == "unavailable":
            return CalibrationView("NOTHING TO CALIBRATE", "", [control.unavailable], rows,
                                   control.highlighted, self.hint)
        if stage == "mass":
            return CalibrationView("THE KNOWN MASS", f"Step 1 of {len(PLACEMENTS) + 2}", [
                "The calibration is only as good as the mass: weigh it on a good scale first, or "
                "use a calibrated one; set [plate] calibration_mass_kg to offer it here."],
                rows, control.highlighted, MASS_HINT, mass_kg=control.mass_kg)
        if stage in ("step", "reading", "problem"):
            return self._weighing_view(now_s)
        if stage == "saving":
            return CalibrationView("SAVING", "", ["Saving the calibration."])
        if stage == "done":
            return CalibrationView("CALIBRATED", "Saved: forces are in true newtons from now on",
                                   done_lines(control.steps.fit), rows, control.highlighted, self.hint)
        problem = control.problems[0]
        if stage == "save-failed":
            return CalibrationView("NOT SAVED", "", [problem.message], rows, control.highlighted, self.hint)
        fit = control.steps.fit
        lines = [problem.message] + ([placement_line(fit)] if fit is not None else [])
        return CalibrationView(TITLES.get(problem.kind, "NOT CALIBRATED"), "Nothing was saved", lines,
                               rows, control.highlighted, self.hint)

    def _weighing_view(self, now_s: float) -> CalibrationView:
        control, steps = self.control, self.control.steps
        step = steps.step
        weighed = tuple(steps.plan[1:steps.readings_done])
        subtitle = f"Step {steps.readings_done + 2} of {len(steps.plan) + 1}"
        rows = [label for _, label in control.rows()]
        if control.stage == "reading":
            return CalibrationView(_step_name(step).upper(), subtitle, [
                f"Reading the plate for {READING_S:g} s: hands off, nobody on it."],
                place=step, weighed=weighed, progress=control.progress(now_s))
        if control.stage == "problem":
            problem = control.problems[0]
            title = "THE PLATE MOVED" if problem.kind == MOVED and step == EMPTY else \
                TITLES.get(problem.kind, "TRY AGAIN")
            return CalibrationView(title, subtitle, [problem.message], rows, control.highlighted,
                                   self.hint, place=step, weighed=weighed)
        return CalibrationView(_step_name(step).upper(), subtitle, [
            steps.prompt(), f"Then SELECT: the plate is read for {READING_S:g} s."],
            rows, control.highlighted, self.hint, place=step, weighed=weighed)

    def shot_name(self) -> str:
        """What a screenshot of this frame shows, for its file name."""
        control = self.control
        if control.stage in ("problem", "failed"):
            return f"calibration-{control.stage}-{control.problems[0].kind.replace(' ', '-')}"
        if control.stage in ("step", "reading"):
            return f"calibration-{control.stage}-{control.steps.step}"
        return f"calibration-{control.stage}"


def _step_name(step: str) -> str:
    if step == EMPTY:
        return "the empty plate"
    return "the centre" if step == CENTRE else f"the {step} corner"


def done_lines(fit) -> list[str]:
    """How well the placements agree, and each cell's gain against the nominal one."""
    percent = fit.worst_error_n / fit.weight_n * 100
    # No-break spaces keep each number with its name and its unit on a line.
    changes = ", ".join(f"{name}\u00a0{(gain / NOMINAL_NEWTONS_PER_COUNT - 1) * 100:+.1f}\u00a0%"
                        for name, gain in zip(CELL_NAMES, fit.calibration.newtons_per_count))
    return [f"The centre and the four corners agree within {fit.worst_error_n:.1f}\u00a0N "
            f"({percent:.2f}\u00a0%).",
            f"Gains against the nominal one: {changes}."]


def placement_line(fit) -> str:
    """What each placement weighed, off the mass's weight."""
    offs = ", ".join(f"{place}\u00a0{error_n / fit.weight_n * 100:+.1f}\u00a0%"
                     for place, error_n in zip(PLACEMENTS, fit.errors_n))
    return f"Each place weighed, against the mass: {offs}."


def attach(app, config, source, data_dir: Path) -> CalibrationMode:
    """Give the kiosk ``app`` calibration of ``source``'s load cells (found
    with station.sources.choose.load_cells_in), kept in ``data_dir``."""
    from station.sources.choose import load_cells_in
    cells = load_cells_in(source)
    path = calibration_path(data_dir)

    def previous():
        try:
            return load_calibration(path)
        except CalibrationError as error:
            LOG.warning("%s It will be replaced.", error)
            return DEFAULT_CALIBRATION

    def on_saved(calibration) -> None:
        cells.calibration = calibration
        app.board.banners[:] = [banner for banner in app.board.banners if banner[0] != BANNER]

    unavailable = None
    if cells is None:
        unavailable = SIMULATED if source.simulated and source.has_force else NO_LOAD_CELLS
    control = CalibrationControl(previous, lambda calibration: Saving(path, calibration),
                                 config.plate.calibration_mass_kg, on_saved, unavailable)
    if cells is not None:
        cells.on_counts = control.hear
    app.calibration = CalibrationMode(control, config.kiosk.back_hold_s)
    return app.calibration
