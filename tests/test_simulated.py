"""The simulated athlete and the source that streams it."""

import itertools

import numpy as np
import pytest

from station.readings import BACK, FRONT, MAT, ONE_ZONE, ForceBlock, MatEdge
from station.sources.athlete import (
    BACKWARD,
    CONTACT,
    FLIGHT,
    FORWARD,
    OFF,
    SimulatedAthlete,
    TruePhase,
    true_reps,
)
from station.sources.simulated import (
    CELL_NOISE_N,
    PLATE_DEPTH_M,
    PLATE_WIDTH_M,
    SimulatedSource,
    simulate,
)

SEED = 3
DURATION_S = 240.0
CHATTER_MAX_S = 0.004
#: Durations are differences of times on a long timeline: allow their rounding.
ROUNDING_S = 1e-9


@pytest.fixture(scope="module")
def session():
    return simulate(SEED, DURATION_S)


@pytest.fixture(scope="module")
def one_zone_session():
    return simulate(SEED, DURATION_S, zones=ONE_ZONE, force=False)


@pytest.fixture(scope="module")
def long_phases():
    """An hour of phases from each of a few athletes, without rendering them."""
    return {seed: phases_until(SimulatedAthlete(seed), 3600.0) for seed in range(8)}


def within(duration_s, low_s, high_s):
    return low_s - ROUNDING_S <= duration_s <= high_s + ROUNDING_S


def phases_until(athlete, until_s):
    return list(itertools.takewhile(lambda phase: phase.end_s <= until_s, athlete.phases()))


def edges(readings, zone=None):
    return [r for r in readings if isinstance(r, MatEdge) and zone in (None, r.zone)]


def force(readings):
    """The force blocks of a stream joined into (time_s, fz_n, corners_n)."""
    blocks = [r for r in readings if isinstance(r, ForceBlock)]
    names = ("time_s", "fz_n", "corners_n")
    return tuple(np.concatenate([getattr(block, name) for block in blocks]) for name in names)


def samples(time_s, phase, margin_s=0.0):
    """Index range of the samples inside a phase, ``margin_s`` in from each end."""
    return slice(*np.searchsorted(time_s, (phase.start_s + margin_s, phase.end_s - margin_s)))


def level_at(start, zone_edges, zone, time_s):
    level = start.contact_by_zone[zone]
    for edge in zone_edges:
        if edge.time_s > time_s:
            break
        level = edge.contact
    return level


def changes(truth, zone):
    """The true times at which ``zone`` changes level, and the level after each."""
    closes = [phase.kind == CONTACT and zone in (MAT, phase.zone) for phase in truth]
    turns = [i for i in range(1, len(truth)) if closes[i] != closes[i - 1]]
    return [(truth[i].start_s, closes[i]) for i in turns]


def test_same_seed_gives_identical_stream():
    first_start, first, first_truth = simulate(5, 60.0)
    second_start, second, second_truth = simulate(5, 60.0)
    assert first_start == second_start
    assert edges(first) == edges(second)
    for a, b in zip(force(first), force(second)):
        assert np.array_equal(a, b)
    assert first_truth == second_truth


def test_different_seeds_give_different_streams():
    _, first, first_truth = simulate(5, 60.0)
    _, second, second_truth = simulate(6, 60.0)
    assert first_truth != second_truth
    assert edges(first) != edges(second)
    assert not np.array_equal(force(first)[1][:1000], force(second)[1][:1000])


def test_chunked_reads_equal_one_read():
    whole = SimulatedSource(SimulatedAthlete(SEED))
    whole.start()
    at_once = whole.read(30.0)
    chunked = SimulatedSource(SimulatedAthlete(SEED))
    chunked.start()
    pieces = []
    steps_s = np.random.default_rng(0).uniform(0.0, 0.05, size=2000)
    for until_s in itertools.chain(np.minimum(np.cumsum(steps_s), 30.0), [30.0, 30.0]):
        pieces.extend(chunked.read(float(until_s)))
    assert edges(pieces) == edges(at_once)
    for a, b in zip(force(pieces), force(at_once)):
        assert np.array_equal(a, b)
    assert chunked.truth == whole.truth


def test_force_blocks_cover_every_sample_once(session):
    time_s, _, _ = force(session[1])
    assert np.array_equal(np.round(time_s * 1000.0), np.arange(int(DURATION_S * 1000.0) + 1))


def test_session_starts_standing_on_the_front(session):
    start, _, truth = session
    assert start.time_s == 0.0
    assert start.contact_by_zone == {FRONT: True, BACK: False}
    assert truth[0].kind == CONTACT and truth[0].zone == FRONT
    assert truth[0].start_s == 0.0 and not truth[0].landed


def test_phases_follow_each_other_without_gaps(long_phases):
    for phases in long_phases.values():
        assert all(a.end_s == b.start_s for a, b in itertools.pairwise(phases))


def test_every_flight_lasts_0_2_to_0_5_s(long_phases):
    flights = [p for phases in long_phases.values() for p in phases if p.kind == FLIGHT]
    assert all(within(p.duration_s, 0.2, 0.5) for p in flights)


def test_rebound_contacts_last_0_15_to_0_6_s(long_phases):
    for phases in long_phases.values():
        for rep in true_reps(phases):
            if rep.valid:
                assert within(rep.rebound_contact.duration_s, 0.15, 0.6)


def test_front_contacts_are_short_or_a_pause_and_off_lasts_2_to_6_s(long_phases):
    for phases in long_phases.values():
        for phase in phases:
            if phase.kind == CONTACT and phase.zone == FRONT:
                assert within(phase.duration_s, 0.15, 0.6) or within(phase.duration_s, 1.0, 3.0)
            if phase.kind == OFF:
                assert within(phase.duration_s, 2.0, 6.0)


def test_sets_have_4_to_15_reps(long_phases):
    for phases in long_phases.values():
        set_starts = [i for i, p in enumerate(phases) if p.kind == CONTACT and not p.landed]
        for begin, end in itertools.pairwise(set_starts):
            assert 4 <= len(true_reps(phases[begin:end])) <= 15


def test_after_an_off_the_athlete_steps_on_to_the_front(long_phases):
    for phases in long_phases.values():
        for off, after in itertools.pairwise(phases):
            if off.kind == OFF:
                assert after.kind == CONTACT and after.zone == FRONT and not after.landed


def test_landings_are_soft_firm_or_hard(long_phases):
    athlete = SimulatedAthlete(0)
    landings = [p for p in long_phases[0] if p.landed]
    peaks_bw = np.array([p.peak_force_n for p in landings]) / athlete.body_weight_n
    assert peaks_bw.min() >= 1.8 and peaks_bw.max() <= 7.0
    assert all(0.015 <= p.time_to_peak_s <= 0.110 for p in landings)
    assert (peaks_bw < 3.0).any() and (peaks_bw > 4.5).any()


def test_body_mass_is_drawn_from_55_to_95_kg_unless_given():
    assert all(55.0 <= SimulatedAthlete(seed).body_mass_kg <= 95.0 for seed in range(20))
    assert SimulatedAthlete(1, body_mass_kg=70.0).body_mass_kg == 70.0


def test_first_edge_of_each_change_is_at_the_true_time(session):
    _, readings, truth = session
    for zone in (FRONT, BACK):
        zone_edges = edges(readings, zone)
        times_s = np.array([edge.time_s for edge in zone_edges])
        for time_s, contact in changes(truth, zone):
            first = zone_edges[np.searchsorted(times_s, time_s)]
            assert first.time_s == time_s and first.contact == contact


def test_bounce_ends_within_chatter_max_at_the_new_level(session):
    _, readings, truth = session
    bounced = 0
    for zone in (FRONT, BACK):
        zone_edges = edges(readings, zone)
        times_s = np.array([edge.time_s for edge in zone_edges])
        for time_s, contact in changes(truth, zone):
            begin, end = np.searchsorted(times_s, (time_s, time_s + CHATTER_MAX_S), side="right")
            burst = zone_edges[begin - 1 : end]
            assert burst[-1].contact == contact
            assert end == len(zone_edges) or zone_edges[end].time_s > time_s + 0.1
            bounced += len(burst) > 1
    assert bounced > 0


def test_levels_alternate_per_zone(session):
    start, readings, _ = session
    for zone in (FRONT, BACK):
        levels = [start.contact_by_zone[zone]] + [edge.contact for edge in edges(readings, zone)]
        assert all(a != b for a, b in itertools.pairwise(levels))


def test_edges_come_in_time_order(session):
    times_s = [edge.time_s for edge in edges(session[1])]
    assert times_s == sorted(times_s)


def test_contacts_close_only_their_own_zone(session):
    start, readings, truth = session
    front_edges, back_edges = edges(readings, FRONT), edges(readings, BACK)
    for phase in truth:
        middle_s = 0.5 * (phase.start_s + phase.end_s)
        on_front = level_at(start, front_edges, FRONT, middle_s)
        on_back = level_at(start, back_edges, BACK, middle_s)
        assert on_front == (phase.kind == CONTACT and phase.zone == FRONT)
        assert on_back == (phase.kind == CONTACT and phase.zone == BACK)


def test_one_zone_mat_is_closed_during_every_contact(one_zone_session):
    start, readings, truth = one_zone_session
    assert start.contact_by_zone == {MAT: True}
    assert not any(isinstance(r, ForceBlock) for r in readings)
    mat_edges = edges(readings, MAT)
    for phase in truth:
        middle_s = 0.5 * (phase.start_s + phase.end_s)
        assert level_at(start, mat_edges, MAT, middle_s) == (phase.kind == CONTACT)


def test_force_is_near_zero_in_flight_and_off(session):
    _, readings, truth = session
    time_s, fz_n, _ = force(readings)
    for phase in truth:
        if phase.kind in (FLIGHT, OFF):
            assert np.abs(fz_n[samples(time_s, phase, 0.002)]).max() < 8 * 2 * CELL_NOISE_N


def test_landing_peak_is_within_1_percent_of_truth(session):
    _, readings, truth = session
    time_s, fz_n, _ = force(readings)
    for phase in truth:
        if phase.landed:
            assert fz_n[samples(time_s, phase)].max() == pytest.approx(phase.peak_force_n, rel=0.01)


def test_landing_peak_comes_at_the_true_time_to_peak(session):
    _, readings, truth = session
    time_s, fz_n, _ = force(readings)
    for phase in truth:
        if phase.landed:
            inside = samples(time_s, phase)
            peak_s = time_s[inside][np.argmax(fz_n[inside])] - phase.start_s
            # Noise moves the highest sample along a rounded peak: the softer
            # the landing, the flatter its peak.
            tolerance_s = 0.001 + 0.2 * phase.time_to_peak_s
            assert peak_s == pytest.approx(phase.time_to_peak_s, abs=tolerance_s)


def test_quiet_standing_weighs_the_athlete(session):
    _, readings, truth = session
    time_s, fz_n, _ = force(readings)
    weight_n = SimulatedAthlete(SEED).body_weight_n
    standing = [p for p in truth if p.kind == CONTACT and p.duration_s >= 2.0]
    assert standing
    for phase in standing:
        assert fz_n[samples(time_s, phase, 0.6)].mean() == pytest.approx(weight_n, rel=0.01)


def test_force_threshold_finds_the_mat_times(session):
    _, readings, truth = session
    time_s, fz_n, _ = force(readings)
    loaded = fz_n > 20.0
    rises_s = time_s[1:][loaded[1:] & ~loaded[:-1]]
    falls_s = time_s[:-1][loaded[:-1] & ~loaded[1:]]
    contacts = [p for p in truth if p.kind == CONTACT]
    # One sample of 1 ms on top of the crossing itself.
    assert np.abs(rises_s[: len(contacts) - 1] - [p.start_s for p in contacts[1:]]).max() < 0.003
    assert np.abs(falls_s[: len(contacts)] - [p.end_s for p in contacts]).max() < 0.003


def test_corners_sum_to_fz(session):
    _, fz_n, corners_n = force(session[1])
    assert np.allclose(corners_n.sum(axis=1), fz_n)


def test_centre_of_pressure_is_forward_on_the_front_and_back_on_the_back(session):
    _, readings, truth = session
    time_s, fz_n, corners_n = force(readings)
    fl, fr, bl, br = corners_n.T
    cop_x_m = (PLATE_WIDTH_M / 2) * ((fr + br) - (fl + bl)) / fz_n
    cop_y_m = (PLATE_DEPTH_M / 2) * ((fl + fr) - (bl + br)) / fz_n
    for phase in truth:
        if phase.kind == CONTACT:
            inside = samples(time_s, phase)
            loaded = fz_n[inside] > 100.0
            side = 1.0 if phase.zone == FRONT else -1.0
            cop_y_side_m = side * np.median(cop_y_m[inside][loaded])
            assert cop_y_side_m == pytest.approx(PLATE_DEPTH_M / 4, abs=0.08)
            assert np.abs(np.median(cop_x_m[inside][loaded])) < 0.06


def test_true_reps_are_back_flight_rebound_on_the_back_forward_flight(long_phases):
    for phases in long_phases.values():
        for rep in true_reps(phases):
            assert rep.back_flight.kind == FLIGHT and rep.back_flight.direction == BACKWARD
            assert rep.rebound_contact.zone == BACK and rep.rebound_contact.landed
            assert rep.rebound_contact.start_s == rep.back_flight.end_s
            if rep.valid:
                assert rep.forward_flight.direction == FORWARD
                assert rep.forward_flight.start_s == rep.rebound_contact.end_s


def test_missing_returns_occur_and_are_invalid(long_phases):
    invalid = [rep for phases in long_phases.values() for rep in true_reps(phases) if not rep.valid]
    assert invalid
    by_end_s = {p.start_s: p for phases in long_phases.values() for p in phases}
    for rep in invalid:
        assert rep.forward_flight is None
        assert by_end_s[rep.rebound_contact.end_s].kind == OFF


def test_missing_returns_end_about_one_set_in_eight(long_phases):
    phases = [p for seed_phases in long_phases.values() for p in seed_phases]
    sets = sum(p.kind == OFF for p in phases)
    missing = sum(not rep.valid for rep in true_reps(phases))
    assert 0.05 < missing / sets < 0.25


def test_a_back_flight_without_its_return_yet_is_not_a_rep():
    front = TruePhase(CONTACT, 0.0, 2.0, zone=FRONT)
    back_flight = TruePhase(FLIGHT, 2.0, 2.3, direction=BACKWARD)
    rebound = TruePhase(
        CONTACT, 2.3, 2.5, zone=BACK, landed=True, peak_force_n=2000.0, time_to_peak_s=0.05
    )
    assert true_reps([front, back_flight]) == []
    assert true_reps([front, back_flight, rebound]) == []


def test_truth_holds_the_phases_ended_by_the_last_read():
    source = SimulatedSource(SimulatedAthlete(SEED))
    source.start()
    source.read(20.0)
    assert source.truth
    assert all(phase.end_s <= 20.0 for phase in source.truth)
    assert source.truth == phases_until(SimulatedAthlete(SEED), 20.0)


def test_source_is_simulated_and_never_ends():
    source = SimulatedSource(SimulatedAthlete(SEED), zones=ONE_ZONE, force=False)
    assert source.simulated and not source.has_force and source.zones == ONE_ZONE
    assert source.end_s() is None
    source.close()


def test_ten_minutes_generate():
    _, readings, truth = simulate(11, 600.0)
    assert force(readings)[1].shape == (600_001,)
    assert len(true_reps(truth)) > 50
