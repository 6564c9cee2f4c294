"""The session log's listener: what each event leaves in the database, and
that a failing database never stops the counting."""

import itertools
import logging

import pytest

from station.analysis.events import Contact, Rep, SetEnd, SetStart
from station.analysis.pipeline import Pipeline
from station.log.athletes import add_athlete
from station.log.db import open_log
from station.log.writer import SessionLog
from station.sources.simulated import simulate


def pipeline_events(seed=0, duration_s=45.0):
    """Every event of a simulated athlete, as a run would hand them on."""
    start, readings, _ = simulate(seed, duration_s)
    pipeline = Pipeline()
    events = pipeline.start(start, has_force=True)
    events += pipeline.feed(readings)
    return events + pipeline.finish(duration_s)


def wall_clock():
    """A wall clock that moves on 10 ms at every reading, from 2026-11-24 10:00 UTC."""
    return itertools.count(1795514400.0, 0.01).__next__


@pytest.fixture
def conn(tmp_path):
    conn = open_log(tmp_path)
    yield conn
    conn.close()


def new_log(conn, tmp_path):
    return SessionLog(conn, tmp_path, "simulated", "simulated", simulated=True, wall_clock=wall_clock())


def test_each_rep_row_carries_its_rebound_landing_height_and_rsi(conn, tmp_path):
    events = pipeline_events()
    log = new_log(conn, tmp_path)
    for event in events:
        log.on_event(event)
    log.close()
    reps = [e for e in events if isinstance(e, Rep)]
    rows = conn.execute("SELECT rep_index, rebound_contact_s, jump_height_m, rsi, landing_peak_force_n, "
                        "loading_rate_bw_per_s, softness, rating, valid FROM reps ORDER BY id").fetchall()
    assert len(reps) >= 10 and len(rows) == len(reps)
    for rep, row in zip(reps, rows):
        landing = rep.rebound_contact.landing
        assert row == (rep.index, rep.rebound_contact.duration_s, rep.height_m, rep.rebound_contact.rsi,
                       landing["peak_force_n"], landing["loading_rate_bw_per_s"], landing["softness"],
                       landing["rating"], int(rep.valid))


def test_a_rep_is_committed_before_on_event_returns(conn, tmp_path):
    log = new_log(conn, tmp_path)
    reader = open_log(tmp_path)  # another connection sees only what is committed
    seen = []
    for event in pipeline_events(duration_s=20.0):
        log.on_event(event)
        if isinstance(event, Rep):
            seen.append(reader.execute("SELECT count(*) FROM reps").fetchone()[0])
    assert seen == list(range(1, len(seen) + 1))
    reader.close()


def test_sets_are_ended_only_when_the_set_ends(conn, tmp_path):
    events = pipeline_events()
    log = new_log(conn, tmp_path)
    first_end = next(i for i, e in enumerate(events) if isinstance(e, SetEnd))
    for event in events[:first_end]:
        log.on_event(event)
    assert conn.execute("SELECT end_s FROM sets").fetchall() == [(None,)]
    for event in events[first_end:]:
        log.on_event(event)
    log.close()
    ends = [e for e in events if isinstance(e, SetEnd)]
    rows = conn.execute("SELECT set_index, start_s, end_s, ended_by, reps, valid_reps FROM sets ORDER BY id")
    assert rows.fetchall() == [(e.index, e.start_s, e.end_s, e.ended_by, e.reps, e.valid_reps) for e in ends]
    assert conn.execute("SELECT ended_at IS NOT NULL FROM sessions").fetchone() == (1,)


def test_the_athlete_applies_to_the_next_set_and_a_set_without_reps(conn, tmp_path):
    ada = add_athlete(conn, "Ada").id
    bo = add_athlete(conn, "Bo").id
    events = pipeline_events()
    log = new_log(conn, tmp_path)
    second_start = [i for i, e in enumerate(events) if isinstance(e, SetStart)][1]
    first_rep = next(i for i, e in enumerate(events) if isinstance(e, Rep))
    for i, event in enumerate(events):
        log.on_event(event)
        if i == 0:
            log.athlete_id = ada     # picked just after stepping on: this set is Ada's
        if i == first_rep:
            log.athlete_id = bo      # the set has reps: Bo's turn is the next set
        if i == second_start:
            assert conn.execute("SELECT athlete_id FROM sets ORDER BY id").fetchall() == [(ada,), (bo,)]
    log.close()
    assert conn.execute("SELECT athlete_id FROM sets ORDER BY id").fetchall() == [(ada,), (bo,)]


def test_contacts_and_flights_are_written_with_their_sets(conn, tmp_path):
    events = pipeline_events()
    log = new_log(conn, tmp_path)
    for event in events:
        log.on_event(event)
    log.close()
    contacts = [e for e in events if isinstance(e, Contact)]
    rows = conn.execute("SELECT contact_index, start_s, end_s, landed, peak_force_bw, impact_peak "
                        "FROM contacts ORDER BY id").fetchall()
    expected = [(c.index, c.start_s, c.end_s, int(c.landed), (c.landing or {}).get("peak_force_bw"),
                 None if c.landing is None else int(c.landing["impact_peak"])) for c in contacts]
    assert rows == expected
    flights = conn.execute("SELECT count(*) FROM flights").fetchone()[0]
    assert flights == events[-1].flights


def test_a_full_disk_keeps_counting_warns_once_and_writes_every_rep_later(conn, tmp_path, caplog):
    events = pipeline_events()
    reps = [e for e in events if isinstance(e, Rep)]
    log = new_log(conn, tmp_path)
    third = next(i for i, e in enumerate(events) if isinstance(e, Rep) and e.index == 3)
    for event in events[:third]:
        log.on_event(event)
    # SQLite's own "database or disk is full", as on a full SD card.
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with caplog.at_level(logging.WARNING, logger="station"):
        recovered_at, reps_while_full = None, 0
        for i, event in enumerate(events[third:], start=third):
            log.on_event(event)
            reps_while_full += isinstance(event, Rep) and bool(caplog.records)
            if reps_while_full == 3:  # three reps shown while nothing could be written
                recovered_at = i + 1
                break
        assert recovered_at is not None, "the database never filled up"
        written = conn.execute("SELECT count(*) FROM reps").fetchone()[0]
        conn.execute("PRAGMA max_page_count = 1073741823")
        for event in events[recovered_at:]:
            log.on_event(event)
        log.close()
    failures = [r for r in caplog.records if "could not be written" in r.getMessage()]
    assert len(failures) == 1 and "disk is full" in failures[0].getMessage()
    shown = sum(isinstance(e, Rep) for e in events[:recovered_at])
    assert written <= shown - 3  # three reps were shown while the disk was full
    assert any("written again" in r.getMessage() for r in caplog.records)
    rows = conn.execute("SELECT rep_index, forward_flight_s FROM reps ORDER BY rep_index").fetchall()
    assert rows == [(r.index, r.forward_flight.duration_s) for r in reps]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
