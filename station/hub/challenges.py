"""Class challenges run by the hub: one start on many mats, one ranking.

The hub sends each chosen station a ``challenge_start`` with a start time on
the wall clock; the stations run the challenge themselves and send their
rounds (``challenge_round`` entries with the hub's id). The standings are
computed from those rounds with the kiosk's own ranking rule
(station/challenge/scores.py), so the room's ranking and each mat's agree.

Status: "scheduled" until the start time, then "running" until every station
has sent every round ("finished"), or the coach aborts it ("aborted").
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass

from station.challenge.definition import ONE, WORK, Definition, load_challenge, parse_definition
from station.challenge.scores import IntervalResult, rank
from station.errors import UserError
from station.log.db import iso_utc

#: The longest a coach may schedule ahead: a class, not a calendar.
MAX_START_IN_S = 3600.0
SCHEDULED, RUNNING, FINISHED, ABORTED = "scheduled", "running", "finished", "aborted"


@dataclass(frozen=True)
class Lane:
    """One station in a challenge, and who is on its mat."""

    site: str
    station: str
    athlete: str | None


def definition_of(spec) -> Definition:
    """A preset by name, or an inline definition with the challenge file's
    keys; a bad one is a ``UserError`` naming the key. A path is refused: the
    API must not read the hub's files."""
    if isinstance(spec, str):
        if "/" in spec or spec.endswith(".toml"):
            raise UserError("challenge must be a preset's name or a definition object, not a file")
        return load_challenge(spec)
    if isinstance(spec, dict):
        return parse_definition(spec, "the request")
    raise UserError("challenge must be a preset's name or a definition object")


def file_keys(definition: Definition) -> dict:
    """The definition as a challenge file would write it (what a station parses)."""
    keys = {"name": definition.name, "title": definition.title,
            "description": definition.description, "athletes": definition.athletes,
            "score": definition.score}
    if definition.athletes == ONE:
        keys["intervals"] = [_interval_keys(i) for i in definition.intervals]
        return keys
    work = definition.intervals[0]
    keys.update(rounds=definition.rounds, work_s=work.duration_s)
    if work.target_reps is not None:
        keys["target_reps"] = work.target_reps
    if len(definition.intervals) > 1:
        keys["rest_s"] = definition.intervals[1].duration_s
    return keys


def _interval_keys(interval) -> dict:
    keys = {"kind": interval.kind, "duration_s": interval.duration_s}
    if interval.target_reps is not None:
        keys["target_reps"] = interval.target_reps
    return keys


def rounds_per_station(definition: Definition) -> int:
    """Work intervals a station runs: its one athlete's rounds."""
    return sum(1 for interval, _ in definition.plan(1) if interval.kind == WORK)


def ranking(definition: Definition, lanes: list[Lane], rounds: list[sqlite3.Row]) -> list[dict]:
    """The standings from the stations' rounds (the newest entry of each
    round), best first, with the kiosk's ranking rule."""
    latest = {}
    for row in sorted(rounds, key=lambda r: r["seq"]):
        latest[(row["site"], row["station"], row["round_index"])] = row
    targets = [i.target_reps for i, _ in definition.plan(1) if i.kind == WORK]
    results = [IntervalResult(
        index=row["round_index"], kind=WORK, athlete=f"{row['site']}/{row['station']}",
        round=row["round_index"], start_s=0.0, end_s=0.0, ended_by="time", reps=row["reps"] or 0,
        valid=row["valid_reps"] or 0, quality=row["quality_reps"] or 0,
        mean_rebound_contact_s=row["mean_rebound_contact_s"],
        target_reps=targets[row["round_index"] - 1] if 0 < row["round_index"] <= len(targets)
        else None, paused_reps=0) for row in latest.values()]
    named = {}
    for row in latest.values():
        named.setdefault((row["site"], row["station"]), row["athlete"])
    by_key = {f"{lane.site}/{lane.station}": lane for lane in lanes}
    out = []
    for standing in rank(list(by_key), results, definition.score):
        lane = by_key[standing.athlete]
        score = standing.score
        out.append({"place": standing.place, "station": lane.station,
                    "athlete": named.get((lane.site, lane.station)) or lane.athlete,
                    "score": None if score is None else round(score, 3), "reps": standing.reps,
                    "valid_reps": standing.valid, "quality_reps": standing.quality})
    return out


class ChallengeBook:
    """The hub's challenges in ``hub.db``: made by the API, read by the API and
    the writer thread (for the standings it publishes)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def create(self, definition: Definition, lanes: list[Lane], start_at_unix_s: float,
               now_unix_s: float) -> str:
        challenge_id = uuid.uuid4().hex[:12]
        self.conn.execute(
            "INSERT INTO challenges (id, name, definition_json, stations_json, start_at_unix_s, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (challenge_id, definition.name, json.dumps(file_keys(definition)),
             json.dumps([[lane.site, lane.station, lane.athlete] for lane in lanes]),
             start_at_unix_s, iso_utc(now_unix_s)))
        return challenge_id

    def lanes(self, challenge_id: str) -> list[Lane]:
        row = self._row(challenge_id)
        return [] if row is None else [Lane(*lane) for lane in json.loads(row["stations_json"])]

    def get(self, challenge_id: str, now_unix_s: float) -> dict | None:
        """The challenge as the API shows it, or None if there is no such one."""
        row = self._row(challenge_id)
        if row is None:
            return None
        definition = parse_definition(json.loads(row["definition_json"]), "the hub's database")
        lanes = [Lane(*lane) for lane in json.loads(row["stations_json"])]
        rounds = self.conn.execute("SELECT * FROM challenge_rounds WHERE challenge = ?",
                                   (challenge_id,)).fetchall()
        status = row["ended"]
        if status is None:
            if self._all_rounds_in(definition, lanes, rounds):
                status = FINISHED
                self.conn.execute("UPDATE challenges SET ended = ? WHERE id = ? AND ended IS NULL",
                                  (FINISHED, challenge_id))
            else:
                status = SCHEDULED if now_unix_s < row["start_at_unix_s"] else RUNNING
        return {"id": challenge_id, "name": row["name"], "status": status,
                "paused": bool(row["paused"]), "start_at_unix_s": row["start_at_unix_s"],
                "stations": [lane.station for lane in lanes],
                "standings": ranking(definition, lanes, rounds)}

    def set_paused(self, challenge_id: str, paused: bool) -> None:
        self.conn.execute("UPDATE challenges SET paused = ? WHERE id = ?", (paused, challenge_id))

    def control(self, challenge_id: str, action: str, at_unix_s: float) -> None:
        """Keep a pause, resume or skip at the moment the stations act on it."""
        self.conn.execute("INSERT INTO challenge_controls (challenge, action, at_unix_s) "
                          "VALUES (?, ?, ?)", (challenge_id, action, at_unix_s))

    def controls(self, challenge_id: str) -> list[tuple[float, str]]:
        """(at_unix_s, action) of every pause, resume and skip, in order."""
        return [(row[0], row[1]) for row in self.conn.execute(
            "SELECT at_unix_s, action FROM challenge_controls WHERE challenge = ? "
            "ORDER BY at_unix_s, rowid", (challenge_id,))]

    def abort(self, challenge_id: str) -> None:
        self.conn.execute("UPDATE challenges SET ended = ? WHERE id = ?", (ABORTED, challenge_id))

    def _row(self, challenge_id: str):
        return self.conn.execute("SELECT * FROM challenges WHERE id = ?",
                                 (challenge_id,)).fetchone()

    @staticmethod
    def _all_rounds_in(definition: Definition, lanes: list[Lane], rounds) -> bool:
        wanted = rounds_per_station(definition)
        have = {}
        for row in rounds:
            have.setdefault((row["site"], row["station"]), set()).add(row["round_index"])
        return all(len(have.get((lane.site, lane.station), ())) >= wanted for lane in lanes)
