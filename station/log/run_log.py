"""The session log as ``station run`` uses it: opened for every run, and never
a reason for the run (the kiosk) to stop."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Callable

from station.log.athletes import Athlete, add_guest, list_athletes
from station.log.db import DamagedLog, LogError, NewerLog, open_log
from station.log.salvage import salvage_cut_recordings
from station.log.writer import SessionLog

LOG = logging.getLogger("station")


class RunLog:
    """One run's log: events are logged before they are shown, raw readings
    kept per set. Without a session log (it could not be opened) it passes
    events straight on.

    session: the SessionLog, or None.

        log = open_run_log(data_dir, config, source, ("simulated", "simulated"))
        loop = StationLoop(source, pipeline, log.showing(print_json), on_readings=log.on_readings)
        log.started(loop, config)
        ...
        log.close()
    """

    def __init__(self, session: SessionLog | None, notice: str | None = None) -> None:
        self.session = session
        #: What happened to the log on the way in (set aside), for the screen; or None.
        self.notice = notice
        #: The pipeline's ``set_body_mass_kg``, once the run has started.
        self._body_mass_to: Callable[[float | None], None] | None = None

    @property
    def athlete_id(self) -> int | None:
        return None if self.session is None else self.session.athlete_id

    @athlete_id.setter
    def athlete_id(self, athlete_id: int | None) -> None:
        """Who is on the mat (``athletes.id``), or None for nobody picked;
        their body mass from the roster stands in for their weight from the
        next set on, until a set is weighed (docs/landing.md, "Body weight")."""
        if self.session is not None:
            self.session.athlete_id = athlete_id
        self._tell_body_mass()

    def roster(self) -> list[Athlete]:
        """The athletes to pick from, in name order ([] without a log)."""
        if self.session is None:
            return []
        try:
            return list_athletes(self.session.conn)
        except sqlite3.OperationalError as error:
            LOG.warning("the roster could not be read (%s).", error)
            return []

    def pick_guest(self) -> Athlete | None:
        """A new quick guest ("Guest 14:05") is on the mat from now on."""
        if self.session is None:
            return None
        try:
            guest = add_guest(self.session.conn)
        except sqlite3.OperationalError as error:
            LOG.warning("no guest could be added to the roster (%s).", error)
            self.athlete_id = None
            return None
        self.athlete_id = guest.id
        return guest

    def showing(self, show: Callable) -> Callable:
        """An ``on_event`` that logs each event, then shows it: whatever is
        shown or printed is already committed."""
        if self.session is None:
            return show

        def log_then_show(event) -> None:
            self.session.on_event(event)
            show(event)
        return log_then_show

    def on_readings(self, readings: list) -> None:
        if self.session is not None:
            self.session.on_readings(readings)

    def started(self, loop, config) -> None:
        """The loop has started its source: keep each set's raw readings from
        now on, with the plate's size, which the analysis of a file needs;
        and tell its pipeline the body mass of each athlete picked from now on."""
        self._body_mass_to = loop.pipeline.set_body_mass_kg
        if self.athlete_id is not None:  # picked before the loop started
            self._tell_body_mass()
        if self.session is not None:
            plate = {"plate_width_m": f"{config.plate.width_m:g}",
                     "plate_depth_m": f"{config.plate.depth_m:g}"}
            self.session.record_raw(loop.mat_start, loop.source.has_force, plate)

    def _tell_body_mass(self) -> None:
        if self._body_mass_to is None:
            return
        athlete = next((a for a in self.roster() if self.athlete_id is not None and a.id == self.athlete_id),
                       None)
        self._body_mass_to(None if athlete is None else athlete.body_mass_kg)

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session.conn.close()
            self.session = None


def open_run_log(data_dir: Path, config, source, sources: tuple[str, str]) -> RunLog:
    """The log of this run in ``data_dir``; without one, after one warning, if
    it cannot be opened. ``sources``: the run's mat and force sources as the
    log records them (like ("gpio", "frontend"), or ("replay", "replay"))."""
    notice = None
    try:
        conn = open_log(data_dir)
    except (DamagedLog, NewerLog) as refused:
        try:
            conn, notice = _start_anew(data_dir, refused)
        except (LogError, sqlite3.Error, OSError) as error:
            LOG.warning("%s %s The run goes on without a session log.", refused, error)
            return RunLog(None)
    except (LogError, sqlite3.Error, OSError) as error:
        LOG.warning("%s The run goes on without a session log.", error)
        return RunLog(None)
    try:
        salvage_cut_recordings(conn, data_dir)
    except sqlite3.DatabaseError as error:  # opened, but its pages are damaged
        conn.close()
        try:
            conn, notice = _start_anew(data_dir, DamagedLog(str(error)))
        except (LogError, sqlite3.Error, OSError) as again:
            LOG.warning("%s The run goes on without a session log.", again)
            return RunLog(None)
    mat_source, force_source = sources
    simulated = bool(getattr(source, "simulated", False))
    session = SessionLog(conn, data_dir, mat_source, force_source, simulated,
                         min_free_mb=config.storage.min_free_mb)
    return RunLog(session, notice)


def _start_anew(data_dir, refused: LogError):
    """The refused log set aside and a new one opened: (conn, notice)."""
    from station.log.set_aside import DAMAGED, NEWER, notice, set_aside
    why = NEWER if isinstance(refused, NewerLog) else DAMAGED
    moved = set_aside(data_dir, why)
    said = notice(moved, why)
    LOG.warning("%s", said)
    return open_log(data_dir), said

