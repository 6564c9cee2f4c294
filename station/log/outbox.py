"""The outbox: what the station publishes to the class network, kept in the
session log itself (docs/network.md).

Each entry is added inside the transaction that writes its row, so a station
killed at any moment has both or neither. Bodies are built from the rows as
they were just written, with every key of docs/network.md present (``None``
when not known), and athletes' names cleaned (station/log/names.py). The publisher (station/network/publisher.py) reads entries
in ``seq`` order and marks them sent once the broker has acknowledged them.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Callable

from station.log.db import iso_utc
from station.log.names import clean_name

KINDS = ("session", "set", "rep", "challenge_round", "athlete")


def add_entry(conn: sqlite3.Connection, kind: str, body: dict,
              wall_clock: Callable[[], float] = time.time) -> int:
    """Append one entry (call it inside the row's transaction); its ``seq``."""
    return conn.execute("INSERT INTO outbox (kind, body, created_at) VALUES (?, ?, ?)",
                        (kind, json.dumps(body, separators=(",", ":")),
                         iso_utc(wall_clock()))).lastrowid


def session_body(conn: sqlite3.Connection, session_id: int) -> dict:
    uuid, started_at, ended_at, mat, force, simulated = conn.execute(
        "SELECT uuid, started_at, ended_at, mat_source, force_source, simulated FROM sessions "
        "WHERE id = ?", (session_id,)).fetchone()
    return {"session": uuid, "started_at": started_at, "ended_at": ended_at, "mat_source": mat,
            "force_source": force, "simulated": bool(simulated)}


def set_body(conn: sqlite3.Connection, set_id: int) -> dict:
    row = conn.execute(
        "SELECT s.uuid, t.set_index, a.name, t.started_at, t.start_s, t.end_s, t.ended_by, "
        "t.reps, t.valid_reps, t.body_weight_n FROM sets t JOIN sessions s ON s.id = t.session_id "
        "LEFT JOIN athletes a ON a.id = t.athlete_id WHERE t.id = ?", (set_id,)).fetchone()
    keys = ("session", "set_index", "athlete", "started_at", "start_s", "end_s", "ended_by",
            "reps", "valid_reps", "body_weight_n")
    body = dict(zip(keys, row))
    body["athlete"] = _shown(body["athlete"])
    return body


REP_KEYS = ("back_flight_s", "rebound_contact_s", "forward_flight_s", "jump_height_m", "rsi",
            "landing_peak_force_n", "loading_rate_bw_per_s", "softness", "rating", "valid", "reason", "fatigue")


def rep_body(conn: sqlite3.Connection, rep_id: int) -> dict:
    row = conn.execute(
        "SELECT s.uuid, t.set_index, r.rep_index, a.name, r.completed_at, "
        + ", ".join(f"r.{key}" for key in REP_KEYS) +
        " FROM reps r JOIN sets t ON t.id = r.set_id JOIN sessions s ON s.id = t.session_id "
        "LEFT JOIN athletes a ON a.id = t.athlete_id WHERE r.id = ?", (rep_id,)).fetchone()
    body = dict(zip(("session", "set_index", "index", "athlete", "completed_at", *REP_KEYS), row))
    body["athlete"] = _shown(body["athlete"])
    body["valid"] = bool(body["valid"])
    body["fatigue"] = None if body["fatigue"] is None else bool(body["fatigue"])
    return body


def _shown(name: str | None) -> str | None:
    """A name from the log as it is shown: cleaned, for a row written before the rule."""
    return None if name is None else (clean_name(name) or None)


def athlete_body(name: str, body_mass_kg: float | None, tag_id: str | None, guest: bool,
                 erased: bool = False) -> dict:
    return {"name": name, "body_mass_kg": body_mass_kg, "tag_id": tag_id, "guest": bool(guest),
            "erased": erased}


def round_body(conn: sqlite3.Connection, challenge_id: int, athlete: str | None, round_index: int,
               reps: int, valid_reps: int, quality_reps: int,
               mean_rebound_contact_s: float | None) -> dict:
    uuid, name, hub_challenge = conn.execute(
        "SELECT s.uuid, c.name, c.hub_challenge FROM challenges c "
        "JOIN sessions s ON s.id = c.session_id WHERE c.id = ?", (challenge_id,)).fetchone()
    return {"session": uuid, "challenge": hub_challenge, "name": name, "athlete": _shown(athlete),
            "round_index": round_index, "reps": reps, "valid_reps": valid_reps,
            "quality_reps": quality_reps, "mean_rebound_contact_s": mean_rebound_contact_s}


# -- for the publisher ----------------------------------------------------------

def entries_from(conn: sqlite3.Connection, seq: int, limit: int) -> list[tuple]:
    """(seq, kind, body JSON text, created_at) from ``seq`` on, in order."""
    return conn.execute("SELECT seq, kind, body, created_at FROM outbox WHERE seq >= ? "
                        "ORDER BY seq LIMIT ?", (seq, limit)).fetchall()


def first_unsent(conn: sqlite3.Connection) -> int:
    """The oldest entry not yet acknowledged, or the next seq to come."""
    row = conn.execute("SELECT min(seq) FROM outbox WHERE sent_at IS NULL").fetchone()
    if row[0] is not None:
        return row[0]
    return (conn.execute("SELECT max(seq) FROM outbox").fetchone()[0] or 0) + 1


def mark_sent(conn: sqlite3.Connection, seqs: list[int], wall_clock: Callable[[], float] = time.time) -> None:
    """The broker acknowledged these entries (an entry sent twice keeps its first time)."""
    at = iso_utc(wall_clock())
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany("UPDATE outbox SET sent_at = ? WHERE seq = ? AND sent_at IS NULL",
                         [(at, seq) for seq in seqs])
    except BaseException:
        conn.rollback()
        raise
    conn.execute("COMMIT")


def counts(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(newest seq, newest acknowledged seq, how many are waiting), 0 for none."""
    last = conn.execute("SELECT max(seq) FROM outbox").fetchone()[0] or 0
    sent = conn.execute("SELECT seq FROM outbox WHERE sent_at IS NOT NULL ORDER BY seq DESC "
                        "LIMIT 1").fetchone()
    sent = 0 if sent is None else sent[0]
    waiting = conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
    return last, sent, waiting
