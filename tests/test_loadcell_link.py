"""The host side of the load-cell front-end, against the device emulator.

Everything here runs the real serial driver (pyserial) on a real
pseudo-terminal; the emulator on the other side streams the simulated athlete
and keeps the truth of every frame it sent: the true host time of each sample
and its true force.
"""

import os
import threading
import time
import tty

import numpy as np
import pytest
from waiting import wait_until

from station.readings import BACK, FRONT, TWO_ZONES, ForceBlock, MatEdge
from station.sources.loadcell.emulator import EMULATED_CALIBRATION, DeviceEmulator
from station.sources.loadcell.link import UNPLUGGED, FrontEndLink
from station.sources.loadcell.protocol import FrameDecoder, Identity, Kind, encode
from station.sources.loadcell.source import LoadCellSource
from station.sources.simulated import simulate

#: The target: samples (and mat edges) on the host timeline within 1 ms, once
#: the clock fit has settled, which takes it about a second of frames.
TOLERANCE_S = 0.001
SETTLE_S = 1.0
#: Counts are rounded to 0.44 mN; nothing else stands between the truth and a reading.
FORCE_TOLERANCE_N = 0.01
POLL_S = 0.01


@pytest.fixture
def devices(closing):
    """Start emulators; every one is stopped after the test."""

    def start(**options):
        emulator = closing(DeviceEmulator(seed=options.pop("seed", 7), **options), "stop")
        emulator.start()
        return emulator

    return start


@pytest.fixture
def sources(closing):
    """Start load-cell sources; every one is closed after the test."""

    def start(path, speed=1.0, **options):
        source = closing(LoadCellSource(FrontEndLink(path, rate_hz=options.pop("rate_hz", 1000)),
                                        EMULATED_CALIBRATION, speed=speed, **options))
        source.start()
        return source

    return start


def pump(source, seconds):
    """Read the source as the main loop does, for ``seconds`` of wall time."""
    readings = []
    end_s = time.monotonic() + seconds
    while time.monotonic() < end_s:
        readings += source.read(float("inf"))
        time.sleep(POLL_S)
    return readings


def samples_of(readings):
    blocks = [reading for reading in readings if isinstance(reading, ForceBlock)]
    return (np.concatenate([block.time_s for block in blocks]),
            np.concatenate([block.fz_n for block in blocks]))


def against_truth(readings, emulator, source):
    """Each sample received next to the sample the emulator sent: a block is
    one frame (or the end of one), found among the frames sent within 20 ms
    by its forces, which are unique to a fraction of a newton. Returns the
    received times, their errors from the true times (s), and the force
    errors (N)."""
    truth = emulator.truth()
    sent_last_s = (np.array([sent.host_time_s[-1] for sent in truth]) - source.origin_s) * source.speed
    times, time_errors, force_errors = [], [], []
    for block in (reading for reading in readings if isinstance(reading, ForceBlock)):
        n = len(block.time_s)
        near = np.flatnonzero(np.abs(sent_last_s - block.time_s[-1]) < 0.02 * source.speed)
        sent = min((truth[k] for k in near), key=lambda sent: np.abs(sent.fz_n[-n:] - block.fz_n).max())
        true_s = (sent.host_time_s[-n:] - source.origin_s) * source.speed
        times.append(block.time_s)
        time_errors.append(block.time_s - true_s)
        force_errors.append(block.fz_n - sent.fz_n[-n:])
    return np.concatenate(times), np.concatenate(time_errors), np.concatenate(force_errors)


def test_samples_arrive_as_force_blocks_with_the_simulated_force(devices, sources):
    emulator = devices()
    source = sources(emulator.path)
    readings = pump(source, 2.0)
    time_s, time_error_s, force_error_n = against_truth(readings, emulator, source)
    assert len(time_s) > 1800
    assert np.abs(force_error_n).max() < FORCE_TOLERANCE_N
    assert np.abs(time_error_s[time_s > SETTLE_S]).max() < TOLERANCE_S
    assert source.status().connected and source.status().problem is None


def test_every_block_has_four_corners_that_add_up_to_the_total(devices, sources):
    source = sources(devices().path)
    blocks = [reading for reading in pump(source, 0.5) if isinstance(reading, ForceBlock)]
    assert blocks
    for block in blocks:
        assert block.corners_n.shape == (len(block.time_s), 4)
        np.testing.assert_allclose(block.corners_n.sum(axis=1), block.fz_n)


def test_identifies_the_device_then_sets_the_rate_and_starts(devices, sources):
    emulator = devices(rate_hz=1000)
    source = sources(emulator.path, rate_hz=2000)
    time_s, _ = samples_of(pump(source, 0.5))
    assert source.link.identity.name == "jumpmat-frontend"
    assert source.link.identity.serial == emulator.serial_number
    assert emulator.rate_hz == 2000
    assert np.median(np.diff(time_s)) == pytest.approx(0.0005, abs=0.00002)


def test_a_shared_origin_puts_the_samples_on_that_timeline(devices, sources):
    # As a GPIO mat opened 5 s before would have it.
    emulator = devices()
    source = sources(emulator.path, origin_s=time.monotonic() - 5.0)
    readings = pump(source, 1.5)
    time_s, time_error_s, _ = against_truth(readings, emulator, source)
    assert 5.0 < time_s[0] < 5.5
    assert np.abs(time_error_s[time_s > 5.0 + SETTLE_S]).max() < TOLERANCE_S


def test_readings_stop_at_until_and_the_rest_comes_later(devices, sources):
    source = sources(devices().path)
    time.sleep(0.5)
    first = source.read(0.2)
    rest = pump(source, 0.2)
    first_s, _ = samples_of(first)
    rest_s, _ = samples_of(rest)
    assert first_s.max() <= 0.2 < rest_s.min()
    assert np.all(np.diff(np.concatenate((first_s, rest_s))) > 0)


def test_corrupted_frames_are_counted_and_the_good_ones_still_arrive(devices, sources):
    emulator = devices(corrupt_every=7)
    source = sources(emulator.path)
    readings = pump(source, 1.5)
    time_s, time_error_s, force_error_n = against_truth(readings, emulator, source)
    status = source.status()
    assert status.crc_errors >= 15
    assert abs(status.crc_errors - emulator.corrupted_frames) <= 1
    assert np.abs(force_error_n).max() < FORCE_TOLERANCE_N
    assert np.abs(time_error_s[time_s > SETTLE_S]).max() < TOLERANCE_S


def test_dropped_frames_are_lost_and_leave_a_gap_of_their_length(devices, sources):
    emulator = devices(drop_every=10)
    source = sources(emulator.path)
    time_s, _ = samples_of(pump(source, 2.0))
    steps_s = np.diff(time_s)[time_s[1:] > SETTLE_S]
    gaps = steps_s > 0.0015
    # Ten samples never came: the step over the hole is eleven periods, and
    # no sample was made up to fill it.
    np.testing.assert_allclose(steps_s[gaps], 0.011, atol=0.0003)
    np.testing.assert_allclose(steps_s[~gaps], 0.001, atol=0.0003)
    assert source.status().lost_frames >= gaps.sum() >= 8
    assert abs(source.status().lost_frames - emulator.dropped_frames) <= 1


def test_tracks_a_100_ppm_drift_over_a_minute_of_device_time(devices, sources):
    # Twice as fast as real time: a minute of the device's clock in 30 s,
    # through the wrap of its clock. Every host latency then counts twice on
    # the athlete's timeline, so the errors are judged in host time (halved);
    # the fit settles in its first second of host time (2 s here).
    speed, settle_s = 2.0, 2.0
    emulator = devices(speed=speed, drift_ppm=100.0, device_start_us=(1 << 32) - 20_000_000)
    source = sources(emulator.path, speed=speed)
    readings = pump(source, 60.0 / speed)
    time_s, time_error_s, force_error_n = against_truth(readings, emulator, source)
    assert time_s[-1] > 59.0
    assert np.abs(force_error_n).max() < FORCE_TOLERANCE_N
    assert np.abs(time_error_s[time_s > settle_s]).max() / speed < TOLERANCE_S
    assert source.clock.drift_ppm == pytest.approx(100.0, abs=15.0)


def test_device_mat_edges_share_the_timeline_of_the_samples(devices, sources):
    # Athlete 3 starts jumping after 1.7 s; the clock fit has settled by 1 s.
    speed, settle_s, duration_s = 1.0, 1.0, 3.5
    emulator = devices(seed=3, zones=TWO_ZONES, speed=speed)
    source = sources(emulator.path, speed=speed, zones=TWO_ZONES)
    readings = pump(source, duration_s / speed)
    edges = [reading for reading in readings if isinstance(reading, MatEdge)]
    _, true_edges, _ = simulate(3, duration_s + 5.0, zones=TWO_ZONES, force=False)
    offset_s = (emulator.athlete_origin_s - source.origin_s) * speed
    assert {edge.zone for edge in edges} == {FRONT, BACK}
    # The edges since START, in order: a run of the true ones.
    nearest = min(range(len(true_edges)),
                  key=lambda k: abs(true_edges[k].time_s + offset_s - edges[0].time_s))
    start = min(range(max(nearest - 8, 0), nearest + 9),
                key=lambda k: max(abs(edge.time_s - true.time_s - offset_s)
                                  for edge, true in zip(edges, true_edges[k:])))
    pairs = list(zip(edges, true_edges[start:]))
    assert all((edge.zone, edge.contact) == (true.zone, true.contact) for edge, true in pairs)
    errors_s = [edge.time_s - true.time_s - offset_s for edge, true in pairs if edge.time_s > settle_s]
    assert len(errors_s) >= 4
    assert max(map(abs, errors_s)) < TOLERANCE_S


def test_unplug_then_replug_says_so_and_force_resumes_within_two_seconds(devices, sources):
    emulator = devices()
    source = sources(emulator.path)
    pump(source, 0.5)
    emulator.unplug()
    assert wait_until(lambda: not source.status().connected, 1.0)
    assert source.status().problem == UNPLUGGED
    pump(source, 0.5)
    emulator.replug()
    replugged_s = time.monotonic()
    assert wait_until(lambda: any(isinstance(reading, ForceBlock)
                                  for reading in source.read(float("inf"))), 2.0)
    assert time.monotonic() - replugged_s < 2.0
    status = source.status()
    assert status.connected and status.problem is None
    assert source.link.stats.reconnects == 1


def test_force_after_a_replug_is_on_the_right_times(devices, sources):
    emulator = devices(unplug_after_s=0.5, replug_after_s=0.3)
    source = sources(emulator.path)
    readings = pump(source, 3.0)
    time_s, time_error_s, force_error_n = against_truth(readings, emulator, source)
    hole = np.argmax(np.diff(time_s))
    resumed_s = time_s[hole + 1]
    assert np.diff(time_s)[hole] > 0.3
    assert np.abs(force_error_n).max() < FORCE_TOLERANCE_N
    # The device restarted its clock: the fit starts over and settles again.
    assert np.abs(time_error_s[time_s > resumed_s + SETTLE_S]).max() < TOLERANCE_S


def test_a_silent_device_gives_a_problem_and_nothing_breaks(devices, sources):
    source = sources(devices(silent=True).path)
    assert wait_until(lambda: source.status().problem is not None, 3.0)
    assert "does not answer" in source.status().problem
    assert not source.status().connected
    assert source.read(float("inf")) == []


def test_read_returns_at_once_while_the_device_is_silent(devices, sources):
    source = sources(devices(silent=True).path)
    durations_s = []
    for _ in range(100):
        started_s = time.perf_counter()
        source.read(float("inf"))
        durations_s.append(time.perf_counter() - started_s)
        time.sleep(0.002)
    assert max(durations_s) < 0.002


def test_a_missing_port_gives_a_problem_that_names_it(sources, tmp_path):
    source = sources(str(tmp_path / "ttyACM9"))
    assert wait_until(lambda: source.status().problem is not None, 1.0)
    assert str(tmp_path / "ttyACM9") in source.status().problem
    assert not source.status().connected


def test_another_device_on_the_port_is_refused(sources):
    master, slave = os.openpty()
    tty.setraw(slave)
    answered = threading.Event()

    def other_device():
        decoder = FrameDecoder()
        while not answered.is_set():
            try:
                data = os.read(master, 1024)
            except OSError:
                return
            for frame in decoder.feed(data):
                if frame.kind == Kind.IDENTIFY:
                    os.write(master, encode(Identity(0, "label-printer", {})))
                    answered.set()

    thread = threading.Thread(target=other_device, daemon=True)
    thread.start()
    try:
        source = sources(os.ttyname(slave))
        assert answered.wait(2.0)
        assert wait_until(lambda: source.status().problem is not None, 1.0)
        assert "label-printer" in source.status().problem
        assert not source.status().connected
    finally:
        os.close(master)
        os.close(slave)


def test_firmware_of_another_major_version_is_refused_with_what_to_do(devices, sources):
    emulator = devices()
    emulator.firmware = "0.9.2"
    source = sources(emulator.path)
    assert wait_until(lambda: source.status().problem is not None, 3)
    assert "runs firmware 0.9.2" in source.status().problem
    assert "hardware/firmware/README.md" in source.status().problem
    assert not source.status().connected


def test_a_stalled_loop_keeps_a_bounded_backlog_and_counts_what_it_drops(devices, sources, monkeypatch):
    import station.sources.loadcell.source as source_module
    monkeypatch.setattr(source_module, "MAX_BUFFERED_SAMPLES", 500)
    source = sources(devices().path)

    def stalled():
        source.read(-1.0)  # drains the link, hands nothing on
        return source.dropped_samples > 0
    assert wait_until(stalled, timeout_s=30.0)
    time_s, _ = samples_of(source.read(float("inf")))
    assert 0 < len(time_s) <= 500
    assert np.all(np.diff(time_s) > 0)


def test_link_errors_as_they_grow_become_the_device_problem(devices, sources):
    emulator = devices(corrupt_every=10)
    source = sources(emulator.path)

    def noisy():
        source.read(float("inf"))
        return source.problem is not None and "failed their check" in source.problem
    assert wait_until(noisy, timeout_s=30.0)
    assert source.problem.startswith("The load-cell link had trouble: ")
    assert source.link.stats.crc_errors > 0
    assert "check the USB cable" in source.problem
