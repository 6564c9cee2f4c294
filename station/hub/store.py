"""Writing what the stations send into ``hub.db``, each thing once.

Called by the writer thread inside one transaction per batch. A message
already here (same site, station and seq) changes nothing; a later entry
about a session or a set replaces the earlier one; a rep is stored once,
and a later entry about it (its landing rated late, once its set was
weighed) changes only its rating columns.
"""

from __future__ import annotations

import json
import sqlite3

from station.hub.validate import Message
from station.hub.web import roster

REP_COLUMNS = ("set_index", "athlete", "completed_at", "back_flight_s", "rebound_contact_s",
               "forward_flight_s", "jump_height_m", "rsi", "landing_peak_force_n",
               "loading_rate_bw_per_s", "softness", "rating", "valid", "reason", "fatigue")
#: What a rep sent again may change: a landing's rating needs the set's body
#: weight, which may come after the rep (docs/landing.md, "Body weight").
RATING_COLUMNS = ("landing_peak_force_n", "loading_rate_bw_per_s", "softness", "rating")
SET_COLUMNS = ("athlete", "started_at", "start_s", "end_s", "ended_by", "reps", "valid_reps",
               "body_weight_n")
SESSION_COLUMNS = ("started_at", "ended_at", "mat_source", "force_source", "simulated")
ROUND_COLUMNS = ("session", "challenge", "name", "athlete", "round_index", "reps",
                 "valid_reps", "quality_reps", "mean_rebound_contact_s")
ATHLETE_COLUMNS = ("body_mass_kg", "tag_id", "guest", "erased")


def ensure_station(conn: sqlite3.Connection, site: str, station: str) -> None:
    conn.execute("INSERT OR IGNORE INTO stations (site, id) VALUES (?, ?)", (site, station))


def store_entry(conn: sqlite3.Connection, message: Message, received_at: str,
                home_site: str | None = None) -> bool:
    """Keep one log entry; False if it was here already. An athlete's entry
    from a station of ``home_site`` (the hub's own gym) also updates the class
    roster; a bridged gym's stations have their own hub and roster."""
    entry, site, station = message.payload, message.site, message.station
    seq, body = entry["seq"], entry["body"]
    inserted = conn.execute(
        "INSERT OR IGNORE INTO messages (site, station, seq, kind, at, body_json, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (site, station, seq, entry["kind"], entry.get("at"), json.dumps(body), received_at),
    ).rowcount
    if not inserted:
        return False
    if entry["kind"] == "athlete":
        _athlete(conn, site, station, seq, body, to_roster=site == home_site)
    else:
        KEEPERS[entry["kind"]](conn, site, station, seq, body)
    return True


def _rep(conn, site, station, seq, body) -> None:
    """A rep, once; sent again, its rating columns as of the newest entry
    (an older one replayed later does not undo a rating)."""
    conn.execute(
        f"INSERT INTO reps (site, station, session, rep_index, seq, "
        f"{', '.join(REP_COLUMNS)}) VALUES (?, ?, ?, ?, ?, {', '.join('?' * len(REP_COLUMNS))}) "
        f"ON CONFLICT (station, session, rep_index) DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in (*RATING_COLUMNS, "seq"))
        + " WHERE excluded.seq > reps.seq",
        (site, station, body["session"], body["index"], seq,
         *(body[column] for column in REP_COLUMNS)))


def _set(conn, site, station, seq, body) -> None:
    _upsert(conn, "sets", ("site", "station", "session", "set_index"),
            (site, station, body["session"], body["set_index"]), SET_COLUMNS, body, seq)


def _session(conn, site, station, seq, body) -> None:
    _upsert(conn, "sessions", ("site", "station", "session"), (site, station, body["session"]),
            SESSION_COLUMNS, body, seq)


def _athlete(conn, site, station, seq, body, to_roster: bool) -> None:
    before = conn.execute("SELECT body_mass_kg, tag_id, seq FROM athletes WHERE site = ? "
                          "AND station = ? AND name = ?", (site, station, body["name"])).fetchone()
    _upsert(conn, "athletes", ("site", "station", "name"), (site, station, body["name"]),
            ATHLETE_COLUMNS, body, seq)
    if to_roster and (before is None or seq > before[2]):
        # What a station changed (a tag given on its kiosk) goes into the class roster.
        roster.station_change(conn, site, body, None if before is None else
                              {"body_mass_kg": before[0], "tag_id": before[1]})


def _upsert(conn, table, key_columns, key, columns, body, seq) -> None:
    """The row for ``key`` as of the newest entry (by seq): a replayed older
    entry arriving later does not undo a newer one."""
    names = (*key_columns, *columns, "seq")
    conn.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in (*columns, "seq", "site"))
        + f" WHERE excluded.seq > {table}.seq",
        (*key, *(body[c] for c in columns), seq))


def _round(conn, site, station, seq, body) -> None:
    conn.execute(
        f"INSERT OR IGNORE INTO challenge_rounds (site, station, seq, {', '.join(ROUND_COLUMNS)}) "
        f"VALUES (?, ?, ?, {', '.join('?' * len(ROUND_COLUMNS))})",
        (site, station, seq, *(body[c] for c in ROUND_COLUMNS)))


KEEPERS = {"rep": _rep, "set": _set, "session": _session, "challenge_round": _round}


def store_status(conn: sqlite3.Connection, message: Message) -> None:
    conn.execute("UPDATE stations SET online = ?, status_json = ? WHERE site = ? AND id = ?",
                 (message.payload["state"] == "online", json.dumps(message.payload),
                  message.site, message.station))


def count_refused(conn: sqlite3.Connection, site: str, station: str) -> None:
    ensure_station(conn, site, station)
    conn.execute("UPDATE stations SET rejected = rejected + 1 WHERE site = ? AND id = ?",
                 (site, station))


def replay_asked(conn: sqlite3.Connection, site: str, station: str) -> None:
    conn.execute("UPDATE stations SET replays = replays + 1 WHERE site = ? AND id = ?",
                 (site, station))


def seen(conn: sqlite3.Connection, site: str, station: str, at: str, contiguous: int) -> None:
    conn.execute("UPDATE stations SET last_seen_at = ?, seq_contiguous = ? "
                 "WHERE site = ? AND id = ?", (at, contiguous, site, station))


def load_sequences(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[int, set[int]]]:
    """Each station's contiguous seq and the seqs beyond it, as stored."""
    out = {}
    for row in conn.execute("SELECT site, id, seq_contiguous FROM stations"):
        ahead = {r[0] for r in conn.execute(
            "SELECT seq FROM messages WHERE site = ? AND station = ? AND seq > ?",
            (row[0], row[1], row[2]))}
        out[(row[0], row[1])] = (row[2], ahead)
    return out
