"""Tap-in in a real `station run --headless`: taps on a serial reader (a
pseudo-terminal the test writes to) pick who the sets are logged under."""

import csv
import os
import signal
import sqlite3
import tty
import pytest

from drop_jumps import drop_jumps
from station.identity.serial_decoder import rdm6300_frame
from station.sources.recording import write_recording
from station_process import Lines, start_station, station

ADA_TAG, BO_TAG = "0400A2B1C3", "0010662339"


@pytest.fixture
def reader_pty():
    master, slave = os.openpty()
    tty.setraw(slave)   # no echo while the station has not opened it yet
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def count(kind, lines):
    return sum(line["type"] == kind for line in lines)


def owners_by_set(lines):
    """Who each set should be under: the athlete of the last tap printed
    before its set_start (a tap during a set is printed in that set, and so
    counts from the next one)."""
    owner, owners = None, {}
    for line in lines:
        if line["type"] == "tap":
            owner = line["athlete"]
        elif line["type"] == "set_start":
            owners[line["index"]] = owner
    return owners


def test_two_taps_put_the_sets_before_and_after_the_second_under_two_athletes(tmp_path, reader_pty):
    master, port = reader_pty
    data = tmp_path / "data"
    for name, tag in (("Ada", ADA_TAG), ("Bo", BO_TAG)):
        assert station("athletes", "--data-dir", data, "add", name, "--tag", tag).returncode == 0
    process = start_station("run", "--simulate", "--headless", "--speed", 40, "--seed", 3,
                            "--data-dir", data, "--reader", f"serial:{port}")
    try:
        lines = Lines(process)
        # A card held on the reader repeats its frame: one tap, however long
        # the station takes to open the port.
        lines.until(lambda seen: count("tap", seen) == 1, between=lambda: os.write(master, rdm6300_frame(ADA_TAG)))
        first_tap = len(lines.seen)
        lines.until(lambda seen: count("set", seen[first_tap:]) >= 3)
        lines.until(lambda seen: count("tap", seen) == 2, between=lambda: os.write(master, b"0010662339\r\n"))
        second_tap = len(lines.seen)
        lines.until(lambda seen: count("set", seen[second_tap:]) >= 3)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        errors = process.stderr.read()
        printed = lines.rest()
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 0, errors
    taps = [line for line in printed if line["type"] == "tap"]
    assert [(t["athlete"], t["tag"]) for t in taps] == [("Ada", "400A2B1C3"), ("Bo", "10662339")]

    owners = owners_by_set(printed)
    assert "Ada" in owners.values() and "Bo" in owners.values()
    before = [i for i, who in owners.items() if who == "Ada"]
    after = [i for i, who in owners.items() if who == "Bo"]
    assert max(before) < min(after)
    with sqlite3.connect(data / "station.db") as conn:
        logged = dict(conn.execute("SELECT s.set_index, a.name FROM sets s "
                                   "LEFT JOIN athletes a ON a.id = s.athlete_id"))
    assert logged == owners

    stick = tmp_path / "stick"
    stick.mkdir()
    assert station("export", "--to", stick, "--data-dir", data).returncode == 0
    [folder] = stick.iterdir()
    rows = list(csv.DictReader((folder / "reps.csv").read_text("utf-8-sig").splitlines()))
    exported = {int(row["set_index"]): row["athlete"] or None for row in rows}
    assert exported and exported == {index: owners[index] for index in exported}
    assert {"Ada", "Bo"} <= set(exported.values())


def test_the_doctor_shows_the_last_runs_bad_reads(tmp_path, reader_pty):
    master, port = reader_pty
    data = tmp_path / "data"
    process = start_station("run", "--simulate", "--headless", "--speed", 40, "--data-dir", data,
                            "--reader", f"serial:{port}")
    try:
        lines = Lines(process)
        held = b"\x020400A2B1C3D5\x03" + rdm6300_frame(ADA_TAG)   # a bad checksum, then the card
        lines.until(lambda seen: count("tap", seen) == 1, between=lambda: os.write(master, held))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        lines.rest()
        process.stdout.close()
        process.stderr.close()
    assert [line["outcome"] for line in lines.seen if line["type"] == "tap"] == ["unknown"]
    doctor = station("doctor", "--data-dir", data)
    [line] = [line for line in doctor.stdout.splitlines() if "tag reader, last run" in line]
    assert f"serial reader at {port}" in line and " checksum)" in line and "bad reads" in line


def test_a_tapped_athletes_body_mass_rates_the_first_landing_of_their_next_set_before_its_weigh_in(
        tmp_path, reader_pty):
    master, port = reader_pty
    data = tmp_path / "data"
    assert station("athletes", "--data-dir", data, "add", "Ada", "--tag", ADA_TAG, "--mass", 68).returncode == 0
    recording = tmp_path / "drops.csv"
    write_recording(recording, drop_jumps(copies=10))
    process = start_station("run", "--replay", recording, "--headless", "--speed", 2,
                            "--data-dir", data, "--reader", f"serial:{port}")
    try:
        lines = Lines(process)
        lines.until(lambda seen: count("tap", seen) == 1, between=lambda: os.write(master, rdm6300_frame(ADA_TAG)))
    finally:
        printed = lines.rest(timeout_s=120.0)
        process.wait(timeout=60)
        errors = process.stderr.read()
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 0, errors
    tapped = next(i for i, line in enumerate(printed) if line["type"] == "tap")
    before = [line for line in printed[:tapped] if line["type"] == "landing"]
    assert all(line["landing"]["rating"] is None for line in before)   # nobody known: rated late
    start = next(line for line in printed[tapped:] if line["type"] == "set_start")
    in_set = [line for line in printed[printed.index(start):]
              if line.get("set") == start["index"] and line["type"] in ("landing", "body_weight")]
    first, weighed = in_set[0], next(line for line in in_set if line["type"] == "body_weight")
    assert first["type"] == "landing" and not first["late"] and first["landing"]["rating"] is not None
    assert first["landing"]["peak_force_bw"] == pytest.approx(first["landing"]["peak_force_n"] / (68 * 9.81),
                                                             abs=0.001)
    assert in_set.index(first) < in_set.index(weighed)
