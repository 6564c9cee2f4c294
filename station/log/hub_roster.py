"""What the hub changes in the station's roster: the class roster
(``hub/roster``) and an athlete's erasure (docs/network.md)."""

from __future__ import annotations

import json
import math
import sqlite3
import time
from typing import Callable

from station.identity.tags import normalise_tag
from station.log.athletes import MASS_RANGE_KG
from station.log.db import iso_utc, transaction
from station.log.names import clean_name
from station.log.outbox import add_entry, athlete_body


def roster_entries(payload: dict) -> list[tuple[str, float | None, str | None]]:
    """(name, mass, tag) of a ``hub/roster`` payload, names cleaned
    (station/log/names.py) and tags normalised (station/identity/tags.py). An
    entry without a name left, or with a name already given, is left out;
    an implausible mass, a tag that is no tag id or one already given is dropped."""
    entries, names, tags = [], set(), set()
    athletes = payload.get("athletes")
    for entry in athletes if isinstance(athletes, list) else []:
        if not isinstance(entry, dict):
            continue
        name, mass, tag = entry.get("name"), entry.get("body_mass_kg"), entry.get("tag_id")
        name = clean_name(name) if isinstance(name, str) else ""
        if not name or name in names:
            continue
        if mass is not None and not (isinstance(mass, (int, float)) and not isinstance(mass, bool)
                                     and math.isfinite(mass)
                                     and MASS_RANGE_KG[0] <= mass <= MASS_RANGE_KG[1]):
            mass = None
        tag = normalise_tag(tag)
        if tag in tags:
            tag = None
        names.add(name)
        if tag is not None:
            tags.add(tag)
        entries.append((name, None if mass is None else float(mass), tag))
    return entries


def _pending_tags(conn: sqlite3.Connection) -> dict[str, str | None]:
    """Roster athletes added or tagged here that the hub may not know yet:
    name -> tag of the newest unsent ``athlete`` entry about them."""
    pending = {}
    for (body,) in conn.execute("SELECT body FROM outbox WHERE kind = 'athlete' AND sent_at IS NULL "
                                "ORDER BY seq"):
        entry = json.loads(body)
        name = entry.get("name")
        if not isinstance(name, str):
            continue
        if entry.get("guest") or entry.get("erased"):
            pending.pop(name, None)
        else:
            pending[name] = normalise_tag(entry.get("tag_id"))
    return pending


def _with_pending(entries: list, pending: dict[str, str | None]) -> list:
    """The hub's entries with this station's newer tags in place: a tag given
    here wins over the hub's until the hub has heard of it."""
    taken = {tag: name for name, tag in pending.items() if tag is not None}
    out = []
    for name, mass, tag in entries:
        if name in pending:
            tag = pending[name]
        elif taken.get(tag, name) != name:
            tag = None
        out.append((name, mass, tag))
    return out


def replace_roster(conn: sqlite3.Connection, payload: dict,
                   wall_clock: Callable[[], float] = time.time) -> int:
    """Make the station's roster the hub's, in one transaction: its athletes
    added or updated (a guest of the same name joins the roster), the others
    taken off the roster (kept as guests, so their sets keep their names).
    An athlete added or tagged here whose entry has not been sent yet keeps
    that (the hub's roster is older than it). Returns how many athletes the
    hub's roster has."""
    with transaction(conn):
        pending = _pending_tags(conn)
        entries = _with_pending(roster_entries(payload), pending)
        names = [name for name, _, _ in entries] + list(pending)
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
    """Remove everyone called ``name`` (as shown: a name written before
    names were cleaned matches its clean form) from the roster and the log's
    rows (their sets, rounds and unsent outbox entries keep no name), and
    tell the hub; the ids removed ([] if nobody had that name)."""
    with transaction(conn):
        rows = [row for row in conn.execute("SELECT id, name FROM athletes")
                if name in (row[1], clean_name(row[1]))]
        if not rows:
            return []
        ids = [row[0] for row in rows]
        marks = ", ".join("?" * len(ids))
        conn.execute(f"UPDATE sets SET athlete_id = NULL WHERE athlete_id IN ({marks})", ids)
        conn.execute(f"UPDATE challenge_rounds SET athlete_id = NULL WHERE athlete_id IN ({marks})", ids)
        conn.execute(f"DELETE FROM export_athletes WHERE athlete_id IN ({marks})", ids)
        conn.execute(f"DELETE FROM athletes WHERE id IN ({marks})", ids)
        for written in {name, *(row[1] for row in rows)}:
            conn.execute("UPDATE outbox SET body = json_set(body, '$.athlete', NULL) "
                         "WHERE json_extract(body, '$.athlete') = ?", (written,))
            conn.execute("UPDATE outbox SET body = json_set(body, '$.name', NULL) "
                         "WHERE kind = 'athlete' AND json_extract(body, '$.name') = ?", (written,))
        add_entry(conn, "athlete", athlete_body(name, None, None, False, erased=True), wall_clock)
    return ids
