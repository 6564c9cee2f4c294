"""Two-step force timing: each take-off and touchdown at the unloaded
plate's level + k SD of that flight's noise, within 1 ms of the plain rule."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from force_session import run_session
from plain_rules import first_landing_s, fixed_threshold_flights, unloaded_level_flights
from station.analysis.events import Flight, SetStart
from station.analysis.force.edges import first_rise_s, last_fall_s, stretch_level_n
from station.analysis.force.rules import ForceRules
from station.analysis.pipeline import Pipeline, analyse
from station.readings import ForceBlock, MatStart
from station.sources.recording import RecordingSource, read_recording
from station.sources.simulated import simulate

RECORDINGS = Path(__file__).parent / "data" / "recordings"
NAMES = ["gidiel-cmj.csv", "gidiel-sj.csv", "gidiel-dj.csv", "acl-bfr003-sj.csv", "acl-bfr010-sj.csv"]
RULES = ForceRules()


def test_the_level_is_the_middle_halfs_mean_plus_k_sd():
    rng = np.random.default_rng(3)
    middle = rng.normal(4.0, 1.5, 200)
    # The outer quarters (a take-off tail, a landing rise) do not count.
    stretch = np.concatenate([np.full(100, 300.0), middle, np.full(100, 300.0)])
    assert stretch_level_n(stretch, RULES) == pytest.approx(middle.mean() + 5 * middle.std())
    assert stretch_level_n(stretch, ForceRules(noise_sd_factor=3.0)) == pytest.approx(
        middle.mean() + 3 * middle.std())


def test_a_noiseless_flight_takes_the_floor_above_its_level():
    assert stretch_level_n(np.zeros(400), RULES) == RULES.edge_floor_n
    assert stretch_level_n(np.full(400, -3.0), ForceRules(edge_floor_n=0.5)) == -2.5
    # Noise of floor/k SD is exactly where the floor stops counting.
    noise = np.tile([-1.0, 1.0], 200) * RULES.edge_floor_n / RULES.noise_sd_factor
    assert stretch_level_n(noise, RULES) == pytest.approx(RULES.edge_floor_n)


def test_too_short_a_stretch_gives_no_level():
    assert stretch_level_n(np.zeros(19), RULES) is None   # 9 samples in its middle
    assert stretch_level_n(np.zeros(20), RULES) is not None


def test_the_take_off_is_the_last_fall_and_the_touchdown_the_first_rise():
    time_s = np.arange(10) / 1000
    fz_n = np.array([50, 12, 9, 11, 4, 0, 0, 6, 30, 90], dtype=float)
    assert last_fall_s(time_s, fz_n, 10.0, 0.006, 0.0015) == pytest.approx(0.003 + 0.001 * 1 / 7)
    assert first_rise_s(time_s, fz_n, 10.0, 0.005, 0.0015) == pytest.approx(0.007 + 0.001 * 4 / 24)
    # Still above the level where the search ends: the search's end.
    assert last_fall_s(time_s, fz_n, 10.0, 0.0015, 0.0015) == 0.0015


def slow_tail_session(tail_s=0.03, residual_n=3.0, rate_hz=1000):
    """Stand, jump with a force that tails off linearly over ``tail_s`` from
    60 N to a residual, fly 0.4 s, land rising as slowly, stand."""
    rng = np.random.default_rng(11)
    t = np.arange(0, 4.0, 1 / rate_hz)
    takeoff_s, touchdown_s = 2.0, 2.4
    fz = np.full(len(t), 700.0)
    fz[(t >= takeoff_s) & (t < touchdown_s)] = residual_n
    fall = (t >= takeoff_s - tail_s) & (t < takeoff_s)
    fz[fall] = 60 - (60 - residual_n) * (t[fall] - (takeoff_s - tail_s)) / tail_s
    rise = (t >= touchdown_s) & (t < touchdown_s + tail_s)
    fz[rise] = residual_n + (60 - residual_n) * (t[rise] - touchdown_s) / tail_s
    return t, fz + rng.normal(0, 0.3, len(t))


def force_alone(t, fz, blocks=(len,)):
    pipeline = Pipeline()
    events = pipeline.start(MatStart(float(t[0]), {}), has_force=True)
    size = blocks[0](t) if callable(blocks[0]) else blocks[0]
    for i in range(0, len(t), size):
        events += pipeline.feed([ForceBlock(t[i:i + size], fz[i:i + size])])
    return events + pipeline.finish(float(t[-1]))


def test_a_slow_tail_moves_both_edges_into_the_flight():
    t, fz = slow_tail_session()
    flight = next(e for e in force_alone(t, fz) if isinstance(e, Flight))
    (fixed_takeoff, fixed_touchdown), = fixed_threshold_flights(t, fz)
    (takeoff, touchdown), = unloaded_level_flights(t, fz)
    assert takeoff - fixed_takeoff > 0.005 and fixed_touchdown - touchdown > 0.005
    assert flight.takeoff_s == pytest.approx(takeoff, abs=0.001)
    assert flight.landing_s == pytest.approx(touchdown, abs=0.001)


def test_a_plate_reading_above_the_provisional_threshold_in_flight_keeps_the_provisional_edges():
    t, fz = slow_tail_session(residual_n=19.0)   # 19 N + 5 SD is above 20 N
    flight = next(e for e in force_alone(t, fz) if isinstance(e, Flight))
    (fixed_takeoff, fixed_touchdown), = fixed_threshold_flights(t, fz)
    assert flight.takeoff_s == pytest.approx(fixed_takeoff, abs=1e-6)
    assert flight.landing_s == pytest.approx(fixed_touchdown, abs=1e-6)


def recording_flights(name):
    recording = read_recording(RECORDINGS / name)
    events = analyse(RecordingSource(recording))
    t, fz = np.asarray(recording.time_s), np.asarray(recording.fz_n)
    return events, t, fz


@pytest.mark.parametrize("name", NAMES)
def test_edges_of_the_real_recordings_agree_with_the_unloaded_level_rule_within_1_ms(name):
    events, t, fz = recording_flights(name)
    ours = [(e.takeoff_s, e.landing_s) for e in events if isinstance(e, Flight)]
    rule = unloaded_level_flights(t, fz)
    assert len(ours) == len(rule) > 0
    for (takeoff, touchdown), (rule_takeoff, rule_touchdown) in zip(ours, rule):
        assert abs(takeoff - rule_takeoff) <= 0.001 and abs(touchdown - rule_touchdown) <= 0.001


def test_a_drop_onto_an_empty_plate_is_timed_at_the_empty_plates_level():
    events, t, fz = recording_flights("gidiel-dj.csv")
    start = next(e for e in events if isinstance(e, SetStart))
    assert start.start_s == pytest.approx(first_landing_s(t, fz, sd_factor=5.0), abs=0.001)
    assert start.start_s < first_landing_s(t, fz)   # the 20 N rule lands later


@pytest.mark.parametrize("seed", [5, 9])
def test_simulated_sessions_agree_with_the_unloaded_level_rule_within_1_ms(seed):
    events, _, _ = run_session(seed, 90, use_mat=False)
    start, readings, _ = simulate(seed, 90, force=True)
    force = next(r for r in readings if isinstance(r, ForceBlock))
    rule = unloaded_level_flights(force.time_s, force.fz_n)
    ours = [(e.takeoff_s, e.landing_s) for e in events if isinstance(e, Flight)]
    assert len(ours) == len(rule) > 10
    for takeoff, touchdown in ours:
        nearest = min(rule, key=lambda r: abs(r[0] - takeoff))
        assert abs(takeoff - nearest[0]) <= 0.001 and abs(touchdown - nearest[1]) <= 0.001


@pytest.mark.parametrize("name", ["gidiel-dj.csv", "acl-bfr010-sj.csv"])
@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(min_value=1, max_value=700), min_size=1, max_size=12))
def test_a_real_recording_chunked_anyhow_gives_the_same_events(name, sizes):
    recording = read_recording(RECORDINGS / name)
    t, fz = np.asarray(recording.time_s), np.asarray(recording.fz_n)
    offline = [e.to_json() for e in force_alone(t, fz)]
    pipeline = Pipeline()
    events = pipeline.start(MatStart(float(t[0]), {}), has_force=True)
    position, k = 0, 0
    while position < len(t):
        size = sizes[k % len(sizes)]
        events += pipeline.feed([ForceBlock(t[position:position + size], fz[position:position + size])])
        events += pipeline.advance(float(t[min(position + size, len(t)) - 1]))
        position, k = position + size, k + 1
    events += pipeline.finish(float(t[-1]))
    assert [e.to_json() for e in events] == offline
