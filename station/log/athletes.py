"""The athlete roster: who can be picked on the kiosk, and quick guests.

Names are cleaned on the way in (station/log/names.py) and again when read
back, for rows written before the rule; making a name safe for a spreadsheet
is the export's job. A name is on the roster once; a tag belongs to one athlete.
"""

from __future__ import annotations

import csv
import io
import math
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from station.errors import UserError
from station.identity.tags import normalise_tag, tag_problem
from station.log.db import iso_utc, transaction
from station.log.outbox import add_entry, athlete_body
from station.log.names import clean_name

ROSTER_COLUMNS = ("name", "body_mass_kg", "tag_id")
#: Masses outside this range are typing mistakes (grams, pounds, a stray digit).
MASS_RANGE_KG = (10.0, 400.0)
_FIELDS = "id, name, body_mass_kg, tag_id, guest, created_at"


@dataclass(frozen=True)
class Athlete:
    """One row of the roster. ``guest``: added in a hurry on the kiosk.

        ada = find_athlete(conn, "Ada")
        log.athlete_id = ada.id
    """

    id: int
    name: str
    body_mass_kg: float | None
    tag_id: str | None
    guest: bool
    created_at: str


@dataclass(frozen=True)
class RosterImport:
    """What ``import_roster_csv`` did: the athletes added, and one
    "line N: ..." sentence for each row left out.

        result = import_roster_csv(conn, Path("roster.csv"))
        print(len(result.imported), *result.problems, sep="\n")
    """

    imported: list[Athlete]
    problems: list[str]


def _athlete(row) -> Athlete:
    return Athlete(row[0], clean_name(row[1]), row[2], row[3], bool(row[4]), row[5])


def list_athletes(conn: sqlite3.Connection, guests: bool = False) -> list[Athlete]:
    """The roster in name order (case-insensitive); ``guests`` adds quick guests."""
    rows = conn.execute(f"SELECT {_FIELDS} FROM athletes WHERE guest = 0 OR ? "
                        "ORDER BY lower(name), id", (guests,))
    return [_athlete(row) for row in rows]


def find_athlete(conn: sqlite3.Connection, name: str | None = None,
                 tag_id: str | None = None) -> Athlete | None:
    """The athlete with exactly this ``name`` (a roster name before a guest's), or this
    ``tag_id`` (compared as normalised by station.identity.tags)."""
    if tag_id is not None:
        return _by_tag(conn, normalise_tag(tag_id))
    else:
        row = conn.execute(f"SELECT {_FIELDS} FROM athletes WHERE name = ? ORDER BY guest, id",
                           (name,)).fetchone()
    return None if row is None else _athlete(row)


def _by_tag(conn: sqlite3.Connection, tag: str | None) -> Athlete | None:
    if tag is None:
        return None
    row = conn.execute(f"SELECT {_FIELDS} FROM athletes WHERE tag_id = ?", (tag,)).fetchone()
    if row is None:  # a tag written before tags were normalised
        rows = conn.execute(f"SELECT {_FIELDS} FROM athletes WHERE tag_id IS NOT NULL").fetchall()
        row = next((r for r in rows if normalise_tag(r[3]) == tag), None)
    return None if row is None else _athlete(row)


def set_tag(conn: sqlite3.Connection, athlete_id: int, tag_id: str | None) -> Athlete:
    """Give an athlete the tag ``tag_id`` (normalised), or take theirs away with
    None; a tag that is not an id, or that someone else has, is a UserError.
    An ``athlete`` outbox entry in the same transaction takes the change to the hub.

        set_tag(conn, ada.id, "04a2b1")    # Ada's tag is now "4A2B1"
    """
    tag = None if tag_id is None else normalise_tag(tag_id)
    if tag_id is not None and tag is None:
        problem = tag_problem(tag_id)
        raise UserError(problem[0].upper() + problem[1:] + ".")
    owner = _by_tag(conn, tag)
    if owner is not None and owner.id != athlete_id:
        raise UserError(f"Tag {tag} already belongs to {owner.name}; two athletes never share a tag. "
                        f"Take it from them first (`station athletes tag {owner.name!r} --remove`) "
                        "or use another tag.")
    with transaction(conn):
        changed = conn.execute("UPDATE athletes SET tag_id = ? WHERE id = ?", (tag, athlete_id)).rowcount
        if changed:
            tagged = _athlete(conn.execute(f"SELECT {_FIELDS} FROM athletes WHERE id = ?",
                                           (athlete_id,)).fetchone())
            # The hub hears of the tag, so the class roster (and every station) has it.
            add_entry(conn, "athlete", athlete_body(tagged.name, tagged.body_mass_kg, tag, tagged.guest))
    if not changed:
        raise UserError(f"There is no athlete number {athlete_id}; list them with `station athletes list`.")
    return tagged


def add_athlete(conn: sqlite3.Connection, name: str, body_mass_kg: float | None = None,
                tag_id: str | None = None, wall_clock: Callable[[], float] = time.time) -> Athlete:
    """Put someone on the roster; a problem with the values is a UserError.

        add_athlete(conn, "Ada Lovelace", body_mass_kg=58.5, tag_id="04A2B1")
    """
    name = clean_name(name)
    problem = _problem(conn, name, body_mass_kg, tag_id)
    if problem:
        raise UserError(problem[0].upper() + problem[1:] + ".")
    with transaction(conn):
        return _insert(conn, name, body_mass_kg, tag_id and normalise_tag(tag_id), False, wall_clock())


def add_guest(conn: sqlite3.Connection, wall_clock: Callable[[], float] = time.time) -> Athlete:
    """A quick guest named for the local time, "Guest 14:05" (then "Guest 14:05 (2)")."""
    now_s = wall_clock()
    base = time.strftime("Guest %H:%M", time.localtime(now_s))
    name, n = base, 1
    while find_athlete(conn, name) is not None:
        n += 1
        name = f"{base} ({n})"
    with transaction(conn):
        return _insert(conn, clean_name(name), None, None, True, now_s)


def rename_athlete(conn: sqlite3.Connection, athlete_id: int, name: str) -> Athlete:
    """Give an athlete (or a guest who joins the roster) a new name."""
    name = clean_name(name)
    if not name:
        raise UserError("A name cannot be empty; give the athlete a name.")
    other = find_athlete(conn, name)
    if other is not None and other.id != athlete_id and not other.guest:
        raise UserError(f"{name!r} is already on the roster; choose another name.")
    with transaction(conn):
        changed = conn.execute("UPDATE athletes SET name = ?, guest = 0 WHERE id = ?",
                               (name, athlete_id)).rowcount
        if changed:
            renamed = _athlete(conn.execute(f"SELECT {_FIELDS} FROM athletes WHERE id = ?",
                                            (athlete_id,)).fetchone())
            add_entry(conn, "athlete", athlete_body(name, renamed.body_mass_kg, renamed.tag_id, False))
    if not changed:
        raise UserError(f"There is no athlete number {athlete_id}; list them with `station athletes list`.")
    return renamed


def _insert(conn, name, body_mass_kg, tag_id, guest: bool, now_s: float) -> Athlete:
    created_at = iso_utc(now_s)
    athlete_id = conn.execute(
        "INSERT INTO athletes (name, body_mass_kg, tag_id, guest, created_at) VALUES (?, ?, ?, ?, ?)",
        (name, body_mass_kg, tag_id, int(guest), created_at)).lastrowid
    add_entry(conn, "athlete", athlete_body(name, body_mass_kg, tag_id, guest), lambda: now_s)
    return Athlete(athlete_id, name, body_mass_kg, tag_id, guest, created_at)


def _problem(conn, name: str, body_mass_kg: float | None, tag_id: str | None) -> str | None:
    """What is wrong with a new roster entry, as a sentence without its full stop; None if nothing."""
    if not name.strip():
        return "the name is empty; every athlete needs one"
    existing = find_athlete(conn, name)
    if existing is not None and not existing.guest:
        return f"{name!r} is already on the roster"
    low, high = MASS_RANGE_KG
    if body_mass_kg is not None and not (math.isfinite(body_mass_kg) and low <= body_mass_kg <= high):
        return f"a body mass of {body_mass_kg:g} kg is not plausible; give it in kg, from {low:g} to {high:g}"
    if tag_id is not None:
        if not tag_id.strip():
            return "the tag is empty; leave it out or give the tag's id"
        if tag_problem(tag_id):
            return tag_problem(tag_id)
        owner = find_athlete(conn, tag_id=tag_id)
        if owner is not None:
            return f"tag {normalise_tag(tag_id)!r} already belongs to {owner.name!r}"
    return None


# -- importing a roster -------------------------------------------------------

def import_roster_csv(conn: sqlite3.Connection, path: Path,
                      wall_clock: Callable[[], float] = time.time) -> RosterImport:
    """Add the athletes of a CSV file (header ``name,body_mass_kg,tag_id``;
    UTF-8 with or without a byte-order mark; ``,`` or ``;`` between cells, and
    with ``;`` a decimal comma is fine). Every good row is added in one
    transaction; each bad one is reported as "line N: what is wrong".

        result = import_roster_csv(conn, Path("roster.csv"))
        result.imported, result.problems
    """
    text = _roster_text(Path(path))
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise UserError(f"{path} is empty; the first line should be {','.join(ROSTER_COLUMNS)}.")
    delimiter = ";" if lines[header_at].count(";") > lines[header_at].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = _columns(path, next(r for r in reader if any(cell.strip() for cell in r)), reader.line_num)
    problems, rows = [], []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        row, problem = _roster_row(conn, cells, columns, delimiter, rows)
        if problem:
            problems.append(f"line {reader.line_num}: {problem}")
        else:
            rows.append(row)
    with transaction(conn):
        imported = [_insert(conn, *row, False, wall_clock()) for row in rows]
    return RosterImport(imported, problems)


def _roster_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UserError(f"{path}: cannot read the file ({error.strerror or error}); "
                        "check the path.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text; save it as \"CSV UTF-8\".") from None


def _columns(path: Path, header: list[str], line: int) -> dict[str, int]:
    names = [cell.strip().lower() for cell in header]
    if "name" not in names:
        raise UserError(f"{path}: line {line} should be the header {','.join(ROSTER_COLUMNS)}; "
                        "it has no 'name' column.")
    unknown = [name for name in names if name not in ROSTER_COLUMNS]
    if unknown or len(set(names)) != len(names):
        raise UserError(f"{path}: line {line}: the header may only name {', '.join(ROSTER_COLUMNS)}, "
                        f"each once, not {', '.join(header)}.")
    return {name: i for i, name in enumerate(names)}


def _roster_row(conn, cells: list[str], columns: dict[str, int], delimiter: str, earlier: list):
    """(name, mass, tag) and None, or None and what is wrong."""
    if len(cells) != len(columns):
        return None, f"{len(cells)} cells where the header has {len(columns)}"

    def cell(column: str) -> str | None:
        value = cells[columns[column]] if column in columns else ""
        return value if value.strip() else None

    name, mass_text, tag_id = clean_name(cell("name") or ""), cell("body_mass_kg"), cell("tag_id")
    tag_id = None if tag_id is None else (normalise_tag(tag_id) or tag_id.strip())
    mass_kg = None
    if mass_text is not None:
        mass_kg = _number(mass_text, decimal_comma=delimiter == ";")
        if mass_kg is None:
            return None, f"body_mass_kg {mass_text.strip()!r} is not a number; write it like 72.5"
    if any(name == other[0] for other in earlier):
        return None, f"{name!r} is on an earlier line"
    if tag_id is not None and any(tag_id == other[2] for other in earlier):
        return None, f"tag {tag_id!r} is on an earlier line"
    problem = _problem(conn, name, mass_kg, tag_id)
    return (None, problem) if problem else ((name, mass_kg, tag_id), None)


def _number(text: str, decimal_comma: bool) -> float | None:
    text = text.strip()
    if decimal_comma:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None
