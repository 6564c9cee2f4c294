"""An athlete's class challenges, as the lines of a plain table for ``station sessions --athlete``."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from station.challenge.store import HistoryEntry, athlete_history
from station.log.athletes import find_athlete

HEADINGS = ("#", "started", "challenge", "place", "valid", "quality", "best", "per round", "ended")


def challenge_rows(conn: sqlite3.Connection, name: str) -> list[tuple[str, ...]]:
    """One row per challenge ``name`` took part in, newest first, under
    ``HEADINGS``; [] for a name not on the roster or without challenges.

        rows = challenge_rows(conn, "Ann")   # [("3", "2026-11-24 19:00", "Tabata", "1 of 6", ...)]
    """
    athlete = find_athlete(conn, name)
    if athlete is None:
        return []
    return [_row(entry) for entry in athlete_history(conn, athlete.id)]


def _row(entry: HistoryEntry) -> tuple[str, ...]:
    place = "-" if entry.place is None else f"{entry.place} of {entry.athletes_n}"
    per_round = " ".join(str(valid) for _, _, valid, _, _ in entry.rounds)
    ended = {"finished": "finished", "aborted": "stopped early"}.get(entry.ended_by, "cut short")
    return (str(entry.challenge_id), _local(entry.started_at), entry.title, place, str(entry.valid),
            str(entry.quality), str(entry.best_round), per_round, ended)


def _local(iso: str) -> str:
    """A logged UTC time in the station's local time, to the minute."""
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
