"""The taps of a ``station run``: its reader, tap-in on the run's roster, and who the log files sets under."""

from __future__ import annotations

import logging
from typing import Callable

from station.identity.reader import open_reader
from station.identity.roster import LocalRoster
from station.identity.status import StatusFile
from station.identity.tap_in import TapEvent, TapIn
from station.log.athletes import Athlete

LOG = logging.getLogger("station")


class RunTaps:
    """A run's tag reader feeding ``TapIn``; who is up goes to the run's log
    (``log.athlete_id``) and to ``on_change``. ``show`` hears every tap (the
    headless run prints it as JSON, the kiosk greets).

        taps = open_run_taps(options.reader, config, log, show=print_json)
        on_event = taps.listening(show)       # after the log: a set's end applies a waiting tap
        taps.step(loop.now_s)                 # each step of the main loop
        taps.close()
    """

    def __init__(self, reader, tap_in: TapIn, show: Callable[[TapEvent], None] = lambda tap: None,
                 status=None) -> None:
        self.reader = reader
        self.tap_in = tap_in
        self.show = show
        #: The reader's status for `station doctor` (station.identity.status), or None.
        self.status = status

    def take(self) -> list[str]:
        """The reader's taps since the last call (and its status kept for the doctor)."""
        if self.reader is None:
            return []
        if self.status is not None:
            self.status.update()
        return self.reader.take()

    def step(self, now_s: float) -> list[TapEvent]:
        """Take the reader's taps (stamped ``now_s``, the session time) and the idle time."""
        taps = [self.tap_in.tap(tag, now_s) for tag in self.take()]
        for tap in taps:
            self.show(tap)
        self.tap_in.tick(now_s)
        return taps

    def listening(self, on_event: Callable) -> Callable:
        """An ``on_event`` that hands each event on, then to tap-in."""
        def both(event) -> None:
            on_event(event)
            self.tap_in.on_event(event)
        return both

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
        if self.status is not None:
            self.status.update(force=True)


def open_run_taps(reader_spec: str | None, config, log, show: Callable[[TapEvent], None] = lambda tap: None,
                  on_change: Callable[[Athlete | None], None] = lambda athlete: None,
                  roster=None) -> RunTaps:
    """The taps of a run with session log ``log`` (a RunLog): ``reader_spec``
    (``--reader``), else ``[identity] reader``. ``roster`` resolves the tags (a
    station.identity.roster.Roster; None: the log's own roster). Without a
    session log no set can be filed under anyone, so no reader is opened."""
    session = log.session
    if session is None:
        roster = None
    elif roster is None:
        roster = LocalRoster(session.conn)

    def changed(athlete: Athlete | None) -> None:
        log.athlete_id = None if athlete is None else athlete.id
        on_change(athlete)
    tap_in = TapIn(roster, config.identity.idle_s, changed)
    reader = None if roster is None else open_reader(reader_spec, config.identity)
    status = None if reader is None else StatusFile(session.data_dir, reader)
    return RunTaps(reader, tap_in, show, status)
