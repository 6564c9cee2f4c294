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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Started:
    """Sources opened and started, handed to the main loop as they are
    (``StationLoop(..., started=(start, started_at_s))``), so each sensor is
    opened once: ``start`` is what ``source.start()`` gave, at host clock
    reading ``started_at_s``."""

    source: object
    start: MatStart
    started_at_s: float

    @property
    def for_loop(self) -> tuple[MatStart, float]:
        return self.start, self.started_at_s


def open_started(open_source: Callable[[], object], clock: Callable[[], float] = time.monotonic) -> Started | str:
    """The sources opened and started; else the sentence saying why not
    (a source that opened but would not start is closed again)."""
    try:
        source = open_source()
    except UserError as error:
        return str(error)
    try:
        start = source.start()
    except UserError as error:
        source.close()
        return str(error)
    return Started(source, start, clock())


def wait_for_hardware(problem: str, open_source: Callable[[], object], open_app, loop_for,
                      stop: threading.Event, notifier, clock: Callable[[], float] = time.monotonic) -> Started | None:
    """Show ``problem`` on the kiosk until the hardware opens (its sources,
    started) or a stop is asked (None).

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
                opened = open_started(open_source)
                if isinstance(opened, Started):
                    LOG.warning("the hardware opened; starting")
                    return opened
                placeholder.problem = f"{opened} Trying again every {RETRY_S:g} s."
                next_try_s = clock() + RETRY_S
        return None
    finally:
        app.close()
