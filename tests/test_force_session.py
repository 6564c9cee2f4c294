"""Force analysis against the simulated athlete's truth: timing from force
alone, landing forces and ratings, direction from the centre of pressure."""

import pytest

from force_session import flights, landed_contacts, nearest, run_session

SEEDS = [0, 1, 2]
DURATION_S = 200


@pytest.fixture(scope="module", params=SEEDS)
def force_only(request):
    return run_session(request.param, DURATION_S, use_mat=False)


@pytest.fixture(scope="module", params=SEEDS)
def mat_and_force(request):
    return run_session(request.param, DURATION_S, use_mat=True)


def test_force_alone_times_every_flight_within_3_ms(force_only):
    events, truth, _ = force_only
    true_flights = [p for p in truth if p.kind == "flight"]
    found = flights(events)
    assert len(found) == len(true_flights)
    for flight, real in zip(found, true_flights):
        assert flight.takeoff_s == pytest.approx(real.start_s, abs=0.003)
        assert flight.landing_s == pytest.approx(real.end_s, abs=0.003)


def test_the_centre_of_pressure_gives_every_flight_its_direction(force_only):
    events, truth, _ = force_only
    true_flights = [p for p in truth if p.kind == "flight"]
    assert [f.direction for f in flights(events)] == [p.direction for p in true_flights]


def test_backward_displacement_is_the_distance_between_the_zones(mat_and_force):
    events, _, _ = mat_and_force
    for flight in flights(events):
        sign = 1 if flight.direction == "backward" else -1
        # The simulated feet stand a quarter of the 0.9 m plate either side of
        # its middle, each contact's placed with a 2 cm SD: 4 SD of a difference.
        assert sign * flight.displacement_m == pytest.approx(0.45, abs=0.12)


def test_peak_landing_force_is_within_5_percent_of_the_truth(force_only):
    events, truth, _ = force_only
    found = landed_contacts(events)
    for real in (p for p in truth if p.kind == "contact" and p.landed):
        contact, off_s = nearest(found, real.start_s, lambda c: c.start_s)
        assert off_s < 0.003
        assert contact.landing["peak_force_n"] == pytest.approx(real.peak_force_n, rel=0.05)


def test_clearly_soft_and_clearly_hard_landings_get_their_rating(force_only):
    """Landings more than 3 % inside the simulator's soft (< 3 BW) or hard
    (>= 4.5 BW) ranges; nearer the edge the body-weight estimate decides."""
    events, truth, weight_n = force_only
    found = landed_contacts(events)
    checked = 0
    for real in (p for p in truth if p.kind == "contact" and p.landed):
        peak_bw = real.peak_force_n / weight_n
        expected = "soft" if peak_bw < 3.0 * 0.97 else "hard" if peak_bw >= 4.5 * 1.03 else None
        if expected:
            contact, _ = nearest(found, real.start_s, lambda c: c.start_s)
            assert contact.landing["rating"] == expected
            checked += 1
    assert checked > 20


def test_with_a_mat_the_mat_times_the_flights_within_2_ms(mat_and_force):
    events, truth, _ = mat_and_force
    for flight, real in zip(flights(events), [p for p in truth if p.kind == "flight"]):
        assert flight.takeoff_s == pytest.approx(real.start_s, abs=0.002)
        assert flight.landing_s == pytest.approx(real.end_s, abs=0.002)


def test_body_weight_is_weighed_in_each_set(mat_and_force):
    from station.analysis.events import SetEnd
    events, _, weight_n = mat_and_force
    for set_end in (e for e in events if isinstance(e, SetEnd)):
        assert set_end.body_weight_n == pytest.approx(weight_n, rel=0.01)


def test_a_one_zone_mat_with_load_cells_measures_direction():
    events, truth, _ = run_session(4, 120, zones=("mat",), use_mat=True)
    true_flights = [p for p in truth if p.kind == "flight"]
    assert [f.direction for f in flights(events)] == [p.direction for p in true_flights]


@pytest.mark.parametrize("block_samples", [1, 7, 333])
def test_force_analysis_does_not_depend_on_how_samples_arrive(block_samples):
    reference, _, _ = run_session(5, 40, use_mat=False, block_samples=50)
    events, _, _ = run_session(5, 40, use_mat=False, block_samples=block_samples)
    assert [e.to_json() for e in events] == [e.to_json() for e in reference]
