"""The class roster the hub keeps: the coach's own list (added, edited or
imported on /coach) together with every athlete the stations know.

The class roster's own entries are rows of the hub's ``athletes`` table
under the station id ``""`` (no station can have it): the coach's, and each
change a station makes to a roster athlete as it arrives (its name, mass or
tag), so the newest change wins wherever it was made. A tag given to one
athlete is taken from any other. For a name without such an entry, the
stations' newest row stands; a name the coach erased is gone everywhere.
Adding and importing check names, masses and tags with the station's own
roster rules (station/log/athletes.py), against a station-shaped copy of the
class roster, so the hub and the kiosk accept and refuse the same rows with
the same sentences. The roster goes to the stations retained on ``hub/roster``.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from station.errors import UserError
from station.hub import commands, erasures
from station.hub.publish import publish_roster
from station.identity.tags import normalise_tag
from station.log import athletes as station_roster
from station.log.names import clean_name
from station.log.schema import MIGRATIONS as STATION_MIGRATIONS

#: The station id of the class roster's own entries.
COACH = ""


def class_roster(conn: sqlite3.Connection) -> list[dict]:
    """Everyone on the class roster, in name order: the class roster's own
    entries, and the stations' newest entry for each other name (guests and
    the erased left out). Tags are normalised and given once (an entry of
    the class roster's own before a station's)."""
    coach = {row["name"]: row for row in conn.execute(
        "SELECT * FROM athletes WHERE station = ?", (COACH,))}
    latest = {}
    for row in conn.execute("SELECT * FROM athletes WHERE station != ? ORDER BY seq",
                            (COACH,)):
        if row["name"] not in coach:
            latest[row["name"]] = row
    tags, roster = set(), {}
    for name, row in [*coach.items(), *latest.items()]:
        if row["guest"] or row["erased"]:
            continue
        tag = normalise_tag(row["tag_id"])
        roster[name] = {"name": name, "body_mass_kg": row["body_mass_kg"],
                        "tag_id": None if tag in tags else tag}
        tags.add(tag)
    return [roster[name] for name in sorted(roster, key=lambda name: (name.casefold(), name))]


def station_change(conn: sqlite3.Connection, site: str, body: dict, before) -> None:
    """A station's ``athlete`` entry that is newer than what it said before
    about that name (``before``: its row as it was, or None), applied to the
    class roster: what changed at the station (the tag, the mass) replaces
    the class roster's. Guests are not on it, and an erasure is the hub's
    own (``erase_everywhere``): a station's news of one changes nothing here."""
    if body["guest"] or body["erased"]:
        return
    name, mass, tag = body["name"], body["body_mass_kg"], normalise_tag(body["tag_id"])
    mine = conn.execute("SELECT * FROM athletes WHERE station = ? AND name = ?",
                        (COACH, name)).fetchone()
    if mine is not None and mine["erased"]:
        return
    if mine is not None:
        if not _changes(before, "body_mass_kg", mass):
            mass = mine["body_mass_kg"]
        if not _changes(before, "tag_id", tag):
            tag = normalise_tag(mine["tag_id"])
    _keep(conn, site, name, mass, tag)


def _changes(before, key: str, value) -> bool:
    """Whether a station's entry changes ``key``: a value other than the one
    it gave before; in its first entry about a name, any value but none."""
    if before is None:
        return value is not None
    old = normalise_tag(before[key]) if key == "tag_id" else before[key]
    return old != value


def _station_shaped(conn: sqlite3.Connection) -> sqlite3.Connection:
    """The class roster in a session log's tables (in memory), for the
    station's own checks."""
    copy = sqlite3.connect(":memory:", isolation_level=None)
    for migration in STATION_MIGRATIONS:
        copy.executescript(migration)
    copy.executemany("INSERT INTO athletes (name, body_mass_kg, tag_id, guest, created_at) "
                     "VALUES (?, ?, ?, 0, '')",
                     [(a["name"], a["body_mass_kg"], a["tag_id"]) for a in class_roster(conn)])
    return copy


def _keep(conn: sqlite3.Connection, site: str, name: str, body_mass_kg, tag_id,
          erased: bool = False) -> None:
    """The class roster's entry for ``name``; the tag (normalised) taken from anyone else."""
    tag_id = normalise_tag(tag_id)
    if tag_id is not None:
        for row in conn.execute("SELECT name, tag_id FROM athletes WHERE station = ? AND name != ? "
                                "AND tag_id IS NOT NULL", (COACH, name)).fetchall():
            if normalise_tag(row["tag_id"]) == tag_id:
                conn.execute("UPDATE athletes SET tag_id = NULL WHERE station = ? AND name = ?",
                             (COACH, row["name"]))
    seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM athletes WHERE station = ?",
                       (COACH,)).fetchone()[0]
    conn.execute(
        "INSERT INTO athletes (site, station, name, body_mass_kg, tag_id, guest, erased, seq) "
        "VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO UPDATE SET "
        "body_mass_kg = excluded.body_mass_kg, tag_id = excluded.tag_id, "
        "erased = excluded.erased, seq = excluded.seq",
        (site, COACH, name, body_mass_kg, tag_id, int(erased), seq))


def _clean(name: str) -> str:
    """A name typed on /coach, cleaned by the station's rule; nothing left is a UserError."""
    cleaned = clean_name(name)
    if not cleaned:
        raise UserError("The name has no letters or digits once control characters and spaces "
                        "are removed; type the athlete's name.")
    return cleaned


def add(conn: sqlite3.Connection, site: str, name: str, body_mass_kg: float | None,
        tag_id: str | None) -> None:
    """Put someone on the class roster (the name cleaned, the tag normalised);
    a problem, such as a tag another athlete has, is a UserError (the station's sentence)."""
    copy = _station_shaped(conn)
    athlete = station_roster.add_athlete(copy, _clean(name), body_mass_kg, tag_id)
    _keep(conn, site, athlete.name, athlete.body_mass_kg, athlete.tag_id)


def edit(conn: sqlite3.Connection, site: str, name: str, new_name: str,
         body_mass_kg: float | None, tag_id: str | None) -> None:
    """Change an athlete's name, mass or tag. Renamed: the old name leaves
    the coach's list (a station that logged reps under it keeps them)."""
    if name not in {a["name"] for a in class_roster(conn)}:
        raise UserError(f"{name!r} is not on the class roster; add them first.")
    copy = _station_shaped(conn)
    copy.execute("DELETE FROM athletes WHERE name = ?", (name,))
    athlete = station_roster.add_athlete(copy, _clean(new_name), body_mass_kg, tag_id)
    conn.execute("BEGIN IMMEDIATE")
    try:
        if athlete.name != name:
            _keep(conn, site, name, None, None, erased=True)
        _keep(conn, site, athlete.name, athlete.body_mass_kg, athlete.tag_id)
    except BaseException:
        conn.rollback()
        raise
    conn.execute("COMMIT")


def import_csv(conn: sqlite3.Connection, site: str, data: bytes) -> station_roster.RosterImport:
    """Add a roster CSV's athletes (the file the station imports): the
    athletes added and the station's "line N: ..." sentence per bad row."""
    copy = _station_shaped(conn)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        path.write_bytes(data)
        try:
            result = station_roster.import_roster_csv(copy, path)
        except UserError as error:
            # The station's sentence names the file; here it is the coach's upload.
            raise UserError(str(error).replace(str(path), "The file")) from None
    conn.execute("BEGIN IMMEDIATE")
    try:
        for athlete in result.imported:
            _keep(conn, site, athlete.name, athlete.body_mass_kg, athlete.tag_id)
    except BaseException:
        conn.rollback()
        raise
    conn.execute("COMMIT")
    return result


def erase_everywhere(conn: sqlite3.Connection, link, site: str, name: str) -> int:
    """Erase an athlete: off the roster, their name off every rep, set and
    round at the hub, and an ``erase_athlete`` command to every station. The
    erasure is kept with the rest, so a station that is off now gets the same
    command when it is back online (station.hub.erasures). The number of
    stations told."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        command_id = erasures.record(conn, name)
        _keep(conn, site, name, None, None, erased=True)
        conn.execute("UPDATE athletes SET erased = 1, body_mass_kg = NULL, tag_id = NULL "
                     "WHERE name = ?", (name,))
        for table in ("reps", "sets", "challenge_rounds"):
            conn.execute(f"UPDATE {table} SET athlete = NULL WHERE athlete = ?", (name,))
        # The messages as they came keep no trace of the name either.
        conn.execute("UPDATE messages SET body_json = json_set(body_json, '$.athlete', NULL) "
                     "WHERE json_extract(body_json, '$.athlete') = ?", (name,))
        conn.execute("UPDATE messages SET body_json = json_set(body_json, '$.name', '', "
                     "'$.body_mass_kg', NULL, '$.tag_id', NULL) "
                     "WHERE kind = 'athlete' AND json_extract(body_json, '$.name') = ?", (name,))
    except BaseException:
        conn.rollback()
        raise
    conn.execute("COMMIT")
    stations = conn.execute("SELECT site, id FROM stations WHERE id != ?", (COACH,)).fetchall()
    if link is not None:
        for row in stations:
            link.publish(commands.station_topic(row["site"], row["id"], "cmd"),
                         commands.command("erase_athlete", command_id, name=name))
    return len(stations)


def publish(conn: sqlite3.Connection, link, site: str) -> None:
    """The roster to the stations now (retained), after the coach changed it."""
    sites = {site} | {row[0] for row in conn.execute("SELECT DISTINCT site FROM stations")}
    publish_roster(conn, link, sites)
