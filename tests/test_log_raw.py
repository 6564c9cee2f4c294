"""Each set's raw readings as a recording beside the log: the file finds the
reps the run found, and old files give way when the disk fills up."""

import itertools
import logging

import pytest

from station.analysis.events import Rep
from station.analysis.pipeline import Pipeline, analyse
from station.app import StationLoop
from station.log.db import open_log
from station.log.raw import PRE_ROLL_S
from station.log.writer import SessionLog
from station.readings import ONE_ZONE, TWO_ZONES
from station.sources.athlete import SimulatedAthlete
from station.sources.choose import ForceOnly
from station.sources.recording import RecordingSource, read_recording
from station.sources.simulated import SimulatedSource

MB = 2**20


class Disk:
    """A free-space probe a test can turn: ``free_mb`` is what the disk reports."""

    def __init__(self, free_mb):
        self.free_mb = free_mb
        self.probed = []

    def __call__(self, folder):
        self.probed.append(folder)
        return int(self.free_mb * MB)


def run_logged(data_dir, source, duration_s, disk=None, min_free_mb=500, step_s=0.02):
    """A live run (``step_s`` steps of a host clock) with the session log
    listening; the connection and every event shown."""
    conn = open_log(data_dir)
    log = SessionLog(conn, data_dir, "simulated", "simulated", simulated=True,
                     min_free_mb=min_free_mb, free_bytes=disk or Disk(10_000))
    shown = []

    def on_event(event):
        log.on_event(event)
        shown.append(event)

    loop = StationLoop(source, Pipeline(), on_event, duration_s=duration_s,
                       clock=itertools.count(0.0, step_s).__next__, on_readings=log.on_readings)
    log.record_raw(loop.mat_start, source.has_force)
    while loop.step():
        pass
    loop.finish()
    log.close()
    return conn, shown


def phase_times(reps):
    return [(r.valid, r.back_flight and r.back_flight.duration_s,
             r.rebound_contact and r.rebound_contact.duration_s,
             r.forward_flight and r.forward_flight.duration_s) for r in reps]


SOURCES = {
    "two zones and force": lambda: SimulatedSource(SimulatedAthlete(0), zones=TWO_ZONES),
    "one zone, no force": lambda: SimulatedSource(SimulatedAthlete(1), zones=ONE_ZONE, force=False),
    "force alone": lambda: ForceOnly(SimulatedSource(SimulatedAthlete(2))),
}


@pytest.mark.parametrize("kind", SOURCES)
def test_each_sets_recording_finds_the_reps_the_run_found(tmp_path, kind):
    conn, shown = run_logged(tmp_path, SOURCES[kind](), 60.0)
    sets = conn.execute("SELECT set_index, recording_path FROM sets ORDER BY id").fetchall()
    assert len(sets) >= 2
    for set_index, relative in sets:
        assert relative == f"recordings/1-{set_index}.csv"
        found = [e for e in analyse(RecordingSource(read_recording(tmp_path / relative)))
                 if isinstance(e, Rep)]
        live = [e for e in shown if isinstance(e, Rep) and e.set_index == set_index]
        assert len(live) >= 5 and len(found) == len(live)
        for file_rep, live_rep in zip(phase_times(found), phase_times(live)):
            # The file keeps times to the microsecond.
            assert file_rep == pytest.approx(live_rep, abs=2e-6)


@pytest.mark.parametrize("step_s", [0.003, 0.25])
def test_the_recording_is_the_same_however_the_readings_came(tmp_path, step_s):
    run_logged(tmp_path / "even", SimulatedSource(SimulatedAthlete(0)), 45.0)
    run_logged(tmp_path / "other", SimulatedSource(SimulatedAthlete(0)), 45.0, step_s=step_s)
    for name in ("1-1.csv", "1-2.csv"):
        even = read_recording(tmp_path / "even" / "recordings" / name)
        other = read_recording(tmp_path / "other" / "recordings" / name)
        # Files start a second before the set, which is announced at the first
        # step after it is known, and end at the step that ends it.
        overlap = (max(even.time_s[0], other.time_s[0]), min(even.time_s[-1], other.time_s[-1]))
        rows = [(r.time_s >= overlap[0]) & (r.time_s <= overlap[1]) for r in (even, other)]
        assert rows[0].sum() > 10_000
        assert (even.time_s[rows[0]] == other.time_s[rows[1]]).all()
        assert (even.mat["back"][rows[0]] == other.mat["back"][rows[1]]).all()
        assert even.corners_n[rows[0]] == pytest.approx(other.corners_n[rows[1]], nan_ok=True)


def test_a_recording_starts_before_its_set_with_the_levels_of_then(tmp_path):
    conn, shown = run_logged(tmp_path, SimulatedSource(SimulatedAthlete(0)), 60.0)
    start_s, relative = conn.execute(
        "SELECT start_s, recording_path FROM sets WHERE set_index = 2").fetchone()
    recording = read_recording(tmp_path / relative)
    assert recording.time_s[0] == pytest.approx(start_s - PRE_ROLL_S, abs=1e-6)
    assert not recording.mat["front"][0] and not recording.mat["back"][0]  # nobody on the mat yet
    assert recording.metadata["simulated"] == "yes"
    assert recording.corners_n is not None


def test_a_set_still_going_is_a_partial_file_named_in_its_row(tmp_path):
    conn = open_log(tmp_path)
    log = SessionLog(conn, tmp_path, "simulated", "simulated", simulated=True, free_bytes=Disk(10_000))
    source = SimulatedSource(SimulatedAthlete(0))
    loop = StationLoop(source, Pipeline(), log.on_event, duration_s=10.0,
                       clock=itertools.count(0.0, 0.02).__next__, on_readings=log.on_readings)
    log.record_raw(loop.mat_start, source.has_force)
    while loop.step():
        pass  # the run is never finished: as if the power went
    relative, end_s = conn.execute("SELECT recording_path, end_s FROM sets").fetchone()
    assert relative == "recordings/1-1.csv.partial" and end_s is None
    assert (tmp_path / relative).stat().st_size > 0
    assert not (tmp_path / "recordings" / "1-1.csv").exists()


def test_a_full_disk_deletes_the_oldest_recordings_first_and_keeps_every_row(tmp_path, caplog):
    disk = Disk(10_000)
    for _ in range(3):
        run_logged(tmp_path, SimulatedSource(SimulatedAthlete(0)), 45.0, disk)
    conn = open_log(tmp_path)
    counts = conn.execute("SELECT (SELECT count(*) FROM sets), (SELECT count(*) FROM reps)").fetchone()
    paths = [p for (p,) in conn.execute("SELECT recording_path FROM sets ORDER BY id")]
    assert len(paths) == 6 and all((tmp_path / p).is_file() for p in paths)
    deleted = []

    def probe(folder):
        # Each deleted recording frees 200 MB; 400 MB are free at first.
        deleted[:] = [p for p in paths if not (tmp_path / p).exists()]
        return (400 + 200 * len(deleted)) * MB

    with caplog.at_level(logging.WARNING, logger="station"):
        run_logged(tmp_path, SimulatedSource(SimulatedAthlete(0)), 45.0, probe, min_free_mb=500)
    assert deleted == paths[:1]  # the oldest went, and enough was free after it
    kept = [p for (p,) in conn.execute("SELECT recording_path FROM sets ORDER BY id")]
    assert kept[0] is None and kept[1:6] == paths[1:]
    assert all(p is not None for p in kept[6:])
    assert conn.execute("SELECT (SELECT count(*) FROM sets), (SELECT count(*) FROM reps)").fetchone() == (
        counts[0] * 4 // 3, counts[1] * 4 // 3)
    assert not caplog.records


def test_with_too_little_space_even_without_old_files_raw_recording_stops_and_reps_go_on(tmp_path, caplog):
    disk = Disk(10_000)
    run_logged(tmp_path, SimulatedSource(SimulatedAthlete(0)), 45.0, disk)
    disk.free_mb = 100
    with caplog.at_level(logging.WARNING, logger="station"):
        conn, shown = run_logged(tmp_path, SimulatedSource(SimulatedAthlete(0)), 45.0, disk)
    assert [r.getMessage() for r in caplog.records] == [
        f"less than 500 MB is free under {tmp_path}, even without old raw recordings; "
        "raw recordings stop for this run, reps are still logged."]
    assert conn.execute("SELECT count(*) FROM sets WHERE recording_path IS NOT NULL").fetchone() == (0,)
    assert list((tmp_path / "recordings").iterdir()) == []
    reps = conn.execute("SELECT count(*) FROM reps JOIN sets ON reps.set_id = sets.id "
                        "WHERE sets.session_id = 2").fetchone()[0]
    assert reps == sum(isinstance(e, Rep) for e in shown) > 10


def test_space_running_out_during_a_set_stops_its_recording_and_keeps_the_rows(tmp_path, caplog):
    run_logged(tmp_path, SimulatedSource(SimulatedAthlete(0)), 45.0, Disk(10_000))
    conn = open_log(tmp_path)
    old = [p for (p,) in conn.execute("SELECT recording_path FROM sets ORDER BY id")]
    probes = []

    def probe(folder):
        probes.append(folder)
        # Room at the two sets' starts; the check after the first megabyte,
        # in the second set, finds too little.
        return 10_000 * MB if len(probes) <= 2 else 100 * MB

    with caplog.at_level(logging.WARNING, logger="station"):
        conn, shown = run_logged(tmp_path, SimulatedSource(SimulatedAthlete(0)), 60.0, probe)
    assert len(probes) > 3 and caplog.records[0].getMessage().startswith("less than 500 MB is free")
    assert not any((tmp_path / p).exists() for p in old)
    paths = [p for (p,) in conn.execute("SELECT recording_path FROM sets WHERE session_id = 2 ORDER BY id")]
    # The finished set's file went too; the one being written was kept, cut
    # short; the set after it has none.
    assert paths == [None, "recordings/2-2.csv.partial", None]
    assert (tmp_path / paths[1]).is_file()
    assert conn.execute("SELECT count(*) FROM reps JOIN sets ON reps.set_id = sets.id "
                        "WHERE session_id = 2").fetchone()[0] == sum(isinstance(e, Rep) for e in shown)
