"""hub.db moves forward: a hub.db of the first schema, with its athletes,
opens at the newest one with nothing lost, and one from a newer hub is a
sentence, not a traceback."""

import sqlite3

import pytest

from station.errors import UserError
from station.hub.db import open_hub_db
from station.hub.schema import MIGRATIONS


def test_a_first_schema_hub_db_is_migrated_with_its_athletes(tmp_path):
    old = sqlite3.connect(tmp_path / "hub.db")
    old.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    old.execute("INSERT INTO athletes (site, station, name, body_mass_kg, tag_id, guest, erased, "
                "seq) VALUES ('north', 'mat-1', 'Ann', 61.0, 'T1', 0, 0, 3)")
    old.commit()
    old.close()
    conn = open_hub_db(tmp_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [tuple(row) for row in conn.execute("SELECT * FROM athletes")] == [
        ("north", "mat-1", "Ann", 61.0, "T1", 0, 0, 3)]
    # Another gym's mat-1 may have its own Ann now.
    conn.execute("INSERT INTO athletes (site, station, name, seq) VALUES ('south', 'mat-1', 'Ann', 1)")
    assert conn.execute("SELECT count(*) FROM athletes").fetchone()[0] == 2
    assert {"erasures", "challenge_controls"} <= {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()


def test_a_hub_db_from_a_newer_hub_is_one_sentence(tmp_path):
    newer = sqlite3.connect(tmp_path / "hub.db")
    newer.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    newer.close()
    with pytest.raises(UserError, match="newer hub"):
        open_hub_db(tmp_path)
