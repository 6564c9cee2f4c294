"""What the TV board shows, read from ``hub.db`` as one JSON-ready dict.

During a class challenge: its name, its intervals on the wall clock as the
stations run them, pauses and skips included (board_clock.py; the browser
runs the countdown on them, on the hub's clock) and the standings. Between challenges: a
tile per station from its last status, and today's bests.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, time as day_time, timezone

from station.challenge.definition import parse_definition
from station.hub.challenges import ABORTED, FINISHED, ChallengeBook
from station.hub.web.board_clock import timeline

#: A finished challenge's final ranking stays on the TV this long after its
#: planned end, for the room to read, unless another one starts.
FINISHED_SHOWN_S = 300.0


def board_state(conn: sqlite3.Connection, now_unix_s: float) -> dict:
    """Everything /board shows now."""
    return {"time_unix_s": now_unix_s, "challenge": current_challenge(conn, now_unix_s),
            "stations": station_tiles(conn), "bests": todays_bests(conn, now_unix_s)}


def current_challenge(conn: sqlite3.Connection, now_unix_s: float) -> dict | None:
    """The newest challenge that is scheduled, running, or finished within
    FINISHED_SHOWN_S of its planned end; None otherwise."""
    row = conn.execute("SELECT id, definition_json, start_at_unix_s FROM challenges "
                       "ORDER BY created_at DESC, start_at_unix_s DESC LIMIT 1").fetchone()
    if row is None:
        return None
    definition = parse_definition(json.loads(row["definition_json"]), "the hub's database")
    plan = [(interval.kind, interval.duration_s) for interval, _ in definition.plan(1)]
    book = ChallengeBook(conn)
    found = book.get(row["id"], now_unix_s)
    clock = timeline(plan, row["start_at_unix_s"], book.controls(row["id"]))
    end_unix_s = clock["intervals"][-1][3]  # its planned end, shifted by pauses and skips
    if found["status"] in (FINISHED, ABORTED) and now_unix_s > end_unix_s + FINISHED_SHOWN_S:
        return None
    return {"id": found["id"], "name": found["name"], "title": definition.title,
            "status": found["status"], "paused": found["paused"],
            "start_at_unix_s": found["start_at_unix_s"], "timeline": clock["intervals"],
            "paused_left": clock["paused"], "standings": found["standings"]}


def station_tiles(conn: sqlite3.Connection) -> list[dict]:
    """Each station: who is on it, the reps of its newest set and the last
    landing's rating (from the reps as they arrive, so the TV keeps up with
    every rep; from its last status until a rep is here), online or not."""
    tiles = []
    for row in conn.execute("SELECT id, online, status_json FROM stations ORDER BY id"):
        status = json.loads(row["status_json"]) if row["status_json"] else {}
        tile = {"station": row["id"], "online": bool(row["online"]),
                "athlete": status.get("athlete"), "set_reps": status.get("set_reps"),
                "last_rating": status.get("last_rating")}
        newest = conn.execute("SELECT session, set_index, athlete FROM sets WHERE station = ? "
                              "ORDER BY rowid DESC LIMIT 1", (row["id"],)).fetchone()
        last = conn.execute("SELECT session, set_index, athlete, rating FROM reps "
                            "WHERE station = ? ORDER BY id DESC LIMIT 1", (row["id"],)).fetchone()
        if last is not None and (newest is None or (last["session"], last["set_index"]) ==
                                 (newest["session"], newest["set_index"])):
            newest = last
            tile["last_rating"] = last["rating"]
        if newest is not None:
            tile["athlete"] = newest["athlete"] if newest["athlete"] is not None \
                else tile["athlete"]
            tile["set_reps"] = conn.execute(
                "SELECT COUNT(*) FROM reps WHERE station = ? AND session = ? AND set_index = ?",
                (row["id"], newest["session"], newest["set_index"])).fetchone()[0]
        tiles.append(tile)
    return tiles


#: Today's bests: (key, column, best is the highest).
BESTS = (("highest_jump", "jump_height_m", True), ("best_rsi", "rsi", True),
         ("softest_landing", "softness", True))


def todays_bests(conn: sqlite3.Connection, now_unix_s: float) -> dict:
    """Today's (the hub's local day) best valid rep per measure, and whose."""
    midnight = datetime.combine(datetime.fromtimestamp(now_unix_s).date(), day_time())
    since = midnight.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    out = {}
    for key, column, highest in BESTS:
        row = conn.execute(
            f"SELECT athlete, station, {column} AS value FROM reps WHERE valid = 1 "
            f"AND {column} IS NOT NULL AND julianday(completed_at) >= julianday(?) "
            f"ORDER BY {column} {'DESC' if highest else 'ASC'}, id LIMIT 1", (since,)).fetchone()
        out[key] = None if row is None else {"athlete": row["athlete"], "station": row["station"],
                                             "value": row["value"]}
    return out


def change_mark(conn: sqlite3.Connection) -> int:
    """A number that changes whenever another connection commits to the file
    (SQLite's ``data_version``): the board looks again only then."""
    return conn.execute("PRAGMA data_version").fetchone()[0]
