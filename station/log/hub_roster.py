"""What the hub changes in the station's roster: the class roster
(``hub/roster``) and an athlete's erasure (docs/network.md)."""

from __future__ import annotations

import math
import sqlite3
import time
from typing import Callable

from station.log.athletes import MASS_RANGE_KG
from station.log.db import iso_utc, transaction
from station.log.outbox import add_entry, athlete_body


def roster_entries(payload: dict) -> list[tuple[str, float | None, str | None]]:
    """(name, mass, tag) of a ``hub/roster`` payload; an entry that makes no
    sense (no name, an implausible mass, a name or tag already given) is left out."""
    entries, names, tags = [], set(), set()
    athletes = payload.get("athletes")
    for entry in athletes if isinstance(athletes, list) else []:
        if not isinstance(entry, dict):
            continue
        name, mass, tag = entry.get("name"), entry.get("body_mass_kg"), entry.get("tag_id")
        if not isinstance(name, str) or not name.strip() or name in names:
            continue
        if mass is not None and not (isinstance(mass, (int, float)) and not isinstance(mass, bool)
                                     and math.isfinite(mass)
                                     and MASS_RANGE_KG[0] <= mass <= MASS_RANGE_KG[1]):
            mass = None
        if not isinstance(tag, str) or not tag.strip() or tag in tags:
            tag = None
        names.add(name)
        tags.add(tag)
        entries.append((name, None if mass is None else float(mass), tag))
    return entries


def replace_roster(conn: sqlite3.Connection, payload: dict,
                   wall_clock: Callable[[], float] = time.time) -> int:
    """Make the station's roster the hub's, in one transaction: its athletes
    added or updated (a guest of the same name joins the roster), the others
    taken off the roster (kept as guests, so their sets keep their names).
    Returns how many athletes the roster has."""
    entries = roster_entries(payload)
    names = [name for name, _, _ in entries]
    with transaction(conn):
        placeholders = ", ".join("?" * len(names))
        conn.execute(f"UPDATE athletes SET guest = 1 WHERE guest = 0 AND name NOT IN ({placeholders})",
                     names)
        tags = [tag for _, _, tag in entries if tag is not None]
        if tags:  # a tag that moved to someone else is freed first
            conn.execute(f"UPDATE athletes SET tag_id = NULL WHERE tag_id IN ({', '.join('?' * len(tags))})",
                         tags)
        for name, mass, tag in entries:
            row = conn.execute("SELECT id FROM athletes WHERE name = ? ORDER BY guest, id",
                               (name,)).fetchone()
            if row is None:
                conn.execute("INSERT INTO athletes (name, body_mass_kg, tag_id, guest, created_at) "
                             "VALUES (?, ?, ?, 0, ?)", (name, mass, tag, iso_utc(wall_clock())))
            else:
                conn.execute("UPDATE athletes SET body_mass_kg = ?, tag_id = ?, guest = 0 WHERE id = ?",
                             (mass, tag, row[0]))
    return len(entries)


def erase_athlete(conn: sqlite3.Connection, name: str,
                  wall_clock: Callable[[], float] = time.time) -> list[int]:
    """Remove everyone called ``name`` from the roster and the log's rows
    (their sets, rounds and unsent outbox entries keep no name), and tell the
    hub; the ids removed ([] if nobody had that name)."""
    with transaction(conn):
        ids = [row[0] for row in conn.execute("SELECT id FROM athletes WHERE name = ?", (name,))]
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        conn.execute(f"UPDATE sets SET athlete_id = NULL WHERE athlete_id IN ({marks})", ids)
        conn.execute(f"UPDATE challenge_rounds SET athlete_id = NULL WHERE athlete_id IN ({marks})", ids)
        conn.execute(f"DELETE FROM export_athletes WHERE athlete_id IN ({marks})", ids)
        conn.execute(f"DELETE FROM athletes WHERE id IN ({marks})", ids)
        conn.execute("UPDATE outbox SET body = json_set(body, '$.athlete', NULL) "
                     "WHERE json_extract(body, '$.athlete') = ?", (name,))
        conn.execute("UPDATE outbox SET body = json_set(body, '$.name', NULL) "
                     "WHERE kind = 'athlete' AND json_extract(body, '$.name') = ?", (name,))
        add_entry(conn, "athlete", athlete_body(name, None, None, False, erased=True), wall_clock)
    return ids
