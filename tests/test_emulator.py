"""The device emulator speaks hardware/PROTOCOL.md on a pseudo-terminal.

Each test opens the emulator's path with pyserial, as a host would, sends
commands and decodes what comes back.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import serial

from station.sources.loadcell.calibration import CELL_NAMES
from station.sources.loadcell.emulator import EMULATED_CALIBRATION, DeviceEmulator
from station.sources.loadcell.protocol import (
    COUNT_MAX, Command, FrameDecoder, Identity, Kind, MatEdgeFrame, Samples, Status, encode)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def emulator_with(closing):
    """Start emulators; every one is stopped after the test."""

    def start(**options):
        emulator = closing(DeviceEmulator(seed=options.pop("seed", 5), **options), "stop")
        emulator.start()
        return emulator

    return start


class Host:
    """A bare host: a pyserial port, a decoder, and a command counter."""

    def __init__(self, path):
        self.port = serial.Serial(path, timeout=0.05)
        self.decoder = FrameDecoder()
        self.sequence = 0

    def send(self, kind, rate_hz=None):
        self.port.write(encode(Command(self.sequence, kind, rate_hz)))
        self.sequence += 1

    def frames_for(self, seconds):
        frames = []
        end_s = time.monotonic() + seconds
        while time.monotonic() < end_s:
            frames += self.decoder.feed(self.port.read(4096))
        return frames

    def close(self):
        self.port.close()


@pytest.fixture
def host_of(closing):
    """Open bare hosts on emulators; every one is closed after the test."""
    return lambda emulator: closing(Host(emulator.path))


def of_kind(frames, kind):
    return [frame for frame in frames if isinstance(frame, kind)]


def test_identify_is_answered_with_identity_then_status(emulator_with, host_of):
    host = host_of(emulator_with())
    host.send(Kind.IDENTIFY)
    frames = host.frames_for(0.2)
    assert [type(frame) for frame in frames] == [Identity, Status]
    identity = frames[0]
    assert identity.name == "jumpmat-frontend"
    assert identity.fields["adc"] == "ADS131M04"
    assert not frames[1].streaming


def test_start_streams_ten_sample_frames_at_1_khz_on_consecutive_times(emulator_with, host_of):
    host = host_of(emulator_with())
    host.send(Kind.START)
    frames = host.frames_for(0.5)
    assert frames[0].streaming
    samples = of_kind(frames, Samples)
    assert len(samples) >= 40
    assert all(len(frame.counts) == 10 and frame.period_us == 1000 for frame in samples)
    starts_us = np.array([frame.device_time_us for frame in samples])
    assert np.all(np.diff(starts_us) == 10_000)
    assert np.all(np.diff([frame.sequence for frame in frames]) == 1)


def test_a_status_comes_every_second_while_streaming(emulator_with, host_of):
    host = host_of(emulator_with(speed=4.0))
    host.send(Kind.START)
    statuses = of_kind(host.frames_for(1.1), Status)[1:]
    assert len(statuses) == 4
    assert np.diff([status.device_time_us for status in statuses]) == pytest.approx(1e6, abs=2e4)


def test_set_rate_2000_gives_twenty_samples_a_frame_every_half_millisecond(emulator_with, host_of):
    emulator = emulator_with()
    host = host_of(emulator)
    host.send(Kind.SET_RATE, 2000)
    host.send(Kind.START)
    frames = host.frames_for(0.3)
    assert of_kind(frames, Status)[0].rate_hz == 2000
    samples = of_kind(frames, Samples)
    assert samples and all(len(frame.counts) == 20 and frame.period_us == 500 for frame in samples)


def test_a_rate_it_cannot_use_is_answered_with_the_unchanged_status(emulator_with, host_of):
    host = host_of(emulator_with())
    host.send(Kind.SET_RATE, 1500)
    frames = host.frames_for(0.2)
    assert len(frames) == 1 and frames[0].rate_hz == 1000


def test_stop_ends_the_stream_with_a_status_that_says_so(emulator_with, host_of):
    host = host_of(emulator_with())
    host.send(Kind.START)
    host.frames_for(0.2)
    host.send(Kind.STOP)
    frames = host.frames_for(0.2)
    assert isinstance(frames[-1], Status) and not frames[-1].streaming
    assert host.frames_for(0.2) == []


def test_counts_are_the_emulated_calibration_run_backwards(emulator_with, host_of):
    emulator = emulator_with()
    host = host_of(emulator)
    host.send(Kind.START)
    samples = of_kind(host.frames_for(0.3), Samples)
    truth = {sent.sequence: sent for sent in emulator.truth()}
    for frame in samples:
        force_n = EMULATED_CALIBRATION.to_newtons(frame.counts).sum(axis=1)
        np.testing.assert_allclose(force_n, truth[frame.sequence].fz_n, atol=0.01)


def test_a_stuck_cell_keeps_one_count_and_a_saturated_cell_reads_the_top(emulator_with, host_of):
    host = host_of(emulator_with(stuck_cell=CELL_NAMES[1], saturated_cell=CELL_NAMES[3]))
    host.send(Kind.START)
    counts = np.concatenate([frame.counts for frame in of_kind(host.frames_for(0.3), Samples)])
    assert np.ptp(counts[:, 1]) == 0
    assert np.all(counts[:, 3] == COUNT_MAX)
    assert np.ptp(counts[:, 0]) > 0


def test_every_nth_frame_is_corrupted_or_dropped(emulator_with, host_of):
    host = host_of(emulator_with(corrupt_every=5, drop_every=7))
    host.send(Kind.START)
    host.frames_for(0.6)
    assert host.decoder.stats.crc_errors >= 10
    assert host.decoder.stats.lost_frames >= 15  # a corrupted frame is lost too


def test_the_device_clock_wraps_and_runs_fast_by_its_drift(emulator_with, host_of):
    emulator = emulator_with(device_start_us=(1 << 32) - 200_000, drift_ppm=100.0)
    host = host_of(emulator)
    host.send(Kind.START)
    samples = of_kind(host.frames_for(0.5), Samples)
    starts_us = np.array([frame.device_time_us for frame in samples], dtype=np.int64)
    assert np.any(np.diff(starts_us) < 0)  # the wrap
    truth = {sent.sequence: sent for sent in emulator.truth()}
    first, last = samples[0], samples[-1]
    device_s = ((last.device_time_us - first.device_time_us) % (1 << 32)) * 1e-6
    host_s = truth[last.sequence].host_time_s[0] - truth[first.sequence].host_time_s[0]
    assert device_s / host_s - 1.0 == pytest.approx(100e-6, abs=2e-6)


def test_mat_edges_are_sent_with_their_zone(emulator_with, host_of):
    host = host_of(emulator_with(seed=3, zones=("front", "back"), speed=10.0))
    host.send(Kind.START)
    edges = of_kind(host.frames_for(1.0), MatEdgeFrame)
    assert {edge.zone for edge in edges} == {0, 1}


def test_a_silent_device_sends_nothing(emulator_with, host_of):
    host = host_of(emulator_with(silent=True))
    host.send(Kind.IDENTIFY)
    host.send(Kind.START)
    assert host.port.read(100) == b""


def test_unplug_fails_the_open_port_and_replug_brings_a_new_one_behind_the_path(emulator_with, host_of):
    emulator = emulator_with()
    host = host_of(emulator)
    emulator.unplug()
    with pytest.raises(serial.SerialException):
        for _ in range(20):  # the kernel hangs the port up a moment later
            host.port.read(1)
    assert not os.path.exists(emulator.path)
    emulator.replug()
    assert os.path.exists(emulator.path)
    again = host_of(emulator)
    again.send(Kind.IDENTIFY)
    assert isinstance(again.frames_for(0.2)[0], Identity)


def test_the_plug_can_be_pulled_on_a_timer(emulator_with):
    emulator = emulator_with(unplug_after_s=0.2, replug_after_s=0.2)
    time.sleep(0.3)
    assert not os.path.exists(emulator.path)
    time.sleep(0.2)
    assert os.path.exists(emulator.path)


def test_simulate_device_prints_a_path_that_answers_and_stops_on_ctrl_c(tmp_path):
    link = tmp_path / "frontend"
    harness = ("import argparse, sys\n"
               "from station.commands.simulate_device import add_parser, simulate_device\n"
               "parser = argparse.ArgumentParser(prog='station')\n"
               "add_parser(parser.add_subparsers())\n"
               "sys.exit(simulate_device(parser.parse_args(sys.argv[1:])))\n")
    child = subprocess.Popen([sys.executable, "-c", harness, "simulate-device", "--seed", "2",
                              "--link", str(link), "--drop-every", "3"],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == str(link)
        with serial.Serial(str(link), timeout=0.5) as port:
            port.write(encode(Command(0, Kind.IDENTIFY)))
            frames = FrameDecoder().feed(port.read(150))
        assert isinstance(frames[0], Identity)
    finally:
        child.send_signal(signal.SIGINT)
        assert child.wait(5) == 0
    assert not link.exists()
