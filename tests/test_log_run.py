"""`station run` keeps every run in the session log: what it printed is what
the log holds, and a rep printed before a kill is never lost."""

import json
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest

from log_rows import fill_log, new_log, overwrite_middle
from station.log.db import DB_FILE, open_log
from station.sources.recording import read_recording
from station_process import json_lines, start_station, station


def rounded(value, places=6):
    return None if value is None else round(value, places)


def read_until_reps(process, reps_n):
    """JSON lines from a running station until ``reps_n`` reps were printed
    and the set after the last one is still going."""
    printed = []
    while True:
        line = process.stdout.readline()
        assert line, f"the station ended early: {process.stderr.read()}"
        printed.append(json.loads(line))
        if sum(e["type"] == "rep" for e in printed) >= reps_n and printed[-1]["type"] == "rep":
            return printed


def test_every_rep_printed_before_a_kill_is_in_the_log(tmp_path):
    process = start_station("run", "--simulate", "--headless", "--speed", "20", "--data-dir", tmp_path)
    try:
        printed = read_until_reps(process, 5)
        process.send_signal(signal.SIGKILL)  # no clean-up of any kind: as a power cut is to the program
    finally:
        process.kill()
        process.wait(timeout=30)
    conn = sqlite3.connect(tmp_path / DB_FILE)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reps = [e for e in printed if e["type"] == "rep"]
    rows = conn.execute("SELECT rep_index, back_flight_s, rebound_contact_s, forward_flight_s, valid "
                        "FROM reps ORDER BY rep_index").fetchall()
    logged = [(i, rounded(b), rounded(c), rounded(f), bool(v)) for i, b, c, f, v in rows][:len(reps)]
    assert logged == [(r["index"], r["back_flight_s"], r["rebound_contact_s"], r["forward_flight_s"],
                       r["valid"]) for r in reps]
    assert conn.execute("SELECT ended_at FROM sessions").fetchall() == [(None,)]
    assert conn.execute("SELECT end_s FROM sets ORDER BY id DESC LIMIT 1").fetchone() == (None,)
    conn.close()
    listing = station("sessions", "--data-dir", tmp_path)
    assert listing.returncode == 0
    assert listing.stdout.splitlines()[1].endswith("cut short")


@pytest.fixture(scope="module")
def logged_run(tmp_path_factory):
    """A 60 s simulated run, its printed events and its log."""
    data_dir = tmp_path_factory.mktemp("run")
    result = station("run", "--simulate", "--headless", "--speed", "50", "--duration", "60",
                     "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(data_dir / DB_FILE)
    yield data_dir, json_lines(result.stdout), conn
    conn.close()


def test_the_log_holds_the_sets_the_run_printed(logged_run):
    _, printed, conn = logged_run
    sets = [e for e in printed if e["type"] == "set"]
    rows = conn.execute("SELECT set_index, start_s, end_s, ended_by, reps, valid_reps, body_weight_n "
                        "FROM sets ORDER BY id").fetchall()
    assert len(sets) >= 2
    assert [(i, rounded(s), rounded(e), by, n, v, rounded(w, 1)) for i, s, e, by, n, v, w in rows] == [
        (s["index"], s["start_s"], s["end_s"], s["ended_by"], s["reps"], s["valid_reps"],
         s["body_weight_n"]) for s in sets]
    assert conn.execute("SELECT mat_source, force_source, simulated, ended_at IS NOT NULL "
                        "FROM sessions").fetchall() == [("simulated", "simulated", 1, 1)]


def test_the_log_holds_the_reps_the_run_printed_with_their_landings(logged_run):
    _, printed, conn = logged_run
    contacts = {e["index"]: e for e in printed if e["type"] == "contact"}
    reps = [e for e in printed if e["type"] == "rep"]
    rows = conn.execute("SELECT rep_index, back_flight_s, rebound_contact_s, forward_flight_s, rsi, "
                        "landing_peak_force_n, loading_rate_bw_per_s, softness, rating, valid, reason "
                        "FROM reps ORDER BY id").fetchall()
    assert len(reps) >= 15

    def expected(rep):
        rebound = contacts[rep["rebound_contact"]]
        landing = rebound["landing"]
        return (rep["index"], rep["back_flight_s"], rep["rebound_contact_s"], rep["forward_flight_s"],
                rebound["rsi"], landing["peak_force_n"], landing["loading_rate_bw_per_s"],
                landing["softness"], landing["rating"], rep["valid"], rep["reason"])

    assert [(i, rounded(b), rounded(c), rounded(f), rounded(r, 4), p, lr, s, rt, bool(v), why)
            for i, b, c, f, r, p, lr, s, rt, v, why in rows] == [expected(rep) for rep in reps]


def test_the_log_holds_the_contacts_and_flights_the_run_printed(logged_run):
    _, printed, conn = logged_run
    contacts = [e for e in printed if e["type"] == "contact"]
    rows = conn.execute("SELECT contact_index, start_s, end_s, zone, rsi, peak_force_bw, rating "
                        "FROM contacts ORDER BY id").fetchall()
    assert [(i, rounded(s), rounded(e), z, rounded(r, 4), bw, rt) for i, s, e, z, r, bw, rt in rows] == [
        (c["index"], c["start_s"], c["end_s"], c["zone"], c["rsi"],
         c["landing"] and c["landing"]["peak_force_bw"], c["landing"] and c["landing"]["rating"])
        for c in contacts]
    flights = [e for e in printed if e["type"] == "flight"]
    rows = conn.execute("SELECT flight_index, takeoff_s, landing_s, direction, displacement_m "
                        "FROM flights ORDER BY id").fetchall()
    assert [(i, rounded(t), rounded(l), d, rounded(m, 3)) for i, t, l, d, m in rows] == [
        (f["index"], f["takeoff_s"], f["landing_s"], f["direction"], f["displacement_m"]) for f in flights]


def test_the_run_keeps_each_sets_raw_readings(logged_run):
    data_dir, printed, conn = logged_run
    paths = [p for (p,) in conn.execute("SELECT recording_path FROM sets ORDER BY id")]
    for path in paths:
        recording = read_recording(data_dir / path)
        assert recording.plate_depth_m == 0.9 and recording.metadata["simulated"] == "yes"
    analysed = station("analyse", data_dir / paths[0], "--json")
    reps = [e for e in json_lines(analysed.stdout) if e["type"] == "rep"]
    live = [e for e in printed if e["type"] == "rep" and e["set"] == 1]
    assert [r["rebound_contact_s"] for r in reps] == pytest.approx(
        [r["rebound_contact_s"] for r in live], abs=2e-6)


def test_a_replay_is_logged_as_a_replay(tmp_path, logged_run):
    data_dir, _, conn = logged_run
    path = conn.execute("SELECT recording_path FROM sets ORDER BY id").fetchone()[0]
    result = station("run", "--replay", data_dir / path, "--headless", "--speed", "50",
                     "--data-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    replayed = sqlite3.connect(tmp_path / DB_FILE)
    assert replayed.execute("SELECT mat_source, force_source, simulated FROM sessions").fetchall() == [
        ("replay", "replay", 1)]
    printed_reps = sum(e["type"] == "rep" for e in json_lines(result.stdout))
    assert replayed.execute("SELECT count(*) FROM reps").fetchone()[0] == printed_reps > 0
    replayed.close()


def set_aside_files(folder, why):
    return sorted(folder.glob(f"station-{why}-*.db"))


def test_a_damaged_log_is_set_aside_and_the_run_keeps_its_reps_in_a_new_one(tmp_path):
    first = station("run", "--simulate", "--headless", "--speed", "50", "--duration", "20",
                    "--data-dir", tmp_path)
    assert first.returncode == 0, first.stderr
    damaged = (tmp_path / DB_FILE).read_bytes()[:8192]
    (tmp_path / DB_FILE).write_bytes(damaged)
    result = station("run", "--simulate", "--headless", "--speed", "50", "--duration", "20",
                     "--data-dir", tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    [moved] = set_aside_files(tmp_path, "damaged")
    assert moved.read_bytes() == damaged
    assert f"set aside as {moved}" in result.stderr and "a new log was started" in result.stderr
    printed = sum(e["type"] == "rep" for e in json_lines(result.stdout))
    conn = sqlite3.connect(tmp_path / DB_FILE)
    assert conn.execute("SELECT count(*) FROM reps").fetchone()[0] == printed > 0
    conn.close()
    doctor = station("doctor", "--data-dir", tmp_path)
    assert f"session log: {moved} was set aside (damaged)" in doctor.stdout


def damaged_with_its_wal(folder):
    """A log cut off by a power cut: rows still in its WAL (and the SHM
    beside it), then a failing card's garbage in the middle of the file."""
    conn = new_log(folder / DB_FILE)
    conn.close()
    live = open_log(folder)   # WAL mode; the first run's rows are still in the WAL while it is open
    fill_log(live, [f"A{i}" for i in range(6)], sessions=10, sets_per_athlete=5, reps_per_set=10)
    cut = folder / "cut"
    cut.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(folder / f"{DB_FILE}{suffix}", cut / f"{DB_FILE}{suffix}")
    live.close()
    overwrite_middle(cut / DB_FILE)
    return cut


def test_a_log_damaged_in_the_middle_is_set_aside_with_its_wal_and_shm(tmp_path):
    folder = damaged_with_its_wal(tmp_path)
    before = {suffix: (folder / f"{DB_FILE}{suffix}").read_bytes() for suffix in ("", "-wal")}
    assert (folder / f"{DB_FILE}-shm").exists() and before["-wal"]
    result = station("run", "--simulate", "--headless", "--speed", "50", "--duration", "20",
                     "--data-dir", folder)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    [moved] = set_aside_files(folder, "damaged")
    assert f"set aside as {moved}" in result.stderr
    assert moved.read_bytes() == before[""]
    assert Path(f"{moved}-wal").read_bytes() == before["-wal"]
    assert Path(f"{moved}-shm").exists()
    printed = sum(e["type"] == "rep" for e in json_lines(result.stdout))
    conn = sqlite3.connect(folder / DB_FILE)
    assert conn.execute("SELECT count(*) FROM reps").fetchone()[0] == printed > 0
    conn.close()


def test_the_kiosk_shows_a_banner_when_its_log_was_set_aside(tmp_path, video, monkeypatch):
    from station.cli import main
    from station.kiosk import app as kiosk_app
    fill_log(new_log(tmp_path / DB_FILE), [f"A{i}" for i in range(6)], sessions=10,
             sets_per_athlete=5, reps_per_set=10)
    overwrite_middle(tmp_path / DB_FILE)
    opened = []
    open_app = kiosk_app.open_app
    monkeypatch.setattr(kiosk_app, "open_app", lambda *a, **k: opened.append(open_app(*a, **k)) or opened[-1])
    assert main(["run", "--simulate", "--speed", "20", "--duration", "3", "--data-dir", str(tmp_path)]) == 0
    [moved] = set_aside_files(tmp_path, "damaged")
    [app] = opened
    assert ("log", f"The session log was damaged: it was set aside as {moved} and a new log was "
                   "started; keep that file for recovery.") in app.board.shown_banners


def test_a_file_that_is_no_database_is_set_aside_whole(tmp_path):
    (tmp_path / DB_FILE).write_bytes(b"not a database\n" * 100)
    result = station("run", "--simulate", "--headless", "--speed", "50", "--duration", "5",
                     "--data-dir", tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    [moved] = set_aside_files(tmp_path, "damaged")
    assert moved.read_bytes() == b"not a database\n" * 100


def test_a_log_of_a_newer_station_is_set_aside_never_overwritten(tmp_path):
    from station.log.db import open_log
    from station.log.schema import MIGRATIONS
    conn = open_log(tmp_path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    newer = (tmp_path / DB_FILE).read_bytes()
    doctor = station("doctor", "--data-dir", tmp_path)
    assert "was written by a newer station" in doctor.stdout and "sets it aside" in doctor.stdout
    result = station("run", "--simulate", "--headless", "--speed", "50", "--duration", "5",
                     "--data-dir", tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    [moved] = set_aside_files(tmp_path, "newer")
    assert moved.read_bytes() == newer
    assert "written by a newer station and is not overwritten" in result.stderr
    again = sqlite3.connect(tmp_path / DB_FILE)
    assert again.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    again.close()


def test_set_aside_never_takes_an_existing_name(tmp_path):
    from station.log.set_aside import DAMAGED, set_aside
    (tmp_path / DB_FILE).write_bytes(b"one")
    first = set_aside(tmp_path, DAMAGED, now_s=1_800_000_000)
    (tmp_path / DB_FILE).write_bytes(b"two")
    second = set_aside(tmp_path, DAMAGED, now_s=1_800_000_000)
    assert first != second and first.read_bytes() == b"one" and second.read_bytes() == b"two"


def test_the_default_data_folder_comes_from_the_config_then_the_environment(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text(f'[storage]\ndata_dir = "{(tmp_path / "from-config").as_posix()}"\n')
    result = station("run", "--simulate", "--headless", "--speed", "50", "--duration", "5",
                     "--config", config)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-config" / DB_FILE).is_file()
    given = station("run", "--simulate", "--headless", "--speed", "50", "--duration", "5",
                    "--config", config, "--data-dir", tmp_path / "given")
    assert given.returncode == 0, given.stderr
    assert (tmp_path / "given" / DB_FILE).is_file()
