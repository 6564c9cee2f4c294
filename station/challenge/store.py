"""Challenge results in the session log: the ``challenges`` and
``challenge_rounds`` tables of station/log/schema.py.

Written as the challenge runs: the ``challenges`` row when it starts, one
``challenge_rounds`` row per finished work interval, each committed at once,
so a power cut loses at most the interval that was running. A challenge whose
``ended_at`` is NULL was cut short that way.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from station.challenge.definition import WORK, Definition
from station.challenge.events import ChallengeFinished
from station.challenge.scores import IntervalResult, rank
from station.log.db import transaction
from station.log.outbox import add_entry, round_body


def wall_clock_now() -> str:
    """Now, as the log's ``*_at`` columns keep it: ISO 8601 UTC to the millisecond."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class ChallengeRecord:
    """One challenge's rows, written while it runs.

    conn:
        the session log (sqlite3).
    session_id:
        the ``sessions`` row of the run.
    athlete_ids:
        roster name -> ``athletes.id`` (a name missing or None: a guest not on
        the roster; their rounds are kept with a NULL athlete).
    hub_challenge:
        the hub's id of a class challenge run on many mats, or None.

    Each round's row and its outbox entry (docs/network.md) are committed together.

        record = ChallengeRecord(conn, session_id, load_challenge("tabata"), {"Ann": 7})
        record.interval(result)          # each IntervalResult as it finishes
        record.finish("finished")
    """

    def __init__(self, conn: sqlite3.Connection, session_id: int, definition: Definition,
                 athlete_ids: dict, started_at: str | None = None,
                 hub_challenge: str | None = None) -> None:
        self.conn = conn
        self.athlete_ids = athlete_ids
        with transaction(conn):
            self.challenge_id = conn.execute(
                "INSERT INTO challenges (session_id, name, definition_json, started_at, "
                "hub_challenge) VALUES (?, ?, ?, ?, ?)",
                (session_id, definition.name, json.dumps(definition.to_json()),
                 started_at or wall_clock_now(), hub_challenge)).lastrowid

    def interval(self, result: IntervalResult) -> None:
        """Keep a finished work interval as the athlete's round; rests have no row."""
        if result.kind != WORK:
            return
        values = (result.round, result.reps, result.valid, result.quality,
                  result.mean_rebound_contact_s)
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO challenge_rounds (challenge_id, athlete_id, round_index, reps, "
                "valid_reps, quality_reps, mean_rebound_contact_s) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self.challenge_id, self.athlete_ids.get(result.athlete), *values))
            add_entry(self.conn, "challenge_round",
                      round_body(self.conn, self.challenge_id, result.athlete, *values))

    def finish(self, ended_by: str, ended_at: str | None = None) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE challenges SET ended_at = ?, ended_by = ? WHERE id = ?",
                              (ended_at or wall_clock_now(), ended_by, self.challenge_id))

    def on_events(self, events: list) -> None:
        """Keep whatever in a batch of engine events is for the log."""
        for event in events:
            if isinstance(event, IntervalResult):
                self.interval(event)
            elif isinstance(event, ChallengeFinished):
                self.finish(event.ended_by)


def save_challenge(conn: sqlite3.Connection, session_id: int, definition: Definition,
                   result: ChallengeFinished, athlete_ids: dict,
                   started_at: str | None = None) -> int:
    """Keep a whole finished challenge at once; returns its ``challenges.id``."""
    record = ChallengeRecord(conn, session_id, definition, athlete_ids, started_at)
    for interval in result.intervals:
        record.interval(interval)
    record.finish(result.ended_by)
    return record.challenge_id


@dataclass(frozen=True)
class HistoryEntry:
    """One challenge an athlete took part in, for their history view.

    ``rounds`` lists (round, reps, valid, quality, mean rebound contact s) in
    round order; ``place`` is among the roster athletes with rounds in it
    (guests, kept without an athlete id, are not ranked here), None when the
    challenge was cut short by a power cut and has no ``ended_by``."""

    challenge_id: int
    name: str
    title: str
    started_at: str
    ended_by: str | None
    reps: int
    valid: int
    quality: int
    best_round: int
    fatigue_pct: float | None
    place: int | None
    athletes_n: int
    rounds: tuple


def athlete_history(conn: sqlite3.Connection, athlete_id: int) -> list[HistoryEntry]:
    """Every challenge ``athlete_id`` has rounds in, newest first."""
    challenges = conn.execute(
        "SELECT DISTINCT c.id, c.name, c.definition_json, c.started_at, c.ended_by "
        "FROM challenges c JOIN challenge_rounds r ON r.challenge_id = c.id "
        "WHERE r.athlete_id = ? ORDER BY c.started_at DESC, c.id DESC", (athlete_id,)).fetchall()
    return [_entry(conn, athlete_id, *row) for row in challenges]


def _entry(conn, athlete_id, challenge_id, name, definition_json, started_at, ended_by):
    rows = conn.execute(
        "SELECT athlete_id, round_index, reps, valid_reps, quality_reps, mean_rebound_contact_s "
        "FROM challenge_rounds WHERE challenge_id = ? AND athlete_id IS NOT NULL "
        "ORDER BY round_index", (challenge_id,)).fetchall()
    definition = json.loads(definition_json)
    results = [IntervalResult(0, WORK, str(row[0]), row[1], 0.0, 0.0, "time", row[2], row[3],
                              row[4], row[5], None, 0) for row in rows]
    athletes = sorted({r.athlete for r in results})
    standings = rank(athletes, results, definition.get("score", "valid_reps"))
    [mine] = [s for s in standings if s.athlete == str(athlete_id)]
    own = [r for r in results if r.athlete == str(athlete_id)]
    return HistoryEntry(
        challenge_id=challenge_id, name=name, title=definition.get("title", name),
        started_at=started_at, ended_by=ended_by, reps=mine.reps, valid=mine.valid,
        quality=mine.quality, best_round=mine.best_round,
        fatigue_pct=mine.fatigue_pct,
        place=mine.place if ended_by else None, athletes_n=len(athletes),
        rounds=tuple((r.round, r.reps, r.valid, r.quality, r.mean_rebound_contact_s)
                     for r in own))


def record_opener(log):
    """``(definition, {name: id}) -> ChallengeRecord`` on ``log``'s connection
    and session, or None when the run has no session log."""
    def open_record(definition: Definition, athlete_ids: dict, hub_challenge: str | None = None):
        session = log.session
        if session is None or session.session_id is None:
            return None
        return ChallengeRecord(session.conn, session.session_id, definition, athlete_ids,
                               hub_challenge=hub_challenge)
    return open_record
