"""Opening the session log: ``station.db`` in the data folder, created or
migrated forward on the way, with the settings that make a commit survive a
power cut.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from station.errors import UserError
from station.log.schema import MIGRATIONS

DB_FILE = "station.db"
#: Another process (an export, `station athletes`) may hold the write lock for
#: a moment; wait that long rather than fail, but not so long that the screen
#: visibly stalls.
BUSY_TIMEOUT_MS = 1000


class LogError(UserError):
    """The session log cannot be opened; the message says what to do."""


class DamagedLog(LogError):
    """The file is not a readable SQLite database."""


class NewerLog(LogError):
    """The log was written by a newer station (a higher schema version)."""


def open_log(data_dir: Path) -> sqlite3.Connection:
    """The session log in ``data_dir`` (created with the folder if missing),
    at the newest schema. The connection is in autocommit mode: group writes
    with ``transaction(conn)``.

        conn = open_log(Path("~/.local/share/jumpmat").expanduser())
        conn.execute("SELECT count(*) FROM reps").fetchone()
    """
    path = Path(data_dir) / DB_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LogError(f"cannot create the data folder {path.parent} ({error.strerror or error}); "
                       "give a writable folder with --data-dir or [storage] data_dir.") from None
    if path.exists():
        _refuse_unusable(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise _cannot_open(path, error) from None
    try:
        _configure(conn)
        _migrate(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise _cannot_open(path, error) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _cannot_open(path: Path, error: sqlite3.Error) -> LogError:
    text = str(error)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DamagedLog(f"{path} is not a readable session log ({text}); move it aside to keep "
                        "it (the station then starts a new log), or restore it from a backup.")
    return LogError(f"cannot open the session log {path} ({text}); make the folder writable "
                    "or give another one with --data-dir.")


def _configure(conn: sqlite3.Connection) -> None:
    # WAL: a commit appends to the write-ahead log, so a crash mid-write never
    # damages rows committed before, and readers (an export) never block the
    # station. synchronous=FULL: every commit is fsynced to the WAL before it
    # returns, so a rep that was committed (and only then shown) survives a
    # power cut; NORMAL would only keep the database consistent, and could
    # lose the last commits.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _refuse_unusable(path: Path) -> None:
    """A log written by a newer station, or damaged anywhere (a page
    overwritten in the middle by a failing card), is refused before it is
    opened for writing: read only, nothing of it changes, not even its WAL
    (a writer's connection would fold the WAL into the file as it closes).

    quick_check reads every page once and checks each B-tree's structure,
    but not that indexes agree with their tables (integrity_check, about
    three times slower). Measured here on a log of 100 000 reps (54 MB):
    0.11 s from the page cache, 0.8 s read cold; a Pi's SD card reads about
    40 MB/s, so a second or two there, once at each start."""
    try:
        check = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise _cannot_open(path, error) from None
    try:
        version = check.execute("PRAGMA user_version").fetchone()[0]
        damage = [row[0] for row in check.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        raise _cannot_open(path, error) from None
    finally:
        check.close()
    if version > len(MIGRATIONS):
        raise NewerLog(f"{path} was written by a newer station (schema {version}; this one "
                       f"knows up to {len(MIGRATIONS)}); update the station, or give another "
                       "folder with --data-dir.")
    if damage != ["ok"]:
        raise DamagedLog(f"{path} is not a readable session log ({damage[0]}); move it aside to "
                         "keep it (the station then starts a new log), or restore it from a backup.")


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number in range(version, len(MIGRATIONS)):
        # One transaction per migration, the version bump included, so a
        # database is always at exactly one version.
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]};\n"
                               f"PRAGMA user_version = {number + 1};\nCOMMIT;")
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection):
    """Everything in the block is committed together, or not at all.

        with transaction(conn):
            conn.execute("INSERT ...")
            conn.execute("UPDATE ...")
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    conn.execute("COMMIT")


def iso_utc(wall_s: float) -> str:
    """A wall-clock time (seconds since the epoch) as the log keeps it:
    ISO 8601 UTC with milliseconds and an offset."""
    return datetime.fromtimestamp(wall_s, timezone.utc).isoformat(timespec="milliseconds")
