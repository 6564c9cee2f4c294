"""The coach's erasures, kept in ``hub.db`` and sent again to a station each
time it comes back online.

A station connects with a clean session, so the broker keeps nothing for it
while it is off: an ``erase_athlete`` sent then is lost. The hub therefore
keeps every erasure and sends them all to a station whose status turns
"online" (after being offline, or for the first time on a new connection of
the hub's own, as after a broker that crashed). A station that erases a name
twice changes nothing the second time. An erased name the coach puts on the
roster again is someone new: their erasure is not sent any more.
"""

from __future__ import annotations

import sqlite3
import time
import uuid

from station.hub import commands
from station.log.db import iso_utc


def record(conn: sqlite3.Connection, name: str, wall_s: float | None = None) -> str:
    """Keep an erasure, under a new command id: a name erased, put on the
    roster again and erased again is erased again at every station, which
    acts on each id once. The id of its command."""
    command_id = f"erase-{uuid.uuid4()}"
    conn.execute("INSERT OR REPLACE INTO erasures (name, command_id, erased_at) VALUES (?, ?, ?)",
                 (name, command_id, iso_utc(time.time() if wall_s is None else wall_s)))
    return command_id


def pending(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, command id) of every erasure still in force, oldest first."""
    from station.hub.web.roster import class_roster
    on_roster = {athlete["name"] for athlete in class_roster(conn)}
    return [(row[0], row[1]) for row in conn.execute(
        "SELECT name, command_id FROM erasures ORDER BY erased_at, name")
        if row[0] not in on_roster]


def resend(conn: sqlite3.Connection, link, site: str, station: str) -> int:
    """Every erasure in force to one station; how many were sent."""
    erasures = pending(conn)
    for name, command_id in erasures:
        link.publish(commands.station_topic(site, station, "cmd"),
                     commands.command("erase_athlete", command_id, name=name))
    return len(erasures)
