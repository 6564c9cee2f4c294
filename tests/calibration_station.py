"""A kiosk on the emulated load-cell front-end, for the calibration's tests.

The real pieces: the front-end emulator on a pseudo-terminal
(station.sources.loadcell.emulator, with a PlateLoad on its plate), the
real link and LoadCellSource reading it, the main loop and pipeline, the
kiosk app on SDL's dummy video driver with its calibration attached, and
its own frame loop (``between_steps``). Buttons are pressed as the actions
the GPIO panel queues. Everything runs ``SPEED`` times faster than real
time: the emulator, the source and the session clock together.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path

from station.analysis.pipeline import Pipeline
from station.app import StationLoop
from station.config import Config
from station.kiosk.app import KioskApp
from station.kiosk.calibration.mode import attach
from station.kiosk.controls.actions import Action
from station.kiosk.screen import KioskScreen
from station.kiosk.state.board import LiveBoard
from station.sources.loadcell.calibration import calibration_path, load_calibration
from station.sources.loadcell.emulated_plate import PlateLoad
from station.sources.loadcell.emulator import DeviceEmulator
from station.sources.loadcell.link import FrontEndLink
from station.sources.loadcell.source import LoadCellSource
from station.sources.loadcell.steps import EMPTY

SPEED = 2.0
#: Generous: the machine may be busy with other work.
WAIT_S = 60.0
#: After a mass is moved, the coach waits this much session time before
#: pressing SELECT, as a person lets go and steps back.
SETTLE_S = 0.3


class Panel:
    """The three buttons as the kiosk takes them: actions queued, taken once a frame."""

    def __init__(self) -> None:
        self.queue: deque = deque()

    def press(self, *actions: Action) -> None:
        self.queue.extend(actions)

    def take(self) -> list:
        taken = list(self.queue)
        self.queue.clear()
        return taken


class CalibrationStation:
    """The kiosk, its source and the emulated plate; ``close`` stops them."""

    def __init__(self, data_dir: Path, size=(800, 480), screenshots: Path | None = None,
                 config: Config = Config()) -> None:
        self.data_dir = data_dir
        self.emulator = DeviceEmulator(seed=2, speed=SPEED)
        self.emulator.place(PlateLoad(0.0, seed=2))
        self.emulator.start()
        calibration = load_calibration(calibration_path(data_dir))
        self.source = LoadCellSource(FrontEndLink(self.emulator.path), calibration, speed=SPEED)
        self.panel = Panel()
        self.app = KioskApp(KioskScreen(size), LiveBoard(has_force=True), config.kiosk,
                            buttons=self.panel, screenshots=screenshots)
        self.loop = StationLoop(self.source, Pipeline(config.timing, config.force), self.app.on_event,
                                speed=SPEED, on_readings=self.app.readings_too(None))
        self.mode = attach(self.app, config, self.source, data_dir)
        self.control = self.mode.control
        self._stop = threading.Event()

    def close(self) -> None:
        self.source.close()
        self.emulator.stop()
        self.app.close()

    def run_until(self, condition, what: str, timeout_s: float = WAIT_S) -> None:
        """The kiosk's own loop (a step, a frame, wait for the next) until ``condition()``."""
        deadline_s = time.monotonic() + timeout_s
        while not condition():
            assert time.monotonic() < deadline_s, f"waited {timeout_s} s for {what}"
            self.loop.step()
            self.app.between_steps(self.loop, self._stop)

    def press(self, *actions: Action) -> None:
        """Press buttons; they act in the next frame."""
        self.panel.press(*actions)
        self.run_until(lambda: not self.panel.queue, "the presses to be taken")

    def place(self, mass_kg: float, at="centre", sway_n: float = 0.0) -> None:
        """Put the mass on the plate (0 kg: clear it) and wait for it to settle."""
        self.emulator.place(PlateLoad(mass_kg, at, sway_n=sway_n, seed=3))
        placed_s = self.loop.now_s
        self.run_until(lambda: self.loop.now_s >= placed_s + SETTLE_S, "the plate to settle")

    def open_calibration(self) -> None:
        self.press(Action.CALIBRATE)
        assert self.control.stage == "confirm"

    def start(self, mass_kg: float | None = None) -> None:
        """Open the calibration, Start, and use the offered mass (or step it to ``mass_kg``)."""
        self.open_calibration()
        self.press(Action.SELECT)
        assert self.control.stage == "mass"
        while mass_kg is not None and self.control.mass_kg != mass_kg:
            self.press(Action.NEXT if mass_kg > self.control.mass_kg else Action.BACK)
        self.press(Action.SELECT)
        assert self.control.stage == "step"

    def weigh(self) -> None:
        """SELECT on "Weigh now" (or "Weigh again"), and wait for the verdict."""
        assert self.control.highlighted == 0
        self.press(Action.SELECT)
        self.run_until(lambda: self.control.stage not in ("reading", "saving"), "the reading")

    def follow_steps(self, mass_kg: float, loads: dict | None = None) -> None:
        """From a step (or a problem, to weigh again), do what each step asks
        until none is left or a reading has a problem: clear the plate, or
        put the mass where it says (``loads`` overrides a step's (mass, sway))."""
        loads = loads or {}
        assert self.control.stage in ("step", "problem")
        while True:
            step = self.control.steps.step
            mass, sway = loads.get(step, (0.0 if step == EMPTY else mass_kg, 0.0))
            self.place(mass, "centre" if step == EMPTY else step, sway)
            self.weigh()
            if self.control.stage != "step":
                return
