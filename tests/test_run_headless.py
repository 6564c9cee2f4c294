"""`station run --simulate --headless` against the simulated athlete's truth."""

import signal

import pytest

from station_process import json_lines, start_station, station
from station.readings import ONE_ZONE, TWO_ZONES
from station.sources.athlete import true_reps
from station.sources.simulated import simulate

TOLERANCE_S = 0.002
DURATION_S = 240
#: A landing is believed once the contact after it lasted min_contact_s and
#: its bounce window passed; one closer to the end of the run stays unknown.
UNDECIDED_S = 0.050 + 0.005


def truth(seed, zones):
    _, _, phases = simulate(seed, DURATION_S, zones=zones, force=False)
    return [p for p in phases if p.end_s <= DURATION_S - UNDECIDED_S]


def printed(seed, zones):
    result = station("run", "--simulate", "--headless", "--speed", 200, "--duration", DURATION_S,
                     "--seed", seed, "--zones", len(zones))
    assert result.returncode == 0, result.stderr
    return json_lines(result.stdout)


@pytest.mark.parametrize("seed, zones", [(1, TWO_ZONES), (2, TWO_ZONES), (3, ONE_ZONE)])
def test_every_true_rep_is_found_within_2_ms_and_no_extra_one(seed, zones):
    events = printed(seed, zones)
    reps = [e for e in events if e["type"] == "rep"]
    valid = [r for r in reps if r["valid"]]
    expected = [r for r in true_reps(truth(seed, zones)) if r.valid]
    assert len(valid) == len(expected)
    for found, real in zip(valid, expected):
        assert found["back_flight_s"] == pytest.approx(real.back_flight.duration_s, abs=TOLERANCE_S)
        assert found["rebound_contact_s"] == pytest.approx(real.rebound_contact.duration_s, abs=TOLERANCE_S)
        assert found["forward_flight_s"] == pytest.approx(real.forward_flight.duration_s, abs=TOLERANCE_S)


def test_every_true_flight_and_contact_is_timed_within_2_ms():
    events = printed(4, TWO_ZONES)
    phases = truth(4, TWO_ZONES)
    flights = [e for e in events if e["type"] == "flight"]
    true_flights = [p for p in phases if p.kind == "flight"]
    assert len(flights) == len(true_flights)
    for found, real in zip(flights, true_flights):
        assert found["takeoff_s"] == pytest.approx(real.start_s, abs=TOLERANCE_S)
        assert found["landing_s"] == pytest.approx(real.end_s, abs=TOLERANCE_S)
        assert found["direction"] == real.direction
    contacts = [e for e in events if e["type"] == "contact" and e["duration_s"] is not None]
    true_contacts = {round(p.start_s, 3): p for p in phases if p.kind == "contact"}
    for found in contacts:
        real = true_contacts[round(found["start_s"], 3)]
        assert found["duration_s"] == pytest.approx(real.duration_s, abs=TOLERANCE_S)


def test_missing_returns_are_invalid_reps_not_lost_ones():
    for seed in range(20):
        expected = [r for r in true_reps(truth(seed, TWO_ZONES)) if not r.valid]
        if expected:
            break
    else:
        pytest.skip("no simulated session in seeds 0-19 has a missing return")
    invalid = [r for r in printed(seed, TWO_ZONES) if r["type"] == "rep" and not r["valid"]]
    stepped_off = [r for r in invalid if r["reason"].startswith("stepped off")]
    assert len(stepped_off) == len(expected)


def test_the_run_ends_with_a_summary_line():
    events = printed(5, TWO_ZONES)
    assert events[-1]["type"] == "summary"
    assert events[-1]["duration_s"] == pytest.approx(DURATION_S)
    assert events[-1]["reps"] == sum(1 for e in events if e["type"] == "rep")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_ends_the_run_cleanly_with_the_summary(sig):
    process = start_station("run", "--simulate", "--headless", "--speed", 20, "--seed", 6)
    first = process.stdout.readline()  # lines arrive as they happen: the pipe is flushed
    assert first.startswith("{")
    process.send_signal(sig)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert json_lines(out)[-1]["type"] == "summary"
    assert "Traceback" not in err


def test_the_kiosk_window_runs_a_simulated_session_to_its_end():
    result = station("run", "--simulate", "--speed", 30, "--duration", 60, "--seed", 9,
                     "--size", "800x480")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("Total:")


def test_the_force_rules_of_the_config_reach_the_live_pipeline(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text("[force]\nhard_min_bw = 1.1\nsoft_max_bw = 1.0\n")
    result = station("run", "--simulate", "--headless", "--speed", 50, "--duration", 30,
                     "--seed", 2, "--config", config)
    ratings = {e["landing"]["rating"] for e in json_lines(result.stdout)
               if e["type"] == "contact" and e["landing"] and e["landing"]["rating"]}
    assert ratings == {"hard"}
