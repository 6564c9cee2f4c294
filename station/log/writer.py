"""The session log's listener: every event of a run, written to SQLite.

Rows are queued as events come and written in one transaction at each
``COMMIT_ON`` event. A rep is committed before ``on_event`` returns, and the
main loop shows or prints an event only after that, so nothing the athlete saw
is lost by a crash or a power cut. A set's row gets ``end_s`` only when it
ends: a set without one was cut short.

A failing database (disk full, I/O error) never stops the station: one
warning, the queued rows are kept, and the next rep tries again.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from station.analysis.events import BodyWeight, Contact, Fault, Flight, Landing, Rep, SetEnd, SetStart, Summary
from station.log.db import iso_utc, transaction
from station.log.outbox import add_entry, rep_body, session_body, set_body
from station.log.raw import RawRecorder
from station.log.space import DiskGuard, free_bytes_of
from station.readings import BACK, FRONT

LOG = logging.getLogger("station")

#: Events that end a transaction: a rep (and the contacts and flights it is
#: made of), a set's start and end, and the end of a run.
COMMIT_ON = (Rep, SetStart, SetEnd, Summary)
#: Rows kept in memory while the database fails: hours of jumping.
MAX_QUEUED = 50_000
#: How much raw data is written between two checks of the free space.
SPACE_CHECK_BYTES = 1_000_000
RECORDINGS = "recordings"
#: Events written as rows of the set they happen in.
ROW_KINDS = {Contact: "contact", Flight: "flight", BodyWeight: "body_weight"}
#: Sets kept by their number for events that come after the next set began:
#: only the last one or two are ever asked for, and a run of days must not
#: keep every set it had.
KEPT_SETS = 8
LANDING_KEYS = ("peak_force_n", "peak_force_bw", "time_to_peak_s", "loading_rate_bw_per_s",
                "impact_peak", "softness", "rating", "cop_left_pct")


@dataclass
class _Set:
    index: int
    start_s: float
    started_at: str
    athlete_id: int | None
    reps: int = 0
    row_id: int | None = None  # once its row is committed
    recording_path: str | None = None
    #: contact index -> the rep whose rebound it was, for landings rated late
    rep_of_contact: dict[int, int] | None = None


class SessionLog:
    """Writes one run (a session) to the session log.

    conn: from ``open_log``.
    data_dir: the data folder (raw recordings go in its ``recordings/``).
    mat_source, force_source: what the run reads ("gpio", "frontend",
        "simulated", "replay", "none", ...).
    simulated: the readings are made up.
    wall_clock: seconds since the epoch (a test passes its own).
    min_free_mb: free space kept on the disk by deleting old raw recordings.
    free_bytes: the free-space probe, ``free_bytes(folder) -> int``.

        log = SessionLog(open_log(data_dir), data_dir, "gpio", "frontend", simulated=False)
        log.athlete_id = 3                  # who is on the mat from now on
        loop = StationLoop(source, pipeline, on_event=log_then_show, on_readings=log.on_readings)
        log.record_raw(loop.mat_start, source.has_force)
        ...
        log.close()
    """

    def __init__(self, conn: sqlite3.Connection, data_dir: Path, mat_source: str,
                 force_source: str, simulated: bool, wall_clock: Callable[[], float] = time.time,
                 min_free_mb: float = 500, free_bytes: Callable[[Path], int] = free_bytes_of) -> None:
        self.conn = conn
        self.data_dir = Path(data_dir)
        self.wall_clock = wall_clock
        self.session_id: int | None = None
        self._session = (iso_utc(wall_clock()), mat_source, force_source, int(bool(simulated)))
        self._athlete_id: int | None = None
        self._set: _Set | None = None
        self._sets: dict[int, _Set] = {}
        self._queue: list[tuple] = []
        self._failing = False
        self._raw: RawRecorder | None = None
        self._raw_stopped = False
        self._space_checked_at = 0
        self._guard = DiskGuard(conn, data_dir, int(min_free_mb * 2**20), free_bytes)
        self._flush()

    # -- who is on the mat ---------------------------------------------------

    @property
    def athlete_id(self) -> int | None:
        return self._athlete_id

    @athlete_id.setter
    def athlete_id(self, athlete_id: int | None) -> None:
        """Applies to the set that starts next, and to the current set if it
        has no rep yet (the athlete was picked just after stepping on)."""
        self._athlete_id = athlete_id
        current = self._set
        if current is not None and current.reps == 0:
            current.athlete_id = athlete_id
            self._queue.append(("athlete", current))
            self._flush()

    # -- what the main loop hands on -------------------------------------------

    def on_event(self, event) -> None:
        """Log one pipeline event; a rep is committed before this returns."""
        if isinstance(event, SetStart):
            self._start_set(event)
        elif isinstance(event, SetEnd):
            self._end_set(event)
        elif type(event) in ROW_KINDS:
            current = self._set
            if current is not None:
                self._queue.append((ROW_KINDS[type(event)], current, event))
        elif isinstance(event, Fault):
            # Sensor faults go to the station's log (the journal), for whoever mends the plate.
            if event.active:
                LOG.warning("sensor fault (%s): %s", event.device, event.message)
            else:
                LOG.info("sensor fault over (%s): %s", event.device, event.message)
        elif isinstance(event, Landing) and event.late:
            late_set = self._sets.get(event.set_index)
            if late_set is not None:
                self._queue.append(("late_landing", late_set, event))
                self._flush()  # a rating the screen now shows: kept like a rep
        elif isinstance(event, Rep):
            rep_set = self._sets.get(event.set_index, self._set)
            if rep_set is not None:
                rep_set.reps += 1
                if event.rebound_contact is not None:
                    if rep_set.rep_of_contact is None:
                        rep_set.rep_of_contact = {}
                    rep_set.rep_of_contact[event.rebound_contact.index] = event.index
                self._queue.append(("rep", rep_set, event, iso_utc(self.wall_clock())))
        if isinstance(event, COMMIT_ON):
            self._flush()

    def on_readings(self, readings: list) -> None:
        """Keep raw readings for the current set's recording."""
        if self._raw is None or self._raw_stopped:
            return
        try:
            self._raw.feed(readings)
        except OSError as error:
            self._stop_raw(f"the raw recording could not be written ({error.strerror or error})")
            return
        if self._raw.bytes_written - self._space_checked_at >= SPACE_CHECK_BYTES:
            self._space_checked_at = self._raw.bytes_written
            self._check_space()

    def record_raw(self, start, has_force: bool, metadata: dict[str, str] | None = None) -> None:
        """Keep each set's raw readings from now on. ``start`` is the source's
        MatStart (the levels it began with); ``metadata`` goes into every file."""
        metadata = dict(metadata or {})
        if self._session[3]:
            metadata["simulated"] = "yes"
        self._raw = RawRecorder(self.data_dir / RECORDINGS, start, has_force, metadata)
        if self._set is not None:
            self._start_recording(self._set)
            self._queue.append(("recording", self._set))
            self._flush()

    def close(self) -> None:
        """End the session: everything queued is written, ``ended_at`` set."""
        if self._raw is not None:
            self._raw.abandon()
        self._queue.append(("session_end", iso_utc(self.wall_clock())))
        self._flush()

    # -- sets --------------------------------------------------------------

    def _start_set(self, event: SetStart) -> None:
        current = _Set(event.index, event.start_s, iso_utc(self.wall_clock()), self._athlete_id)
        self._set = self._sets[event.index] = current
        for index in [index for index in self._sets if index <= event.index - KEPT_SETS]:
            del self._sets[index]
        if self._raw is not None:
            self._start_recording(current)
        self._queue.append(("set", current))

    def _end_set(self, event: SetEnd) -> None:
        ended = self._sets.get(event.index, self._set)
        if ended is None:
            return
        if self._raw is not None and self._raw.recording and ended is self._set:
            try:
                final = self._raw.end_set()
                ended.recording_path = final.relative_to(self.data_dir).as_posix()
            except OSError as error:
                self._stop_raw(f"the raw recording could not be finished ({error.strerror or error})")
        if ended is self._set:
            self._set = None
        self._queue.append(("set_end", ended, event))

    def _start_recording(self, current: _Set) -> None:
        if not self._raw_stopped:
            self._check_space()
        if self._raw_stopped:
            return
        name = f"{self.session_id or self._session[0].replace(':', '')}-{current.index}"
        try:
            path = self._raw.start_set(name, current.start_s)
        except OSError as error:
            self._stop_raw(f"the raw recording could not be started ({error.strerror or error})")
            return
        current.recording_path = path.relative_to(self.data_dir).as_posix()

    def _check_space(self) -> None:
        current = self._set.recording_path if self._set is not None else None
        try:
            enough = self._guard.make_room(keep=current)
        except (sqlite3.Error, OSError) as error:
            enough = False
            LOG.warning("old raw recordings could not be deleted to free space (%s)", error)
        if not enough and not self._raw_stopped:
            self._stop_raw(f"less than {self._guard.min_free_bytes // 2**20} MB is free under "
                           f"{self.data_dir}, even without old raw recordings")

    def _stop_raw(self, why: str) -> None:
        LOG.warning("%s; raw recordings stop for this run, reps are still logged.", why)
        self._raw_stopped = True
        if self._raw is not None:
            self._raw.abandon()

    # -- writing -----------------------------------------------------------

    def _flush(self) -> None:
        """Write everything queued in one transaction; on a storage failure,
        keep it queued for the next try."""
        created = []
        try:
            with transaction(self.conn):
                if self.session_id is None:
                    self.session_id = self._insert_session()
                    created.append((self, "session_id"))
                for item in self._queue:
                    self._write(item, created)
        except sqlite3.Error as error:
            if not _storage_failure(error):
                raise
            for owner, attribute in created:
                setattr(owner, attribute, None)
            self._failed(error)
            return
        self._queue.clear()
        if self._failing:
            self._failing = False
            LOG.warning("the session log is being written again.")

    def _failed(self, error: sqlite3.Error) -> None:
        if len(self._queue) > MAX_QUEUED:
            del self._queue[:len(self._queue) - MAX_QUEUED]
        if not self._failing:
            self._failing = True
            LOG.warning("the session log could not be written (%s); counting goes on and the "
                        "log tries again at the next rep.", error)

    def _insert_session(self) -> int:
        session_id = self.conn.execute(
            "INSERT INTO sessions (started_at, mat_source, force_source, simulated, uuid) "
            "VALUES (?, ?, ?, ?, ?)", (*self._session, str(uuid.uuid4()))).lastrowid
        self._outbox("session", session_body(self.conn, session_id))
        return session_id

    def _write(self, item: tuple, created: list) -> None:
        kind, *args = item
        if kind == "session_end":
            self.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (args[0], self.session_id))
            self._outbox("session", session_body(self.conn, self.session_id))
            return
        owner = args[0]
        if owner.row_id is None:  # a set's row comes with its first item
            owner.row_id = self._insert_set(owner)
            created.append((owner, "row_id"))
            self._outbox("set", set_body(self.conn, owner.row_id))
        if kind != "set":
            getattr(self, f"_write_{kind}")(*args)
        if kind in ("athlete", "set_end"):
            self._outbox("set", set_body(self.conn, owner.row_id))

    def _outbox(self, kind: str, body: dict) -> None:
        """The entry the class network gets, in the transaction of its row."""
        add_entry(self.conn, kind, body, self.wall_clock)

    def _insert_set(self, owner: _Set) -> int:
        return self.conn.execute(
            "INSERT INTO sets (session_id, athlete_id, set_index, started_at, start_s, recording_path) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (self.session_id, owner.athlete_id, owner.index, owner.started_at, owner.start_s,
             owner.recording_path)).lastrowid

    def _write_athlete(self, owner: _Set) -> None:
        self.conn.execute("UPDATE sets SET athlete_id = ? WHERE id = ?", (owner.athlete_id, owner.row_id))

    def _write_recording(self, owner: _Set) -> None:
        self.conn.execute("UPDATE sets SET recording_path = ? WHERE id = ?",
                          (owner.recording_path, owner.row_id))

    def _write_set_end(self, owner: _Set, event: SetEnd) -> None:
        self.conn.execute(
            "UPDATE sets SET end_s = ?, ended_by = ?, reps = ?, valid_reps = ?, body_weight_n = ?, "
            "recording_path = ? WHERE id = ?",
            (event.end_s, event.ended_by, event.reps, event.valid_reps, event.body_weight_n,
             owner.recording_path, owner.row_id))

    def _write_body_weight(self, owner: _Set, event: BodyWeight) -> None:
        self.conn.execute("UPDATE sets SET body_weight_n = ? WHERE id = ?",
                          (event.body_weight_n, owner.row_id))

    def _write_contact(self, owner: _Set, contact: Contact) -> None:
        landing = contact.landing or {}
        self.conn.execute(
            "INSERT INTO contacts (set_id, contact_index, start_s, end_s, zone, landed, rsi, "
            "peak_force_n, peak_force_bw, time_to_peak_s, loading_rate_bw_per_s, impact_peak, "
            "softness, rating, cop_left_pct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (owner.row_id, contact.index, contact.start_s, contact.end_s, _zone(contact),
             int(contact.landed), contact.rsi, *(_landing_value(landing, key) for key in LANDING_KEYS)))

    def _write_flight(self, owner: _Set, flight: Flight) -> None:
        self.conn.execute(
            "INSERT INTO flights (set_id, flight_index, takeoff_s, landing_s, direction, "
            "displacement_m) VALUES (?, ?, ?, ?, ?, ?)",
            (owner.row_id, flight.index, flight.takeoff_s, flight.landing_s, flight.direction,
             flight.displacement_m))

    def _write_late_landing(self, owner: _Set, event: Landing) -> None:
        """A landing rated once its set was weighed: its contact's row, and
        its rep's, if they are written already (if not, they will carry it);
        a rep already written is sent to the class network again, rated."""
        landing = event.landing
        self.conn.execute(
            "UPDATE contacts SET " + ", ".join(f"{key} = ?" for key in LANDING_KEYS) +
            " WHERE set_id = ? AND contact_index = ?",
            (*(_landing_value(landing, key) for key in LANDING_KEYS), owner.row_id, event.contact_index))
        rep_index = (owner.rep_of_contact or {}).get(event.contact_index)
        if rep_index is None:
            return
        rated = self.conn.execute("SELECT id FROM reps WHERE set_id = ? AND rep_index = ?",
                                  (owner.row_id, rep_index)).fetchone()
        if rated is None:
            return
        self.conn.execute(
            "UPDATE reps SET landing_peak_force_n = ?, loading_rate_bw_per_s = ?, softness = ?, "
            "rating = ? WHERE id = ?",
            (landing.get("peak_force_n"), landing.get("loading_rate_bw_per_s"), landing.get("softness"),
             landing.get("rating"), rated[0]))
        self._outbox("rep", rep_body(self.conn, rated[0]))

    def _write_rep(self, owner: _Set, rep: Rep, completed_at: str) -> None:
        rebound = rep.rebound_contact
        landing = (rebound.landing if rebound is not None else None) or {}
        rep_id = self.conn.execute(
            "INSERT INTO reps (set_id, rep_index, completed_at, back_flight_s, rebound_contact_s, "
            "forward_flight_s, jump_height_m, rsi, landing_peak_force_n, loading_rate_bw_per_s, "
            "softness, rating, valid, reason, fatigue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (owner.row_id, rep.index, completed_at, _duration(rep.back_flight),
             _duration(rebound), _duration(rep.forward_flight), rep.height_m,
             None if rebound is None else rebound.rsi, landing.get("peak_force_n"),
             landing.get("loading_rate_bw_per_s"), landing.get("softness"), landing.get("rating"),
             int(rep.valid), rep.reason, int(rep.fatigue))).lastrowid
        self._outbox("rep", rep_body(self.conn, rep_id))


def _zone(contact: Contact) -> str | None:
    """As the JSON events say it: a zone of a two-zone mat, else unknown."""
    return contact.zone if contact.zone in (FRONT, BACK) else None


def _duration(part) -> float | None:
    return None if part is None else part.duration_s


def _landing_value(landing: dict, key: str):
    value = landing.get(key)
    return int(value) if isinstance(value, bool) else value


def _storage_failure(error: sqlite3.Error) -> bool:
    """The disk or the file failed (full, I/O error, read-only, locked,
    damaged), as opposed to a mistake in the statements, which is a bug."""
    return isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError
