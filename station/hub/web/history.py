"""An athlete's record at the hub: per session, personal bests, sets; and a
set's reps. Plain SQL over ``hub.db``; names compared exactly."""

from __future__ import annotations

import sqlite3

from station.network.set_links import set_address

#: Per session: (column, title, how a value reads, best is the highest, the
#: smallest step that reading shows).
MEASURES = (("jump_height_m", "Jump height", lambda v: f"{v * 100:.1f} cm", True, 0.001),
            ("rsi", "RSI", lambda v: f"{v:.2f}", True, 0.01),
            ("rebound_contact_s", "Rebound contact", lambda v: f"{v * 1000:.0f} ms", False, 0.001),
            ("softness", "Landing softness", lambda v: f"{v:.0f}", True, 1.0))


def sessions_of(conn: sqlite3.Connection, athlete: str) -> list[dict]:
    """Each session the athlete has reps in, oldest first, with the means of
    their valid reps and their counts."""
    means = ", ".join(f"AVG(CASE WHEN valid THEN {key} END) AS {key}" for key, *_ in MEASURES)
    rows = conn.execute(
        f"SELECT station, session, MIN(completed_at) AS first_at, COUNT(*) AS reps, "
        f"TOTAL(valid) AS valid_reps, {means} FROM reps WHERE athlete = ? "
        f"GROUP BY station, session ORDER BY first_at, station", (athlete,)).fetchall()
    return [dict(row) for row in rows]


def personal_bests(conn: sqlite3.Connection, athlete: str) -> list[dict]:
    out = []
    for key, title, show, highest, _ in MEASURES:
        row = conn.execute(
            f"SELECT {key} AS value, completed_at, station FROM reps WHERE athlete = ? AND valid "
            f"AND {key} IS NOT NULL ORDER BY {key} {'DESC' if highest else 'ASC'}, id LIMIT 1",
            (athlete,)).fetchone()
        out.append({"title": title, "value": show(row["value"]) if row else "–",
                    "at": row["completed_at"][:10] if row and row["completed_at"] else ""})
    return out


def sets_of(conn: sqlite3.Connection, athlete: str) -> list[dict]:
    """The athlete's sets, newest first, each with its address."""
    rows = conn.execute(
        "SELECT station, session, set_index, MIN(completed_at) AS first_at, COUNT(*) AS reps, "
        "TOTAL(valid) AS valid_reps, MAX(CASE WHEN valid THEN jump_height_m END) AS best_m "
        "FROM reps WHERE athlete = ? GROUP BY station, session, set_index "
        "ORDER BY first_at DESC", (athlete,)).fetchall()
    return [{**dict(row), "address": set_address(row["station"], row["session"],
                                                 row["set_index"])} for row in rows]


def find_set(conn: sqlite3.Connection, station: str, key: str, set_index: int):
    """The set (its session UUID, start, athlete) behind an address, or None."""
    from station.network.set_links import session_key

    candidates = conn.execute(
        "SELECT DISTINCT session FROM reps WHERE station = ? AND set_index = ? UNION "
        "SELECT session FROM sets WHERE station = ? AND set_index = ?",
        (station, set_index, station, set_index)).fetchall()
    for (session,) in candidates:
        if session_key(session) == key:
            row = conn.execute("SELECT started_at, athlete FROM sets WHERE station = ? AND "
                               "session = ? AND set_index = ?",
                               (station, session, set_index)).fetchone()
            first = conn.execute("SELECT MIN(completed_at), MAX(athlete) FROM reps WHERE "
                                 "station = ? AND session = ? AND set_index = ?",
                                 (station, session, set_index)).fetchone()
            return {"station": station, "session": session, "set_index": set_index,
                    "started_at": row["started_at"] if row else first[0],
                    "athlete": (row["athlete"] if row else None) or first[1]}
    return None


def reps_of_set(conn: sqlite3.Connection, station: str, session: str, set_index: int) -> list:
    return [dict(row) for row in conn.execute(
        "SELECT rep_index, completed_at, back_flight_s, rebound_contact_s, forward_flight_s, "
        "jump_height_m, rsi, landing_peak_force_n, softness, rating, valid, reason FROM reps "
        "WHERE station = ? AND session = ? AND set_index = ? ORDER BY rep_index",
        (station, session, set_index))]
