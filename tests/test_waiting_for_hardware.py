"""A kiosk whose sensors do not open keeps running, says why, and starts once they do."""

import os
import signal
import time

from station.commands.waiting import NoSensors, Started, open_started
from station.errors import UserError
from station.sources.athlete import SimulatedAthlete
from station.sources.chronopic_emulator import ChronopicEmulator
from station_process import start_station


class Opened:
    def __init__(self, fails_to_start=False):
        self.fails_to_start = fails_to_start
        self.closed = False

    def start(self):
        if self.fails_to_start:
            raise UserError("No Chronopic answered on /dev/ttyUSB0; check the cable.")
        return "the start"

    def close(self):
        self.closed = True


def test_sources_that_open_and_start_come_back_started_and_open_with_the_clock_at_their_start():
    source = Opened()
    assert open_started(lambda: source, clock=lambda: 42.5) == Started(source, "the start", 42.5)
    assert not source.closed


def test_a_source_that_will_not_open_gives_its_sentence():
    def refuse():
        raise UserError("No Chronopic at /dev/ttyUSB9: plug it in.")
    assert open_started(refuse) == "No Chronopic at /dev/ttyUSB9: plug it in."


def test_a_source_that_will_not_start_gives_its_sentence_and_is_closed():
    source = Opened(fails_to_start=True)
    assert open_started(lambda: source) == "No Chronopic answered on /dev/ttyUSB0; check the cable."
    assert source.closed


def test_the_placeholder_reads_nothing_and_names_the_problem():
    placeholder = NoSensors("No mat.")
    assert placeholder.start().contact_by_zone == {}
    assert placeholder.read(1e9) == [] and placeholder.end_s() is None
    assert placeholder.problem == "No mat."


def stop(process):
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def test_a_kiosk_with_its_sensor_missing_keeps_running_and_says_what_to_do(tmp_path):
    process = start_station("run", "--mat", f"chronopic:{tmp_path / 'ttyUSB-missing'}", "--force", "none",
                            "--size", "800x480", "--data-dir", tmp_path)
    time.sleep(3.0)
    assert process.poll() is None, "the kiosk exited instead of waiting for its sensor"
    returncode, out, err = stop(process)
    assert returncode == 0
    assert f"No Chronopic at {tmp_path / 'ttyUSB-missing'}: plug it in" in err
    assert "Trying again every 5 s." in err
    assert "Traceback" not in err


def test_a_sensor_plugged_in_while_waiting_starts_the_run(tmp_path):
    port = tmp_path / "ttyUSB0"
    process = start_station("run", "--mat", f"chronopic:{port}", "--force", "none",
                            "--size", "800x480", "--data-dir", tmp_path)
    emulator = ChronopicEmulator(SimulatedAthlete(seed=1).phases(), speed=5.0)
    try:
        time.sleep(1.0)
        emulator.start()
        os.symlink(emulator.path, port)  # plugged in: the port appears
        # The run has started once the station logs it; its summary proves the loop ran.
        time.sleep(8.0)
        returncode, out, err = stop(process)
    finally:
        emulator.stop()
    assert returncode == 0, err
    assert "the hardware opened; starting" in err
    assert out.strip().startswith("Total:")
