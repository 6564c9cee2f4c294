"""The outbox in the session log: every committed session, set, rep, round and
athlete change has its entry, with the bodies docs/network.md gives, and an
old log gets session UUIDs when it is migrated."""

import json
import sqlite3
import uuid

from station.analysis.events import Rep
from station.challenge.definition import load_challenge
from station.challenge.scores import IntervalResult
from station.challenge.store import ChallengeRecord
from station.log.athletes import add_athlete, add_guest, rename_athlete
from station.log.db import open_log
from station.log.outbox import REP_KEYS, counts, first_unsent, mark_sent
from station.log.schema import MIGRATIONS
from station.log.writer import SessionLog
from test_log_writer import pipeline_events, wall_clock


def entries(conn):
    return [(seq, kind, json.loads(body)) for seq, kind, body in
            conn.execute("SELECT seq, kind, body FROM outbox ORDER BY seq")]


def test_a_run_leaves_one_entry_per_row_in_order_with_the_rows_values(tmp_path):
    conn = open_log(tmp_path)
    ann = add_athlete(conn, "Ann", body_mass_kg=60.0)
    log = SessionLog(conn, tmp_path, "simulated", "simulated", simulated=True, wall_clock=wall_clock())
    log.athlete_id = ann.id
    events = pipeline_events()
    for event in events:
        log.on_event(event)
    log.close()
    logged = entries(conn)
    assert [seq for seq, _, _ in logged] == list(range(1, len(logged) + 1))
    assert logged[0][1:] == ("athlete", {"name": "Ann", "body_mass_kg": 60.0, "tag_id": None,
                                         "guest": False, "erased": False})
    session_uuid = conn.execute("SELECT uuid FROM sessions").fetchone()[0]
    assert uuid.UUID(session_uuid).version == 4
    sessions = [body for _, kind, body in logged if kind == "session"]
    assert len(sessions) == 2 and sessions[0]["ended_at"] is None and sessions[1]["ended_at"]
    assert {body["session"] for body in sessions} == {session_uuid}
    reps = [body for _, kind, body in logged if kind == "rep"]
    rows = conn.execute("SELECT rep_index, " + ", ".join(REP_KEYS) + " FROM reps ORDER BY id").fetchall()
    assert len(reps) == len(rows) == sum(isinstance(e, Rep) for e in events) >= 10
    for body, row in zip(reps, rows):
        as_json = [bool(value) if key in ("valid", "fatigue") and value is not None else value
                   for key, value in zip(REP_KEYS, row[1:])]  # booleans in JSON
        assert (body["index"], *(body[key] for key in REP_KEYS)) == (row[0], *as_json)
        assert body["athlete"] == "Ann" and body["session"] == session_uuid
    sets = [body for _, kind, body in logged if kind == "set"]
    ended = [body for body in sets if body["end_s"] is not None]
    assert [b["set_index"] for b in ended] == [r[0] for r in conn.execute(
        "SELECT set_index FROM sets ORDER BY id")]
    assert all(b["reps"] is not None and b["athlete"] == "Ann" for b in ended)
    assert counts(conn) == (len(logged), 0, len(logged))


def test_sent_marks_count_and_the_first_unsent_moves_on(tmp_path):
    conn = open_log(tmp_path)
    for name in ("A", "B", "C"):
        add_athlete(conn, name)
    assert first_unsent(conn) == 1
    mark_sent(conn, [1, 2])
    assert (first_unsent(conn), counts(conn)) == (3, (3, 2, 1))
    mark_sent(conn, [3])
    assert (first_unsent(conn), counts(conn)) == (4, (3, 3, 0))


def test_athlete_changes_and_challenge_rounds_have_entries(tmp_path):
    conn = open_log(tmp_path)
    guest = add_guest(conn)
    rename_athlete(conn, guest.id, "Bo")
    log = SessionLog(conn, tmp_path, "simulated", "simulated", simulated=True)
    record = ChallengeRecord(conn, log.session_id, load_challenge("tabata"), {"Bo": guest.id},
                             hub_challenge="c-17")
    record.interval(IntervalResult(1, "work", "Bo", 1, 0.0, 20.0, "time", 9, 8, 7, 0.21, None, 0))
    record.interval(IntervalResult(2, "rest", None, None, 20.0, 30.0, "time", 0, 0, 0, None, None, 0))
    kinds = [(kind, body.get("name"), body.get("guest")) for _, kind, body in entries(conn)]
    assert kinds[:2] == [("athlete", guest.name, True), ("athlete", "Bo", False)]
    [round_] = [body for _, kind, body in entries(conn) if kind == "challenge_round"]
    assert round_ == {"session": conn.execute("SELECT uuid FROM sessions").fetchone()[0],
                      "challenge": "c-17", "name": "tabata", "athlete": "Bo", "round_index": 1,
                      "reps": 9, "valid_reps": 8, "quality_reps": 7, "mean_rebound_contact_s": 0.21}


def test_an_older_log_gets_a_distinct_uuid_for_every_session(tmp_path):
    conn = sqlite3.connect(tmp_path / "station.db")
    for migration in MIGRATIONS[:2]:
        conn.executescript(migration)
    conn.execute("PRAGMA user_version = 2")
    for n in range(50):
        conn.execute("INSERT INTO sessions (started_at, mat_source, force_source, simulated) "
                     "VALUES (?, 'gpio', 'frontend', 0)", (f"2026-11-{n % 28 + 1:02d}T10:00:00+00:00",))
    conn.commit()
    conn.close()
    conn = open_log(tmp_path)
    uuids = [row[0] for row in conn.execute("SELECT uuid FROM sessions")]
    assert len(set(uuids)) == 50 and all(uuid.UUID(u).version == 4 for u in uuids)
    assert conn.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
