"""Opening ``hub.db`` in the hub's data folder, created or migrated forward,
with the same crash-safe settings as the session log (WAL, fsync per commit)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from station.errors import UserError
from station.hub.schema import MIGRATIONS

DB_FILE = "hub.db"
#: The writer thread and the API's readers share the file; WAL keeps readers
#: from blocking the writer, and a reader waits this long for a checkpoint.
BUSY_TIMEOUT_MS = 5000


def open_hub_db(data_dir: Path) -> sqlite3.Connection:
    """``hub.db`` in ``data_dir`` at the newest schema, in autocommit mode.

        conn = open_hub_db(Path("/var/lib/jumpmat-hub"))
        conn.execute("SELECT count(*) FROM reps").fetchone()
    """
    path = Path(data_dir) / DB_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as error:
        raise UserError(f"cannot open the hub's database {path} ({error}); make the folder "
                        "writable or give another one with --data-dir.") from None
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _migrate(conn, path)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise UserError(f"{path} is not a readable hub database ({error}); move it aside "
                        "(the hub then starts a new one and the stations send everything "
                        "again on request).") from None
    conn.row_factory = sqlite3.Row
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise UserError(f"{path} was written by a newer hub (schema {version}); update the "
                        "hub, or give another folder with --data-dir.")
    for number in range(version, len(MIGRATIONS)):
        conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]};\n"
                           f"PRAGMA user_version = {number + 1};\nCOMMIT;")


def connect(data_dir: Path) -> sqlite3.Connection:
    """Another connection to an existing ``hub.db`` (the API's, per request)."""
    conn = sqlite3.connect(Path(data_dir) / DB_FILE, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.row_factory = sqlite3.Row
    return conn
