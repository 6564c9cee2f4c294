"""The main loop: pull readings, run the pipeline, hand events on.

One loop for every mode. The session clock maps the host's monotonic clock
onto the source's timeline (times ``speed`` for simulated or replayed data),
so a recording played back live goes through exactly what ``station
analyse`` runs, just in smaller pieces.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from station.analysis.events import Event
from station.analysis.pipeline import Pipeline
from station.service.notify import Notifier
from station.sources.base import Source

LOG = logging.getLogger("station")
#: The most session time one step reads and decides. A step that falls
#: behind (a slow machine, a stalled screen, a --speed the machine cannot
#: reach) catches up in slices this long, so no step's readings, and no
#: step's wall time, grow with how far behind it is.
MAX_SLICE_S = 1.0
#: How far behind its clock a run may fall before it says, once, that it
#: cannot keep up (a short stall of the screen is not worth a word).
BEHIND_WARN_S = 5.0


class StationLoop:
    """Runs a source through a pipeline in steps, on a session clock.

    ``started``: (its ``MatStart``, the ``clock()`` reading as it started)
    for a source that was started already; else the loop starts it.

        loop = StationLoop(source, Pipeline(rules), on_event=print, speed=10)
        while loop.step():
            time.sleep(0.01)
        loop.finish()          # the events of whatever was still open, and the summary
    """

    def __init__(self, source: Source, pipeline: Pipeline, on_event: Callable[[Event], None],
                 speed: float = 1.0, duration_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 on_readings: Callable[[list], None] | None = None,
                 max_slice_s: float = MAX_SLICE_S, started: tuple | None = None) -> None:
        if not max_slice_s > 0:
            raise ValueError(f"max_slice_s must be positive, not {max_slice_s}")
        self.source = source
        self.max_slice_s = max_slice_s
        #: Sees every batch of raw readings before the pipeline does (the
        #: session log keeps them as each set's recording; the screen's force trace).
        self.on_readings = on_readings
        self.latency_s = getattr(source, "latency_s", 0.0)
        self.pipeline = pipeline
        self.on_event = on_event
        self.speed = speed
        self.clock = clock
        # A source already started (opened once, and checked, before the
        # kiosk came up) comes with its start and the clock's reading then,
        # so session time counts from its start, not from now.
        start, clock_zero = (source.start(), None) if started is None else started
        #: The levels the source started with (a recording of the run begins with them).
        self.mat_start = start
        self.start_s = start.time_s
        cell_range_n = getattr(source, "cell_range_n", None)
        if cell_range_n is not None:  # load cells whose converters' limits are known
            pipeline.set_cell_range_n(cell_range_n)
        self._send(pipeline.start(start, has_force=source.has_force))
        self._clock_zero = clock() if clock_zero is None else clock_zero
        self.stop_s = None if duration_s is None else self.start_s + duration_s
        source_end = source.end_s()
        if source_end is not None:
            self.stop_s = source_end if self.stop_s is None else min(self.stop_s, source_end)
        #: The session time the run has reached: the clock's time, or, while
        #: it is behind, as far as it has caught up.
        self.now_s = self.start_s
        #: The last step could not reach the clock's time (it read a full slice).
        self.behind = False
        self._said_behind = False
        self.finished = False
        #: What is wrong with a device right now (one sentence), or None.
        self.problem: str | None = None

    def session_time_s(self) -> float:
        return self.start_s + (self.clock() - self._clock_zero) * self.speed

    def step(self) -> bool:
        """Process up to now, or one slice of it when behind; False once the
        run should end."""
        clock_s = self.session_time_s()
        if self.stop_s is not None:
            clock_s = min(clock_s, self.stop_s)
        now_s = min(clock_s, self.now_s + self.max_slice_s)
        self.behind = now_s < clock_s
        if clock_s - now_s > BEHIND_WARN_S and not self._said_behind:
            self._said_behind = True
            LOG.warning("the run cannot keep up with --speed %g on this machine (%.0f s behind); "
                        "it goes on as fast as it can.", self.speed, clock_s - now_s)
        self.now_s = now_s
        # A live source's readings arrive a little late: decide only as far
        # as every reading has surely arrived.
        settled_s = now_s - self.latency_s
        self._feed(self.source.read(settled_s))
        self._send(self.pipeline.advance(settled_s))
        self._watch_devices()
        return self.stop_s is None or now_s < self.stop_s

    def _watch_devices(self) -> None:
        problem = getattr(self.source, "problem", None)
        if problem != self.problem:
            if problem:
                LOG.warning("%s", problem)
            elif self.problem:
                LOG.warning("devices are working again")
            self.problem = problem

    def finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        why = "the recording ended" if self.source.end_s() is not None else "the run ended"
        self._feed(self.source.read(self.now_s))
        self._send(self.pipeline.finish(self.now_s, why))
        self.source.close()

    def _feed(self, readings: list) -> None:
        if self.on_readings is not None and readings:
            self.on_readings(readings)
        self._send(self.pipeline.feed(readings))

    def _send(self, events: list[Event]) -> None:
        for event in events:
            self.on_event(event)


def drive(loop: StationLoop, stop: threading.Event, between_steps,
          notifier: Notifier | None = None) -> int:
    """Step until the data or the duration ends or a stop is asked, then finish.

    Under systemd: ready once the loop runs (screen and sources are up), a
    watchdog ping from the loop's own turns, so a hung loop gets restarted,
    the device problem as the status line, and stopping at the end."""
    notifier = notifier or Notifier()
    notifier.ready("running")
    shown = None
    while loop.step() and not stop.is_set():
        notifier.keep_alive()
        if loop.problem != shown:
            shown = loop.problem
            notifier.status(shown or "running")
        between_steps()
    notifier.stopping()
    loop.finish()
    return 0
