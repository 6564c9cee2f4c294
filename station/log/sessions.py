"""Reading the session log back: one line per session, for `station sessions`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from station.log.names import clean_name


@dataclass(frozen=True)
class SessionSummary:
    """One session: when, who, how much. ``ended_at`` None: the session is
    still running, or it was cut short (a crash or a power cut)."""

    id: int
    started_at: str
    ended_at: str | None
    simulated: bool
    mat_source: str
    force_source: str
    athletes: list[str]
    sets: int
    reps: int
    valid_reps: int


_QUERY = """
SELECT s.id, s.started_at, s.ended_at, s.simulated, s.mat_source, s.force_source,
       (SELECT count(*) FROM sets WHERE sets.session_id = s.id),
       (SELECT count(*) FROM reps JOIN sets ON reps.set_id = sets.id WHERE sets.session_id = s.id),
       (SELECT coalesce(sum(reps.valid), 0) FROM reps JOIN sets ON reps.set_id = sets.id
         WHERE sets.session_id = s.id)
FROM sessions s
WHERE ? IS NULL OR EXISTS (SELECT 1 FROM sets JOIN athletes a ON a.id = sets.athlete_id
                           WHERE sets.session_id = s.id AND a.name = ?)
ORDER BY s.id
"""


def list_sessions(conn: sqlite3.Connection, athlete: str | None = None) -> list[SessionSummary]:
    """Every session, oldest first; with ``athlete``, those in which that
    athlete (by exact name) did a set. Reps are counted from the rows kept,
    so a session cut short counts what was committed.

        for session in list_sessions(conn, athlete="Ada"):
            print(session.started_at, session.reps)
    """
    out = []
    for row in conn.execute(_QUERY, (athlete, athlete)).fetchall():
        # Cleaned as shown: a name written before the rule (station/log/names.py).
        names = list(dict.fromkeys(clean_name(name) for (name,) in conn.execute(
            "SELECT DISTINCT a.name FROM sets JOIN athletes a ON a.id = sets.athlete_id "
            "WHERE sets.session_id = ? ORDER BY sets.id", (row[0],))))
        out.append(SessionSummary(row[0], row[1], row[2], bool(row[3]), row[4], row[5], names,
                                  row[6], row[7], row[8]))
    return out
