"""`station run` on emulated hardware: a Chronopic and the load-cell
front-end, each on a real pseudo-terminal, read by the real drivers in a
child process, checked against the simulated athlete's truth."""

import itertools

import pytest

from station_process import json_lines, station
from station.sources.athlete import SimulatedAthlete
from station.sources.chronopic_emulator import ChronopicEmulator
from station.sources.loadcell.calibration import save_calibration, calibration_path
from station.sources.loadcell.emulator import EMULATED_CALIBRATION, DeviceEmulator

RUN_S = 20
TICK_S = 8e-6


def true_flights_s(seed, until_s):
    return [p.duration_s for p in true_phases(seed, until_s) if p.kind == "flight"]


def run_headless(*options):
    """The events `station run --headless` prints in RUN_S."""
    result = station("run", "--headless", *options, "--duration", RUN_S, timeout=RUN_S + 60)
    assert result.returncode == 0, result.stderr
    return json_lines(result.stdout)


def aligned(found_s, truth_s, tolerance_s):
    """The shift k with found[i] == truth[i + k] within tolerance for all i
    (the run may start a few flights into the athlete's session), or None."""
    for shift in range(0, 6):
        pairs = list(zip(found_s, truth_s[shift:]))
        if len(pairs) == len(found_s) and all(abs(a - b) <= tolerance_s for a, b in pairs):
            return shift
    return None


def test_a_chronopic_times_every_flight_to_the_tick(closing):
    seed = 3
    emulator = closing(ChronopicEmulator(SimulatedAthlete(seed).phases()), "stop")
    emulator.start()
    events = run_headless("--mat", f"chronopic:{emulator.path}", "--force", "none")
    found = [e["duration_s"] for e in events if e["type"] == "flight"]
    assert len(found) >= 10
    truth = [round(d / TICK_S) * TICK_S for d in true_flights_s(seed, RUN_S + 30)]
    assert aligned(found, truth, 0.0001 + TICK_S) is not None
    # The contacts between flights (rebounds among them) to the tick as well.
    contacts = [e["duration_s"] for e in events if e["type"] == "contact" and e["rsi"] is not None]
    phases = true_phases(seed, RUN_S + 30)
    true_contacts = [round(p.duration_s / TICK_S) * TICK_S for p, after in zip(phases, phases[1:])
                     if p.kind == "contact" and p.landed and after.kind == "flight"]
    assert len(contacts) >= 8
    assert aligned(contacts, true_contacts, 0.0001 + TICK_S) is not None


def test_the_load_cell_front_end_times_flights_from_force_within_3_ms(tmp_path, closing):
    seed = 4
    save_calibration(calibration_path(tmp_path), EMULATED_CALIBRATION)
    emulator = closing(DeviceEmulator(seed=seed), "stop")
    emulator.start()
    events = run_headless("--mat", "none", "--force", f"frontend:{emulator.path}", "--data-dir", tmp_path)
    found = [e["duration_s"] for e in events if e["type"] == "flight"]
    assert len(found) >= 10
    assert aligned(found, true_flights_s(seed, RUN_S + 30), 0.003) is not None
    # A contact the run's end cut short has only the start of its landing
    # (when the athlete steps on just before the end depends on how long the
    # station took to start): judge the landings of whole contacts.
    landings = [e["landing"] for e in events
                if e["type"] == "contact" and e["landing"] and e["end_s"] is not None]
    assert landings and all(l["peak_force_n"] > 500 for l in landings)


def test_an_unplugged_chronopic_is_one_plain_sentence(tmp_path):
    result = station("run", "--headless", "--mat", f"chronopic:{tmp_path / 'ttyUSB9'}", "--force", "none",
                     "--duration", 1)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_simulated_mat_cannot_be_mixed_with_real_load_cells():
    result = station("run", "--headless", "--mat", "simulated", "--force", "frontend", "--duration", 1)
    assert result.returncode == 2
    assert "simulated source" in result.stderr


def run_loop_on_emulator(seed, zones, duration_s=20):
    """The station's own loop and pipeline reading an emulated front-end."""
    import time
    from station.analysis.pipeline import Pipeline
    from station.app import StationLoop
    from station.sources.loadcell.link import FrontEndLink
    from station.sources.loadcell.source import LoadCellSource
    emulator = DeviceEmulator(seed=seed, zones=zones)
    emulator.start()
    events = []
    try:
        source = LoadCellSource(FrontEndLink(emulator.path), EMULATED_CALIBRATION, zones=zones)
        loop = StationLoop(source, Pipeline(), events.append, duration_s=duration_s)
        while loop.step():
            time.sleep(0.01)
        loop.finish()
    finally:
        emulator.stop()
    return events


def true_phases(seed, until_s):
    return list(itertools.takewhile(lambda p: p.start_s < until_s, SimulatedAthlete(seed).phases()))


def test_through_the_emulated_front_end_mat_force_and_direction_match_the_truth():
    from station.analysis.events import Contact, Flight
    seed = 6
    events = run_loop_on_emulator(seed, ("front", "back"))
    flights = [e for e in events if isinstance(e, Flight)]
    truth = true_phases(seed, 60)
    true_flights = [p for p in truth if p.kind == "flight"]
    shift = aligned([f.duration_s for f in flights], [p.duration_s for p in true_flights], 0.002)
    assert shift is not None and len(flights) >= 10
    # One offset puts the station's timeline on the athlete's: every edge within 2 ms.
    offset_s = flights[0].takeoff_s - true_flights[shift].start_s
    for flight, real in zip(flights, true_flights[shift:]):
        assert flight.takeoff_s - offset_s == pytest.approx(real.start_s, abs=0.002)
        assert flight.landing_s - offset_s == pytest.approx(real.end_s, abs=0.002)
        assert flight.direction == real.direction
    landed = {round(p.start_s, 2): p for p in truth if p.kind == "contact" and p.landed}
    checked = 0
    for contact in (e for e in events if isinstance(e, Contact) and e.landing and e.start_s):
        real = landed.get(round(contact.start_s - offset_s, 2))
        if real is not None:
            assert contact.landing["peak_force_n"] == pytest.approx(real.peak_force_n, rel=0.05)
            checked += 1
    assert checked >= 8
