"""Opening the session log: created, migrated, reopened; newer and damaged
files refused with a sentence and left as they were."""

import sqlite3

import pytest

from log_rows import fill_log, new_log, overwrite_middle
from station.errors import UserError
from station.log.db import DB_FILE, DamagedLog, open_log, transaction
from station.log.schema import MIGRATIONS
from station_process import station

TABLES = {"athletes", "sessions", "sets", "contacts", "flights", "reps", "challenges",
          "challenge_rounds", "exports", "export_athletes", "outbox"}


def tables(conn):
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_an_empty_folder_gets_a_log_at_the_newest_schema(tmp_path):
    conn = open_log(tmp_path / "new" / "folder")
    assert (tmp_path / "new" / "folder" / DB_FILE).is_file()
    assert tables(conn) == TABLES
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_the_log_is_opened_for_durability(tmp_path):
    conn = open_log(tmp_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_an_empty_file_is_migrated_from_version_0(tmp_path):
    (tmp_path / DB_FILE).write_bytes(b"")
    conn = open_log(tmp_path)
    assert tables(conn) == TABLES


def test_reopening_keeps_the_rows_and_the_version(tmp_path):
    conn = open_log(tmp_path)
    with transaction(conn):
        conn.execute("INSERT INTO sessions (started_at, mat_source, force_source, simulated) "
                     "VALUES ('2026-11-24T10:00:00.000+00:00', 'gpio', 'none', 0)")
    conn.close()
    again = open_log(tmp_path)
    assert again.execute("SELECT mat_source FROM sessions").fetchall() == [("gpio",)]
    assert again.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_foreign_key_to_nothing_is_refused(tmp_path):
    conn = open_log(tmp_path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO sets (session_id, set_index, started_at, start_s) "
                     "VALUES (99, 1, 'x', 0.0)")


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    conn = open_log(tmp_path)
    with pytest.raises(sqlite3.IntegrityError):
        with transaction(conn):
            conn.execute("INSERT INTO athletes (name, tag_id, created_at) VALUES ('A', 'T', 'x')")
            conn.execute("INSERT INTO athletes (name, tag_id, created_at) VALUES ('B', 'T', 'x')")
    assert conn.execute("SELECT count(*) FROM athletes").fetchone()[0] == 0


def test_a_log_from_a_newer_station_is_refused_with_a_sentence(tmp_path):
    conn = open_log(tmp_path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(UserError, match="newer station"):
        open_log(tmp_path)
    result = station("sessions", "--data-dir", tmp_path)
    assert result.returncode == 2
    assert "newer station" in result.stderr and "update the station" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"this is not a database\n" * 50,
                                     b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_damaged_file_is_refused_and_kept(tmp_path, content):
    (tmp_path / DB_FILE).write_bytes(content)
    result = station("sessions", "--data-dir", tmp_path)
    assert result.returncode == 2
    assert "not a readable session log" in result.stderr and "move it aside" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / DB_FILE).read_bytes() == content


def test_a_log_overwritten_in_the_middle_is_refused_at_open_and_kept(tmp_path):
    fill_log(new_log(tmp_path / DB_FILE), [f"A{i}" for i in range(6)], sessions=10,
             sets_per_athlete=5, reps_per_set=10)
    assert (tmp_path / DB_FILE).stat().st_size > 1_500_000
    overwrite_middle(tmp_path / DB_FILE)
    damaged = (tmp_path / DB_FILE).read_bytes()
    with pytest.raises(DamagedLog, match="is not a readable session log"):
        open_log(tmp_path)
    assert (tmp_path / DB_FILE).read_bytes() == damaged


def test_a_data_folder_that_cannot_be_made_is_a_sentence(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(UserError, match="cannot create the data folder"):
        open_log(tmp_path / "taken")
