"""`station export` end to end, in a child process as a person would run it."""

import csv
import sqlite3
from datetime import datetime, timezone

from log_rows import fill_log, new_log
from station_process import station


def make_data_dir(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    conn = new_log(data / "station.db")
    # Sessions in the past, so an export made now comes after all of them.
    fill_log(conn, ["Anna", "Bo"], sessions=2, reps_per_set=4,
             start=datetime(2020, 3, 1, tzinfo=timezone.utc))
    conn.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    return data, stick


def test_export_writes_a_folder_and_records_it(tmp_path):
    data, stick = make_data_dir(tmp_path)
    done = station("export", "--to", stick, "--data-dir", data)
    assert done.returncode == 0, done.stderr
    [folder] = stick.iterdir()
    rows = list(csv.DictReader((folder / "reps.csv").read_text("utf-8-sig").splitlines()))
    assert len(rows) == 2 * 2 * 2 * 4
    assert done.stdout.strip().startswith(f"Exported {len(rows)} reps to {folder} (")
    with sqlite3.connect(data / "station.db") as conn:
        assert conn.execute("SELECT destination, reps FROM exports").fetchall() == [(str(folder), len(rows))]


def test_since_last_then_exports_nothing_new(tmp_path):
    data, stick = make_data_dir(tmp_path)
    assert station("export", "--to", stick, "--data-dir", data).returncode == 0
    done = station("export", "--to", stick, "--data-dir", data, "--since", "last")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Exported 0 reps since ")
    assert len(list(stick.iterdir())) == 2


def test_one_athlete_in_any_case(tmp_path):
    data, stick = make_data_dir(tmp_path)
    done = station("export", "--to", stick, "--data-dir", data, "--athlete", "bO")
    assert done.returncode == 0, done.stderr
    [folder] = stick.iterdir()
    rows = list(csv.DictReader((folder / "reps.csv").read_text("utf-8-sig").splitlines()))
    assert {r["athlete"] for r in rows} == {"Bo"} and done.stdout.startswith(f"Exported {len(rows)} reps")


def test_mistakes_are_one_sentence_and_exit_code_2(tmp_path):
    data, stick = make_data_dir(tmp_path)
    cases = [(["--athlete", "Ana"], "station: No athlete called 'Ana' in the session log: did you mean 'Anna'?"),
             (["--data-dir", tmp_path / "empty"], f"station: No session log in {tmp_path / 'empty'}"),
             (["--to", tmp_path / "nowhere"], f"station: {tmp_path / 'nowhere'} is not a folder")]
    for extra, message in cases:
        args = ["export", "--to", stick, "--data-dir", data, *extra]
        done = station(*args)
        assert done.returncode == 2 and done.stderr.startswith(message), done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert list(stick.iterdir()) == []


def test_a_since_that_is_not_a_date_is_refused(tmp_path):
    data, stick = make_data_dir(tmp_path)
    done = station("export", "--to", stick, "--data-dir", data, "--since", "yesterday")
    assert done.returncode == 2 and "is not a date like 2026-11-24" in done.stderr
