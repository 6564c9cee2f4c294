"""Challenge results in a real SQLite session log on disk."""

import json
import sqlite3

import pytest

from challenge_reps import rep_landing_at
from station.challenge.definition import load_challenge
from station.challenge.engine import ChallengeEngine
from station.challenge.events import ChallengeFinished
from station.challenge.store import ChallengeRecord, athlete_history, save_challenge
from station.log.schema import MIGRATIONS

SETTLE_S = 2.0
STARTED_AT = "2026-11-24T18:00:00.000+00:00"


def open_log(path):
    conn = sqlite3.connect(path)
    if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
        for migration in MIGRATIONS:
            conn.executescript(migration)
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        conn.execute("INSERT INTO sessions (id, started_at, mat_source, force_source, simulated) "
                     "VALUES (1, ?, 'simulated', 'simulated', 1)", (STARTED_AT,))
        for athlete_id, name in ((7, "Ann"), (8, "Bob"), (9, "Cy")):
            conn.execute("INSERT INTO athletes (id, name, created_at) VALUES (?, ?, ?)",
                         (athlete_id, name, STARTED_AT))
        conn.commit()
    return conn


IDS = {"Ann": 7, "Bob": 8, "Cy": 9}


def relay_engine():
    return ChallengeEngine(load_challenge("relay"), ["Ann", "Bob", "Cy"], SETTLE_S)


def test_each_finished_work_interval_is_committed_so_a_power_cut_loses_only_the_running_one(tmp_path):
    path = tmp_path / "station.db"
    conn = open_log(path)
    engine = relay_engine()
    record = ChallengeRecord(conn, 1, engine.definition, IDS, STARTED_AT)
    record.on_events(engine.start(0.0))
    for landing_s in (1.0, 2.0, 46.0, 100.0):
        record.on_events(engine.rep(rep_landing_at(landing_s, rebound_s=0.3)))
    record.on_events(engine.tick(100.5))  # Ann's and Bob's turns are over; Cy is jumping
    # The power goes: nothing closes the connection cleanly.
    reopened = sqlite3.connect(path)
    rounds = reopened.execute("SELECT athlete_id, round_index, reps, valid_reps, quality_reps, "
                              "mean_rebound_contact_s FROM challenge_rounds ORDER BY id").fetchall()
    assert rounds == [(7, 1, 2, 2, 2, pytest.approx(0.3)), (8, 1, 1, 1, 1, pytest.approx(0.3))]
    assert reopened.execute("SELECT name, ended_at, ended_by FROM challenges").fetchall() == \
        [("relay", None, None)]


def test_a_finished_challenge_keeps_every_round_and_how_it_ended(tmp_path):
    conn = open_log(tmp_path / "station.db")
    engine = relay_engine()
    record = ChallengeRecord(conn, 1, engine.definition, IDS, STARTED_AT)
    record.on_events(engine.start(0.0))
    record.on_events(engine.tick(300.0))
    rows = conn.execute("SELECT athlete_id, round_index FROM challenge_rounds ORDER BY id").fetchall()
    assert rows == [(7, 1), (8, 1), (9, 1), (7, 2), (8, 2), (9, 2)]
    ended_by, definition_json = conn.execute("SELECT ended_by, definition_json FROM challenges").fetchone()
    assert ended_by == "finished"
    assert json.loads(definition_json) == load_challenge("relay").to_json()


def test_save_challenge_keeps_a_whole_result_and_a_guest_has_no_athlete_id(tmp_path):
    conn = open_log(tmp_path / "station.db")
    engine = ChallengeEngine(load_challenge("relay"), ["Ann", "Guest"], SETTLE_S)
    engine.start(0.0)
    engine.rep(rep_landing_at(50.0))  # the guest's first turn is 45-75 s
    [finished] = [e for e in engine.abort(80.0) if isinstance(e, ChallengeFinished)]
    challenge_id = save_challenge(conn, 1, engine.definition, finished, {"Ann": 7}, STARTED_AT)
    rows = conn.execute("SELECT athlete_id, round_index, reps FROM challenge_rounds "
                        "WHERE challenge_id = ? ORDER BY id", (challenge_id,)).fetchall()
    assert rows == [(7, 1, 0), (None, 1, 1)]
    assert conn.execute("SELECT ended_by FROM challenges").fetchone() == ("aborted",)


def test_an_athletes_history_lists_their_challenges_newest_first_with_place_and_rounds(tmp_path):
    conn = open_log(tmp_path / "station.db")
    first = relay_engine()
    first.start(0.0)
    for landing_s in (1.0, 2.0, 3.0, 46.0, 136.0, 137.0):  # Ann 3 + 2, Bob 1
        first.rep(rep_landing_at(landing_s, rebound_s=0.25))
    [done] = [e for e in first.tick(300.0) if isinstance(e, ChallengeFinished)]
    save_challenge(conn, 1, first.definition, done, IDS, "2026-11-24T18:00:00.000+00:00")
    later = ChallengeEngine(load_challenge("tabata"), ["Bob"], SETTLE_S)
    later.start(0.0)
    later.rep(rep_landing_at(5.0))
    [tabata] = [e for e in later.tick(300.0) if isinstance(e, ChallengeFinished)]
    save_challenge(conn, 1, later.definition, tabata, {"Bob": 8}, "2026-11-24T19:00:00.000+00:00")

    ann = athlete_history(conn, 7)
    assert [(h.name, h.place, h.athletes_n, h.valid, h.best_round) for h in ann] == \
        [("relay", 1, 3, 5, 3)]
    assert [r[:3] for r in ann[0].rounds] == [(1, 3, 3), (2, 2, 2)]
    bob = athlete_history(conn, 8)
    assert [(h.name, h.title, h.place, h.valid) for h in bob] == \
        [("tabata", "Tabata", 1, 1), ("relay", "Class relay", 2, 1)]
    assert athlete_history(conn, 9)[0].place == 3
