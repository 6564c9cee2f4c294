"""export_log on a real SQLite log: every rep, phase and session comes back
out of the CSV files as the database holds it, to the written precision."""

import csv
import json
import random
import sqlite3
from datetime import datetime, timedelta

import pytest

from log_rows import T0, add_challenge, add_session, add_set, fill_log, iso, new_log
from station.errors import UserError
from station.export.exporter import export_log

NAMES = ["Anna Berg", "Bo", "Zoë Müller"]
#: Decimal places each unit is written with (docs/export.md).
PLACES = {"_s": 3, "_m": 3, "_n": 1, "_bw": 2, "_bw_per_s": 1, "rsi": 2, "softness": 1}
REP_NUMBERS = ["back_flight_s", "rebound_contact_s", "forward_flight_s", "jump_height_m", "rsi",
               "landing_peak_force_n", "loading_rate_bw_per_s", "softness"]
PHASE_NUMBERS = ["start_s", "end_s", "displacement_m", "rsi", "peak_force_n", "peak_force_bw",
                 "time_to_peak_s", "loading_rate_bw_per_s", "softness"]


def places(column):
    for suffix in ("_bw_per_s", "_bw", "_s", "_m", "_n"):
        if column.endswith(suffix):
            return PLACES[suffix]
    return PLACES[column]


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so spreadsheets read UTF-8"
    text = raw[3:].decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return list(csv.DictReader(text.splitlines(keepends=True)))


def assert_same_number(cell, value, column):
    if value is None:
        assert cell == "", column
        return
    digits = places(column)
    assert len(cell.split(".")[1]) == digits, f"{column} {cell!r} has {digits} decimals"
    assert abs(float(cell) - value) <= 0.5 * 10 ** -digits + 1e-9, (column, cell, value)


@pytest.fixture
def log(tmp_path):
    conn = new_log(tmp_path / "station.db")
    ids = fill_log(conn, NAMES, sessions=3, sets_per_athlete=2, reps_per_set=6)
    conn.row_factory = sqlite3.Row
    yield conn, ids
    conn.close()


def export(conn, tmp_path, **kwargs):
    dest = tmp_path / "stick"
    dest.mkdir(exist_ok=True)
    return export_log(conn, tmp_path, dest, **kwargs)


def test_reps_csv_holds_every_rep_of_the_log(log, tmp_path):
    conn, _ = log
    result = export(conn, tmp_path)
    rows = read_csv(result.folder / "reps.csv")
    db = conn.execute("SELECT r.*, s.session_id, s.set_index, a.name, a.id AS athlete_id FROM reps r "
                      "JOIN sets s ON s.id = r.set_id JOIN athletes a ON a.id = s.athlete_id").fetchall()
    assert len(rows) == len(db) == result.reps
    by_key = {(r["session_id"], r["set_index"], r["rep_index"]): r for r in db}
    for row in rows:
        rep = by_key[(int(row["session_id"]), int(row["set_index"]), int(row["rep_index"]))]
        assert row["athlete"] == rep["name"] and int(row["athlete_id"]) == rep["athlete_id"]
        assert row["completed_at"] == rep["completed_at"]
        assert row["rating"] == (rep["rating"] or "") and row["reason"] == (rep["reason"] or "")
        assert int(row["valid"]) == rep["valid"]
        for column in REP_NUMBERS:
            assert_same_number(row[column], rep[column], column)


def test_phases_csv_holds_every_contact_and_flight_in_the_order_they_happened(log, tmp_path):
    conn, _ = log
    rows = read_csv(export(conn, tmp_path).folder / "phases.csv")
    contacts = conn.execute("SELECT * FROM contacts").fetchall()
    flights = conn.execute("SELECT * FROM flights").fetchall()
    assert len(rows) == len(contacts) + len(flights)
    first_set = [r for r in rows if (r["session_id"], r["set_index"]) == ("1", "0")]
    kinds = [r["kind"] for r in first_set]
    assert kinds == ["contact"] + ["flight", "contact"] * (len(first_set) // 2)
    starts = [float(r["start_s"]) for r in first_set[1:]]
    assert starts == sorted(starts)
    set_ids = {(r["session_id"], r["set_index"]): r["id"] for r in
               conn.execute("SELECT id, session_id, set_index FROM sets")}
    db = {("contact", c["set_id"], c["contact_index"]): c for c in contacts}
    db.update({("flight", f["set_id"], f["flight_index"]): f for f in flights})
    for row in rows:
        phase = db[(row["kind"], set_ids[(int(row["session_id"]), int(row["set_index"]))],
                    int(row["phase_index"]))]
        keys = phase.keys()
        start = phase["start_s"] if "start_s" in keys else phase["takeoff_s"]
        end = phase["end_s"] if "end_s" in keys else phase["landing_s"]
        assert_same_number(row["start_s"], start, "start_s")
        assert_same_number(row["end_s"], end, "end_s")
        assert_same_number(row["duration_s"], None if start is None else end - start, "duration_s")
        for column in PHASE_NUMBERS[2:]:
            assert_same_number(row[column], phase[column] if column in keys else None, column)


def test_sessions_csv_sums_up_each_athlete_in_each_session(log, tmp_path):
    conn, ids = log
    folder = export(conn, tmp_path).folder
    reps = read_csv(folder / "reps.csv")
    sessions = read_csv(folder / "sessions.csv")
    assert len(sessions) == 3 * len(NAMES)
    for row in sessions:
        mine = [r for r in reps if (r["session_id"], r["athlete"]) == (row["session_id"], row["athlete"])]
        valid = [r for r in mine if r["valid"] == "1"]
        assert int(row["reps"]) == len(mine) and int(row["valid_reps"]) == len(valid)
        assert int(row["sets"]) == len({r["set_index"] for r in mine})
        heights = [float(r["jump_height_m"]) for r in valid]
        assert float(row["best_jump_height_m"]) == pytest.approx(max(heights), abs=0.001)
        assert float(row["mean_jump_height_m"]) == pytest.approx(sum(heights) / len(heights), abs=0.002)
        for rating in ("soft", "firm", "hard"):
            assert int(row[f"{rating}_landings"]) == sum(r["rating"] == rating for r in mine)
    ended = {r["session_id"]: r["session_ended_at"] for r in sessions}
    assert ended["3"] == "cut short", "the last session has no end time in the log"
    assert ended["1"].endswith("+00:00")


def test_challenges_csv_has_its_header_even_without_challenges(log, tmp_path):
    conn, _ = log
    path = export(conn, tmp_path).folder / "challenges.csv"
    header = path.read_bytes()[3:].decode().split("\r\n")[0]
    assert header.split(",")[:3] == ["challenge_id", "challenge", "challenge_started_at"]
    assert read_csv(path) == []


def test_challenges_csv_has_a_row_per_round_and_athlete(log, tmp_path):
    conn, ids = log
    add_challenge(conn, 1, "Ladder", T0, [(ids["Bo"], 1, 10, 9, 7, 0.2456), (ids["Anna Berg"], 1, 8, 8, 8, None),
                                          (ids["Bo"], 2, 12, 10, 5, 0.3)])
    conn.commit()
    rows = read_csv(export(conn, tmp_path).folder / "challenges.csv")
    assert [(r["athlete"], r["round"], r["quality_reps"], r["mean_rebound_contact_s"]) for r in rows] == [
        ("Anna Berg", "1", "8", ""), ("Bo", "1", "7", "0.246"), ("Bo", "2", "5", "0.300")]
    assert {r["challenge"] for r in rows} == {"Ladder"}


def test_an_export_is_recorded_only_with_its_folder_and_rep_count(log, tmp_path):
    conn, _ = log
    result = export(conn, tmp_path)
    row = conn.execute("SELECT * FROM exports").fetchone()
    assert row["destination"] == str(result.folder) and row["reps"] == result.reps
    assert row["since"] is None


def test_since_last_export_takes_only_sets_with_reps_after_it(log, tmp_path):
    conn, ids = log
    first = export(conn, tmp_path, now=T0 + timedelta(days=10))
    nothing = export(conn, tmp_path, since="last", now=T0 + timedelta(days=10, minutes=1))
    assert nothing.reps == 0 and nothing.folder != first.folder
    session = add_session(conn, T0 + timedelta(days=11))
    add_set(conn, session, ids["Bo"], 0, T0 + timedelta(days=11), 4, random.Random(1))
    conn.commit()
    later = export(conn, tmp_path, since="last", now=T0 + timedelta(days=12))
    rows = read_csv(later.folder / "reps.csv")
    assert later.reps == 4 and {r["athlete"] for r in rows} == {"Bo"}
    assert conn.execute("SELECT since FROM exports ORDER BY id DESC").fetchone()[0] == iso(
        T0 + timedelta(days=10, minutes=1))


def test_since_a_date_takes_the_sets_from_then_on(log, tmp_path):
    conn, _ = log
    result = export(conn, tmp_path, since=T0 + timedelta(days=1))
    sessions = {r["session_id"] for r in read_csv(result.folder / "reps.csv")}
    assert sessions == {"2", "3"}


def test_athlete_by_name_in_any_case_exports_only_their_rows(log, tmp_path):
    conn, _ = log
    folder = export(conn, tmp_path, athlete="zoË müller").folder
    for name in ("reps.csv", "phases.csv", "sessions.csv"):
        assert {r["athlete"] for r in read_csv(folder / name)} == {"Zoë Müller"}
    summary = json.loads((folder / "summary.json").read_text("utf-8"))
    assert [a["name"] for a in summary["athletes"]] == ["Zoë Müller"]
    assert summary["athlete"] == "zoË müller"


def test_an_unknown_athlete_is_a_sentence_naming_close_names(log, tmp_path):
    conn, _ = log
    with pytest.raises(UserError, match="No athlete called 'Ana Berg'.*'Anna Berg'"):
        export(conn, tmp_path, athlete="Ana Berg")
    assert conn.execute("SELECT COUNT(*) FROM exports").fetchone()[0] == 0


def test_summary_counts_what_the_files_hold(log, tmp_path):
    conn, _ = log
    folder = export(conn, tmp_path).folder
    summary = json.loads((folder / "summary.json").read_text("utf-8"))
    counts = summary["counts"]
    assert counts["reps"] == len(read_csv(folder / "reps.csv"))
    assert counts["contacts"] + counts["flights"] == len(read_csv(folder / "phases.csv"))
    assert counts["charts"] == len(list((folder / "charts").iterdir())) == 3, "one per session"
    assert sum(a["reps"] for a in summary["athletes"]) == counts["reps"]
    assert summary["since"] is None and summary["folder"] == folder.name


def test_a_second_export_in_the_same_minute_gets_its_own_folder(log, tmp_path):
    conn, _ = log
    first, second = export(conn, tmp_path, now=T0), export(conn, tmp_path, now=T0)
    assert second.folder.name == first.folder.name + "-2"
    assert (first.folder / "reps.csv").read_bytes() == (second.folder / "reps.csv").read_bytes()


def test_recordings_that_still_exist_are_copied_the_rest_counted(log, tmp_path):
    conn, _ = log
    (tmp_path / "recordings").mkdir()
    (tmp_path / "recordings" / "a.csv").write_text("# jumpmat-recording 1\ntime_s,mat\n0.0,1\n")
    (tmp_path.parent / "outside.csv").write_text("secret")
    paths = ["recordings/a.csv", "recordings/pruned.csv", "../outside.csv"]
    for set_id, path in zip((1, 2, 3), paths):
        conn.execute("UPDATE sets SET recording_path = ? WHERE id = ?", (path, set_id))
    conn.commit()
    folder = export(conn, tmp_path).folder
    copied = list((folder / "recordings").iterdir())
    assert [p.read_bytes() for p in copied] == [(tmp_path / "recordings" / "a.csv").read_bytes()]
    assert copied[0].name == "1-set0-Anna Berg.csv"
    counts = json.loads((folder / "summary.json").read_text("utf-8"))["counts"]
    assert (counts["recordings"], counts["recordings_missing"]) == (1, 2)


def test_each_chart_is_a_png_of_one_session_with_a_row_per_athlete(log, tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    import pygame
    from station.export.chart import HEADER_PX, ROW_PX, chart_size
    conn, _ = log
    folder = export(conn, tmp_path).folder
    day = datetime.fromisoformat(conn.execute("SELECT started_at FROM sessions WHERE id = 2")
                                 .fetchone()[0]).astimezone().strftime("%Y-%m-%d")
    chart = pygame.image.load(folder / "charts" / f"2-{day}.png")
    assert chart.get_size() == chart_size(len(NAMES))
    rows = []
    for number in range(len(NAMES)):
        band = range(HEADER_PX + number * ROW_PX, HEADER_PX + (number + 1) * ROW_PX, 3)
        rows.append({tuple(chart.get_at((x, y)))[:3] for x in range(0, chart.get_width(), 3)
                     for y in band})
    rated = {(60, 160, 80), (235, 165, 40), (210, 60, 50)}
    # fill_log gives every third athlete no load cells: their bars are grey.
    assert rated <= rows[0] and rated <= rows[1], "bars in the rating colours"
    assert (150, 150, 150) in rows[2] and not rated & rows[2], "no ratings without load cells"


def test_a_log_that_cannot_record_the_export_says_so_with_the_files_complete(log, tmp_path):
    conn, _ = log
    read_only = sqlite3.connect(f"file:{tmp_path / 'station.db'}?mode=ro", uri=True)
    with pytest.raises(UserError, match="is complete, but the session log could not record it"):
        export(read_only, tmp_path)
    read_only.close()
    [folder] = (tmp_path / "stick").iterdir()
    assert (folder / "summary.json").is_file() and len(read_csv(folder / "reps.csv")) == 3 * 3 * 2 * 6
    assert conn.execute("SELECT COUNT(*) FROM exports").fetchone()[0] == 0


def test_a_recording_pruned_during_the_export_is_counted_missing(log, tmp_path):
    conn, _ = log
    (tmp_path / "recordings").mkdir()
    for set_id in (1, 2):
        (tmp_path / "recordings" / f"{set_id}.csv").write_text("time_s,mat\n0,1\n")
        conn.execute("UPDATE sets SET recording_path = ? WHERE id = ?", (f"recordings/{set_id}.csv", set_id))
    conn.commit()

    def prune(done, total):
        if done == 1:
            (tmp_path / "recordings" / "2.csv").unlink()

    folder = export(conn, tmp_path, progress=prune).folder
    counts = json.loads((folder / "summary.json").read_text("utf-8"))["counts"]
    assert (counts["recordings"], counts["recordings_missing"]) == (1, 1)
    assert [p.name for p in (folder / "recordings").iterdir()] == ["1-set0-Anna Berg.csv"]


def test_reps_logged_during_the_export_do_not_split_it(tmp_path):
    conn = new_log(tmp_path / "station.db")
    conn.execute("PRAGMA journal_mode=WAL")  # as the station's log
    ids = fill_log(conn, NAMES, sessions=1)
    station = sqlite3.connect(tmp_path / "station.db")

    def station_logs_a_set(done, total):
        if done == 1:
            add_set(station, 1, ids["Bo"], 99, T0, 5, random.Random(2))
            station.commit()

    folder = export(conn, tmp_path, progress=station_logs_a_set).folder
    summary = json.loads((folder / "summary.json").read_text("utf-8"))
    reps, phases = read_csv(folder / "reps.csv"), read_csv(folder / "phases.csv")
    assert summary["counts"]["reps"] == len(reps) == len(NAMES) * 2 * 5
    assert summary["counts"]["contacts"] + summary["counts"]["flights"] == len(phases)
    assert conn.execute("SELECT COUNT(*) FROM reps").fetchone()[0] == len(reps) + 5, "logged after"
