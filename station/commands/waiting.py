"""A kiosk whose hardware would not open: say so on screen and try again.

An appliance must never exit on a missing sensor: systemd would restart it
every few seconds with a black screen and nobody would know why. Instead the
kiosk opens with no sensors, shows the sentence that says what to do, and
tries the hardware again every ``RETRY_S`` until it opens (then the real run
starts) or someone stops the kiosk.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from station.errors import UserError
from station.readings import MatStart

LOG = logging.getLogger("station")
#: Often enough that a sensor plugged back in is found before anyone walks
#: over to the screen; seldom enough that failing opens cost nothing.
RETRY_S = 5.0


class NoSensors:
    """A source with nothing attached; its ``problem`` is the sentence to show."""

    zones = ()
    has_force = False
    simulated = False
    latency_s = 0.0

    def __init__(self, problem: str) -> None:
        self.problem = problem

    def start(self) -> MatStart:
        return MatStart(0.0, {})

    def read(self, until_s: float) -> list:
        return []

    def end_s(self) -> None:
        return None

    def close(self) -> None:
        pass


def hardware_problem(open_source: Callable[[], object]) -> str | None:
    """None if the sources open and start; else the sentence saying why not.
    They are closed again: the run opens them afresh."""
    try:
        source = open_source()
    except UserError as error:
        return str(error)
    try:
        source.start()
    except UserError as error:
        return str(error)
    finally:
        source.close()
    return None


def wait_for_hardware(problem: str, open_source: Callable[[], object], open_app, loop_for,
                      stop: threading.Event, notifier, clock: Callable[[], float] = time.monotonic) -> bool:
    """Show ``problem`` on the kiosk until the hardware opens (True) or a
    stop is asked (False).

    ``open_app(source)`` opens the kiosk for a source; ``loop_for(source, app)``
    makes its main loop."""
    placeholder = NoSensors(f"{problem} Trying again every {RETRY_S:g} s.")
    app = open_app(placeholder)
    try:
        loop = loop_for(placeholder, app)
        notifier.ready(problem)  # the display is up: systemd must not time the start out
        next_try_s = clock() + RETRY_S
        while not stop.is_set():
            loop.step()
            notifier.keep_alive()
            app.between_steps(loop, stop)
            if clock() >= next_try_s:
                problem = hardware_problem(open_source)
                if problem is None:
                    LOG.warning("the hardware opened; starting")
                    return True
                placeholder.problem = f"{problem} Trying again every {RETRY_S:g} s."
                next_try_s = clock() + RETRY_S
        return False
    finally:
        app.close()
