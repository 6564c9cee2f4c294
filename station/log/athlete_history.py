"""An athlete's recent sessions and class challenges, for the kiosk's history screen.

Read with plain SQL from the session log when the screen opens; the screen
shows these numbers as they are and computes none of its own. The name is
cleaned as every name shown (station/log/names.py), for a log written before the rule.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from station.challenge.store import athlete_history
from station.log.names import clean_name

LOG = logging.getLogger("station")

#: More than any screen size shows; the screen keeps what fits.
LINES_N = 6


@dataclass(frozen=True)
class SessionLine:
    """One session the athlete did sets in: when (local time), valid reps, and
    the best jump height and mean rebound contact of those valid reps (None
    without a valid rep)."""

    started: datetime
    valid_reps: int
    best_height_m: float | None
    mean_rebound_s: float | None


@dataclass(frozen=True)
class ChallengeLine:
    """One class challenge the athlete took part in: its title, when (local
    time), their place of ``athletes_n`` (None: cut short) and valid reps."""

    title: str
    started: datetime
    place: int | None
    athletes_n: int
    valid_reps: int


@dataclass(frozen=True)
class AthleteHistory:
    """What the history screen shows of one athlete, newest first.

        history = load_history(conn, 7)
        history.name, history.sessions[0].valid_reps, history.challenges[0].place
    """

    name: str
    sessions: tuple[SessionLine, ...]
    challenges: tuple[ChallengeLine, ...]


_SESSIONS = """
SELECT s.started_at, coalesce(sum(r.valid), 0),
       max(CASE WHEN r.valid THEN r.jump_height_m END),
       avg(CASE WHEN r.valid THEN r.rebound_contact_s END)
FROM sets JOIN sessions s ON s.id = sets.session_id LEFT JOIN reps r ON r.set_id = sets.id
WHERE sets.athlete_id = ?
GROUP BY s.id ORDER BY s.started_at DESC, s.id DESC LIMIT ?
"""


def load_history(conn: sqlite3.Connection, athlete_id: int, lines_n: int = LINES_N) -> AthleteHistory | None:
    """The last ``lines_n`` sessions and challenges of ``athlete_id``; None
    for an id not in the log."""
    row = conn.execute("SELECT name FROM athletes WHERE id = ?", (athlete_id,)).fetchone()
    if row is None:
        return None
    sessions = tuple(SessionLine(_local(at), valid, best, mean)
                     for at, valid, best, mean in conn.execute(_SESSIONS, (athlete_id, lines_n)))
    challenges = tuple(ChallengeLine(entry.title, _local(entry.started_at), entry.place, entry.athletes_n,
                                     entry.valid)
                       for entry in athlete_history(conn, athlete_id)[:lines_n])
    return AthleteHistory(clean_name(row[0]), sessions, challenges)


def history_provider(conn: sqlite3.Connection | None) -> Callable[[int], AthleteHistory | None] | None:
    """``load_history`` on ``conn`` for the kiosk, None without a log. A log
    that cannot be read gives no history (after a warning), never a stop."""
    if conn is None:
        return None

    def provide(athlete_id: int) -> AthleteHistory | None:
        try:
            return load_history(conn, athlete_id)
        except sqlite3.Error as error:
            LOG.warning("the athlete's history could not be read (%s).", error)
            return None
    return provide


def _local(iso: str) -> datetime:
    """A logged UTC time in the station's local time."""
    return datetime.fromisoformat(iso).astimezone()
