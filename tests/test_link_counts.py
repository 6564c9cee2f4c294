"""Every count of the load-cell link reaches the kiosk's device banner, the
running station's status file and `station doctor`, and a headless run says
when one grows. The faults come from the front-end emulator on a real
pseudo-terminal, read by the real link and source."""

import pytest
from waiting import wait_until

from station.commands.doctor import check_device_counts
from station.service.checks import NOTE, OK
from station.sources.device_status import DeviceStatus, read_device_status
from station.sources.loadcell import link as link_module
from station.sources.loadcell.calibration import calibration_path, save_calibration
from station.sources.loadcell.emulator import EMULATED_CALIBRATION, DeviceEmulator
from station.sources.loadcell.link import FrontEndLink
from station.sources.loadcell.link_faults import FAULTS
from station.sources.loadcell.source import LINK_ERRORS, LoadCellSource
from station_process import Lines, start_station, station

#: A loaded machine: the emulator, the link's thread and the test share two cores.
TIMEOUT_S = 30.0


@pytest.fixture
def front_end(closing):
    emulator = closing(DeviceEmulator(seed=7), "stop")
    emulator.start()
    source = closing(LoadCellSource(FrontEndLink(emulator.path), EMULATED_CALIBRATION))
    source.start()
    assert wait_until(lambda: source.status().connected, TIMEOUT_S)
    return emulator, source


def banner_says(source, words):
    """The main loop's part: read, then ask for the device problem (the banner)."""
    source.read(float("inf"))
    return source.problem is not None and words in source.problem


@pytest.mark.parametrize("fault, count", [*FAULTS.items(), ("overflows", "overflows")])
def test_each_link_count_reaches_the_banner_the_status_file_and_the_doctor(front_end, tmp_path,
                                                                             fault, count):
    emulator, source = front_end
    status = DeviceStatus(tmp_path, source)
    status.update()
    emulator.inject(fault)
    words = LINK_ERRORS[count]
    assert wait_until(lambda: banner_says(source, words), TIMEOUT_S)
    assert source.problem.startswith("The load-cell link had trouble: ")
    [(device, grown)] = status.update(final=True)
    assert device.device == "load-cell front-end" and grown[count] >= 1
    [written] = read_device_status(tmp_path)["devices"]
    assert written.counts[count] == device.counts[count]
    [(kind, line)] = check_device_counts(tmp_path)
    assert kind == NOTE and line.startswith("load-cell front-end, last run (since ")
    assert f"{device.counts[count]} {words}" in line


def test_frames_the_station_could_not_keep_up_with_reach_the_banner(closing, monkeypatch, tmp_path):
    monkeypatch.setattr(link_module, "QUEUE_FRAMES", 20)
    emulator = closing(DeviceEmulator(seed=7), "stop")
    emulator.start()
    source = closing(LoadCellSource(FrontEndLink(emulator.path), EMULATED_CALIBRATION))
    source.start()
    assert wait_until(lambda: source.link.stats.dropped > 0, TIMEOUT_S)  # nobody reads
    assert wait_until(lambda: banner_says(source, LINK_ERRORS["dropped"]), TIMEOUT_S)
    status = DeviceStatus(tmp_path, source)
    status.update(final=True)
    [(_, line)] = check_device_counts(tmp_path)
    assert LINK_ERRORS["dropped"] in line


def test_a_device_with_no_trouble_is_an_ok_line(front_end, tmp_path):
    _, source = front_end
    DeviceStatus(tmp_path, source).update()
    [(kind, line)] = check_device_counts(tmp_path)
    assert kind == OK and line.startswith("load-cell front-end, running station (since ")
    assert line.endswith(": no trouble")


def test_no_status_file_is_no_line(tmp_path):
    assert check_device_counts(tmp_path) == []


def test_a_headless_run_says_a_grown_count_and_the_doctor_shows_it_while_it_runs(closing, tmp_path):
    save_calibration(calibration_path(tmp_path), EMULATED_CALIBRATION)
    emulator = closing(DeviceEmulator(seed=4), "stop")
    emulator.start()
    process = start_station("run", "--headless", "--mat", "none", "--force", f"frontend:{emulator.path}",
                            "--data-dir", tmp_path)
    try:
        lines = Lines(process)
        lines.until(lambda seen: any(line["type"] == "device_counts" for line in seen),
                    between=lambda: emulator.inject("garbage"))
        doctor = station("doctor", "--data-dir", tmp_path)
    finally:
        process.terminate()
        process.wait(timeout=60)
        lines.rest()
        process.stdout.close()
        process.stderr.close()
    [said, *_] = [line for line in lines.seen if line["type"] == "device_counts"]
    assert said["device"] == "load-cell front-end" and said["grown"]["discarded_bytes"] >= 8
    assert said["counts"]["discarded_bytes"] >= said["grown"]["discarded_bytes"]
    assert said["said"].endswith("bytes that were in no frame")
    [running] = [line for line in doctor.stdout.splitlines() if "load-cell front-end, running station" in line]
    assert "bytes that were in no frame" in running
    [last] = check_device_counts(tmp_path)
    assert "load-cell front-end, last run" in last[1]
