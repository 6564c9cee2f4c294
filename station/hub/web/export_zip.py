"""The export as one zip: the same CSV, JSON and PNG files the USB export
writes (docs/export.md), for all stations or one athlete.

The hub's rows are copied into a session log of the station's own shape (a
temporary ``station.db``), and the station's exporter (station/export) runs
on it, so the files are made by the very code that makes a stick's. What the
hub does not have is not invented: it is told no contacts or flights (so
``phases.csv`` has its header only) and no raw recordings.

Ids in the files are numbered at the hub: athletes in the order the stations
first told of them (then the coach's additions), sessions by station and
start. For one station, whose every entry arrived, they are the station's own.
"""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from station.export.exporter import export_log
from station.hub.web.roster import COACH
from station.log.db import open_log


def export_zip(hub_conn: sqlite3.Connection, athlete: str | None = None,
               now: datetime | None = None) -> tuple[str, bytes]:
    """The zip's file name and bytes; ``athlete``: only their rows (any case)."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "log"
        out = Path(folder) / "out"
        out.mkdir()
        log = open_log(data_dir)
        try:
            copy_into_log(hub_conn, log)
            result = export_log(log, data_dir, out, athlete=athlete,
                                now=now or datetime.now(timezone.utc))
        finally:
            log.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(result.folder.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{result.folder.name}/{path.relative_to(result.folder)}")
        return f"{result.folder.name}.zip", buffer.getvalue()


def copy_into_log(hub: sqlite3.Connection, log: sqlite3.Connection) -> None:
    """The hub's athletes, sessions, sets, reps and challenge rounds into an
    empty session log, in one transaction."""
    log.execute("BEGIN IMMEDIATE")
    athletes = _athletes(hub, log)
    sessions = _sessions(hub, log)
    sets = _sets(hub, log, sessions, athletes)
    _reps(hub, log, sets)
    _challenges(hub, log, sessions, athletes)
    log.execute("COMMIT")


def _athletes(hub, log) -> dict[str, int]:
    ids: dict[str, int] = {}

    def add(name, mass, tag, guest, at=""):
        if name in ids or not name:
            return
        tag_free = tag is None or log.execute("SELECT 1 FROM athletes WHERE tag_id = ?",
                                              (tag,)).fetchone() is None
        ids[name] = log.execute(
            "INSERT INTO athletes (name, body_mass_kg, tag_id, guest, created_at) "
            "VALUES (?, ?, ?, ?, ?)", (name, mass, tag if tag_free else None, int(bool(guest)),
                                       at)).lastrowid

    for row in hub.execute("SELECT name, body_mass_kg, tag_id, guest FROM athletes "
                           "WHERE station != ? AND NOT erased ORDER BY station, seq", (COACH,)):
        add(row["name"], row["body_mass_kg"], row["tag_id"], row["guest"])
    for row in hub.execute("SELECT name, body_mass_kg, tag_id FROM athletes "
                           "WHERE station = ? AND NOT erased ORDER BY seq", (COACH,)):
        add(row["name"], row["body_mass_kg"], row["tag_id"], False)
    for (name,) in hub.execute("SELECT athlete FROM sets WHERE athlete IS NOT NULL UNION "
                               "SELECT athlete FROM reps WHERE athlete IS NOT NULL UNION "
                               "SELECT athlete FROM challenge_rounds WHERE athlete IS NOT NULL"):
        add(name, None, None, False)
    return ids


def _sessions(hub, log) -> dict[tuple[str, str], int]:
    """Every session the hub has a row, a set or a rep of; one without its
    own row starts at its first rep (the session entry has not arrived)."""
    rows = hub.execute(
        "SELECT k.station, k.session, s.started_at, s.ended_at, s.mat_source, s.force_source, "
        "s.simulated, (SELECT MIN(completed_at) FROM reps r WHERE r.station = k.station "
        "AND r.session = k.session) AS first_rep FROM (SELECT station, session FROM sessions "
        "UNION SELECT station, session FROM sets UNION SELECT station, session FROM reps) k "
        "LEFT JOIN sessions s ON s.station = k.station AND s.session = k.session")
    ordered = sorted(rows, key=lambda r: (r["station"], r["started_at"] or r["first_rep"] or ""))
    ids = {}
    for row in ordered:
        ids[(row["station"], row["session"])] = log.execute(
            "INSERT INTO sessions (started_at, ended_at, mat_source, force_source, simulated, uuid) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (row["started_at"] or row["first_rep"] or "", row["ended_at"], row["mat_source"] or "",
             row["force_source"] or "", int(bool(row["simulated"])), row["session"])).lastrowid
    return ids


def _sets(hub, log, sessions, athletes) -> dict[tuple, int]:
    rows = hub.execute(
        "SELECT k.station, k.session, k.set_index, s.athlete, s.started_at, s.start_s, s.end_s, "
        "s.ended_by, s.reps, s.valid_reps, s.body_weight_n, (SELECT MIN(completed_at) FROM reps r "
        "WHERE r.station = k.station AND r.session = k.session AND r.set_index = k.set_index) "
        "AS first_rep, (SELECT athlete FROM reps r WHERE r.station = k.station AND "
        "r.session = k.session AND r.set_index = k.set_index LIMIT 1) AS rep_athlete "
        "FROM (SELECT station, session, set_index FROM sets UNION "
        "SELECT station, session, set_index FROM reps) k LEFT JOIN sets s ON "
        "s.station = k.station AND s.session = k.session AND s.set_index = k.set_index "
        "ORDER BY k.station, k.session, k.set_index")
    ids = {}
    for row in rows:
        key = (row["station"], row["session"], row["set_index"])
        athlete = row["athlete"] if row["started_at"] is not None else row["rep_athlete"]
        ids[key] = log.execute(
            "INSERT INTO sets (session_id, athlete_id, set_index, started_at, start_s, end_s, "
            "ended_by, reps, valid_reps, body_weight_n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sessions[key[:2]], athletes.get(athlete), row["set_index"] or 0,
             row["started_at"] or row["first_rep"] or "", row["start_s"] or 0.0, row["end_s"],
             row["ended_by"], row["reps"], row["valid_reps"], row["body_weight_n"])).lastrowid
    return ids


REP_COLUMNS = ("rep_index", "completed_at", "back_flight_s", "rebound_contact_s",
               "forward_flight_s", "jump_height_m", "rsi", "landing_peak_force_n",
               "loading_rate_bw_per_s", "softness", "rating", "valid", "reason", "fatigue")


def _reps(hub, log, sets) -> None:
    for row in hub.execute(f"SELECT station, session, set_index, {', '.join(REP_COLUMNS)} "
                           f"FROM reps ORDER BY station, session, set_index, rep_index"):
        log.execute(f"INSERT INTO reps (set_id, {', '.join(REP_COLUMNS)}) "
                    f"VALUES (?, {', '.join('?' * len(REP_COLUMNS))})",
                    (sets[(row["station"], row["session"], row["set_index"])],
                     *(row[c] for c in REP_COLUMNS)))


def _challenges(hub, log, sessions, athletes) -> None:
    """A challenge per station, session and challenge (hub id or kiosk name),
    with each round's newest entry."""
    latest = {}
    for row in hub.execute("SELECT * FROM challenge_rounds ORDER BY station, seq"):
        group = (row["station"], row["session"], row["challenge"] or row["name"])
        latest[(group, row["round_index"], row["athlete"])] = row
    challenge_ids = {}
    for (group, round_index, athlete), row in sorted(latest.items(),
                                                     key=lambda item: item[1]["seq"]):
        if group not in challenge_ids:
            hub_challenge = hub.execute("SELECT definition_json, created_at FROM challenges "
                                        "WHERE id = ?", (row["challenge"],)).fetchone()
            session_id = sessions.get(group[:2])
            if session_id is None:
                continue
            started = hub_challenge["created_at"] if hub_challenge else log.execute(
                "SELECT started_at FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
            challenge_ids[group] = log.execute(
                "INSERT INTO challenges (session_id, name, definition_json, started_at) "
                "VALUES (?, ?, ?, ?)", (session_id, row["name"] or "", hub_challenge[0]
                                        if hub_challenge else json.dumps({}), started)).lastrowid
        log.execute("INSERT OR IGNORE INTO challenge_rounds (challenge_id, athlete_id, round_index, "
                    "reps, valid_reps, quality_reps, mean_rebound_contact_s) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (challenge_ids[group], athletes.get(athlete), round_index, row["reps"] or 0,
                     row["valid_reps"] or 0, row["quality_reps"] or 0,
                     row["mean_rebound_contact_s"]))
