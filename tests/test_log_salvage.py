"""A set's raw file cut short by a power cut is mended at the next start and reads again."""

import os
import signal
import sqlite3
import time

import pytest

from station.log.salvage import QUIET_S, salvage_cut_recordings
from station.sources.recording import read_recording
from station_process import json_lines, start_station, station
from test_log_run import read_until_reps

HEADER = "# recording format 1\ntime_s,front,back\n"


def cut_set(tmp_path, text, age_s=QUIET_S + 1):
    """A log with one set cut short whose raw file holds ``text``."""
    (tmp_path / "recordings").mkdir(exist_ok=True)
    path = tmp_path / "recordings" / "1-1.csv.partial"
    path.write_text(text)
    os.utime(path, (time.time() - age_s, time.time() - age_s))
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE sets (end_s REAL, recording_path TEXT)")
    conn.execute("INSERT INTO sets VALUES (NULL, 'recordings/1-1.csv.partial')")
    return conn, path


def test_a_half_written_last_line_is_cut_off(tmp_path):
    conn, path = cut_set(tmp_path, HEADER + "0.000,1,0\n0.412,0,0\n0.7")
    assert salvage_cut_recordings(conn, tmp_path) == 1
    assert path.read_text() == HEADER + "0.000,1,0\n0.412,0,0\n"


def test_a_file_ending_in_a_whole_line_is_left_as_it_is(tmp_path):
    conn, path = cut_set(tmp_path, HEADER + "0.000,1,0\n")
    assert salvage_cut_recordings(conn, tmp_path) == 0
    assert path.read_text() == HEADER + "0.000,1,0\n"


def test_a_file_written_to_just_now_may_belong_to_a_running_station_and_is_left_alone(tmp_path):
    conn, path = cut_set(tmp_path, HEADER + "0.000,1,0\n0.7", age_s=1.0)
    assert salvage_cut_recordings(conn, tmp_path) == 0
    assert path.read_text().endswith("0.7")


def test_a_missing_file_is_nothing_to_mend(tmp_path):
    conn, path = cut_set(tmp_path, HEADER)
    path.unlink()
    assert salvage_cut_recordings(conn, tmp_path) == 0


def test_after_a_power_cut_the_next_run_mends_the_set_and_analyse_reads_its_reps(tmp_path):
    process = start_station("run", "--simulate", "--headless", "--speed", "20", "--data-dir", tmp_path)
    try:
        printed = read_until_reps(process, 4)
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    conn = sqlite3.connect(tmp_path / "station.db")
    (relative,) = conn.execute("SELECT recording_path FROM sets WHERE end_s IS NULL").fetchone()
    conn.close()
    path = tmp_path / relative
    with open(path, "a") as file:  # the power went in the middle of a line
        file.write("12.34")
    os.utime(path, (time.time() - QUIET_S - 1,) * 2)

    restart = station("run", "--simulate", "--headless", "--duration", "1", "--data-dir", tmp_path)
    assert restart.returncode == 0, restart.stderr
    assert "1 raw recording(s) of sets cut short by a crash or a power cut were mended" in restart.stderr
    read_recording(path)  # no error: every line is whole
    analysed = station("analyse", path, "--json")
    assert analysed.returncode == 0, analysed.stderr
    found = [e for e in json_lines(analysed.stdout) if e["type"] == "rep"]
    cut_set_index = max(e["set"] for e in printed if e["type"] == "rep")
    before_kill = [e for e in printed if e["type"] == "rep" and e["set"] == cut_set_index]
    # Every rep of that set printed before the kill is in the file, and more
    # may be: the station ran on a little after the last line was read.
    assert len(found) >= len(before_kill) > 0
    for mine, theirs in zip(found, before_kill):
        assert mine["forward_flight_s"] == pytest.approx(theirs["forward_flight_s"], abs=2e-6)
        assert mine["rebound_contact_s"] == pytest.approx(theirs["rebound_contact_s"], abs=2e-6)
