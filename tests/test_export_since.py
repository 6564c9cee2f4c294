""""Since last" per athlete: an export of one athlete moves it for them alone,
and a log made before that was recorded is migrated forward with its rows."""

import random
import sqlite3
from datetime import timedelta

from log_rows import T0, add_set, fill_log, iso
from station.export.exporter import export_log
from station.export.selection import last_export_time, new_reps
from station.log.db import open_log
from station.log.schema import MIGRATIONS

LATER = T0 + timedelta(days=30)


def version_1_log(path):
    """A log as the first schema wrote it, with sets and an export in it."""
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    fill_log(conn, ["Anna", "Bo"], sessions=2, reps_per_set=3)
    conn.execute("INSERT INTO exports (exported_at, destination, reps, since) "
                 "VALUES (?, '/media/old/JumpMat-1', 24, NULL)", (iso(T0 + timedelta(days=5)),))
    conn.commit()
    conn.close()


def test_a_version_1_log_is_migrated_with_every_row_kept(tmp_path):
    version_1_log(tmp_path / "station.db")
    before = sqlite3.connect(tmp_path / "station.db")
    counts = {t: before.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("athletes", "sessions", "sets", "reps", "contacts", "flights", "exports")}
    before.close()
    conn = open_log(tmp_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in counts} == counts
    assert conn.execute("SELECT COUNT(*) FROM export_athletes").fetchone()[0] == 0
    # The old export counts as one of everyone, as it did before.
    assert last_export_time(conn) == T0 + timedelta(days=5)
    assert last_export_time(conn, (1,)) == T0 + timedelta(days=5)


def athletes_log(tmp_path):
    conn = open_log(tmp_path)
    ids = fill_log(conn, ["Anna", "Bo"], sessions=1, reps_per_set=4)
    (tmp_path / "stick").mkdir()
    return conn, ids


def test_an_export_of_one_athlete_moves_since_last_for_them_alone(tmp_path):
    conn, ids = athletes_log(tmp_path)
    everyone = new_reps(conn)
    assert everyone == 2 * 2 * 4
    anna = export_log(conn, tmp_path, tmp_path / "stick", since="last", athlete="anna", now=LATER)
    assert anna.reps == 2 * 4
    assert conn.execute("SELECT athlete_id FROM export_athletes").fetchall() == [(ids["Anna"],)]
    assert new_reps(conn) == everyone, "everyone's next export still holds Anna's sets"
    assert last_export_time(conn) is None and last_export_time(conn, (ids["Anna"],)) == LATER
    again = export_log(conn, tmp_path, tmp_path / "stick", since="last", athlete="Anna",
                       now=LATER + timedelta(minutes=1))
    assert again.reps == 0, "Anna has nothing new"
    bo = export_log(conn, tmp_path, tmp_path / "stick", since="last", athlete="Bo",
                    now=LATER + timedelta(minutes=2))
    assert bo.reps == 2 * 4, "Bo's sets were never exported"
    full = export_log(conn, tmp_path, tmp_path / "stick", since="last",
                      now=LATER + timedelta(minutes=3))
    assert full.reps == everyone and new_reps(conn) == 0


def test_an_export_of_everyone_moves_since_last_for_each_athlete(tmp_path):
    conn, ids = athletes_log(tmp_path)
    export_log(conn, tmp_path, tmp_path / "stick", now=LATER)
    session = conn.execute("SELECT id FROM sessions").fetchone()[0]
    add_set(conn, session, ids["Bo"], 9, LATER + timedelta(hours=1), 3, random.Random(1))
    conn.commit()
    assert last_export_time(conn, (ids["Anna"], ids["Bo"])) == LATER
    assert new_reps(conn) == 3
    anna = export_log(conn, tmp_path, tmp_path / "stick", since="last", athlete="Anna",
                      now=LATER + timedelta(hours=2))
    assert anna.reps == 0
