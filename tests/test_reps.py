"""Rep assembly for the backward jump, on one- and two-zone mats."""

import pytest

from mat_script import backward_jumps, edges_from_script
from station.analysis.events import Flight, Rep
from station.analysis.pipeline import Pipeline
from station.analysis.rules import TimingRules


def reps_of(steps, rules=None):
    start, edges, end_s = edges_from_script(steps)
    pipeline = Pipeline(rules)
    events = pipeline.start(start) + pipeline.feed(edges) + pipeline.finish(end_s)
    return [e for e in events if isinstance(e, Rep)], events


def test_two_zones_give_each_flight_its_direction():
    _, events = reps_of(backward_jumps(1))
    assert [f.direction for f in events if isinstance(f, Flight)] == ["backward", "forward"]


def test_a_clean_rep_joins_back_flight_rebound_and_forward_flight():
    reps, _ = reps_of(backward_jumps(1, flight_s=0.31, rebound_s=0.22))
    rep = reps[0].to_json()
    assert rep["valid"] is True and rep["reason"] is None
    assert (rep["back_flight"], rep["rebound_contact"], rep["forward_flight"]) == (1, 2, 2)
    assert (rep["back_flight_s"], rep["rebound_contact_s"], rep["forward_flight_s"]) == \
        pytest.approx((0.31, 0.22, 0.31))


@pytest.mark.parametrize("zones", [("front", "back"), ("mat", "mat")])
def test_every_rep_is_counted_on_either_mat(zones):
    reps, _ = reps_of(backward_jumps(7, zone_front=zones[0], zone_back=zones[1]))
    assert [r.valid for r in reps] == [True] * 7


def test_one_zone_flights_have_no_direction():
    _, events = reps_of(backward_jumps(1, zone_front="mat", zone_back="mat"))
    assert {f.direction for f in events if isinstance(f, Flight)} == {None}


def test_a_double_backward_jump_is_an_invalid_rep():
    steps = [("front", 1.0), (None, 0.3), ("back", 0.2), (None, 0.3), ("back", 0.2),
             (None, 0.3), ("front", 1.0)]
    reps, _ = reps_of(steps)
    assert [r.valid for r in reps] == [False, True]
    assert "backward again" in reps[0].reason
    assert reps[0].forward_flight is None


def test_a_forward_jump_without_a_backward_one_is_an_invalid_rep():
    reps, _ = reps_of([("back", 1.0), (None, 0.3), ("front", 1.0)])
    assert len(reps) == 1 and not reps[0].valid
    assert "without a backward jump" in reps[0].reason


def test_stepping_off_after_the_back_jump_is_an_invalid_rep():
    reps, _ = reps_of([("front", 1.0), (None, 0.3), ("back", 0.2), (None, 3.0), ("front", 1.0)])
    assert len(reps) == 1 and not reps[0].valid
    assert reps[0].reason.startswith("stepped off before the jump forward")
    assert reps[0].rebound_contact is not None


def test_the_data_ending_after_the_back_jump_is_an_invalid_rep():
    reps, _ = reps_of([("mat", 1.0), (None, 0.3), ("mat", 0.5)])
    assert len(reps) == 1 and not reps[0].valid
    assert "recording ended" in reps[0].reason


def test_one_zone_alternation_restarts_after_a_step_off():
    steps = [("mat", 1.0), (None, 0.3), ("mat", 0.2), (None, 3.0),
             ("mat", 1.0), (None, 0.3), ("mat", 0.2), (None, 0.3), ("mat", 1.0)]
    reps, _ = reps_of(steps)
    assert [r.valid for r in reps] == [False, True]
    assert [r.set_index for r in reps] == [1, 2]


@pytest.mark.parametrize("rebound_s, valid", [(1.0, True), (1.01, False)])
def test_a_rebound_contact_longer_than_max_rebound_contact_s_is_invalid(rebound_s, valid):
    reps, _ = reps_of(backward_jumps(1, rebound_s=rebound_s))
    assert reps[0].valid is valid
    if not valid:
        assert "paused" in reps[0].reason


@pytest.mark.parametrize("flight_s, valid", [(0.9, True), (0.91, False)])
def test_a_flight_longer_than_max_jump_flight_s_makes_the_rep_invalid(flight_s, valid):
    reps, _ = reps_of(backward_jumps(1, flight_s=flight_s))
    assert reps[0].valid is valid


def test_rep_indexes_run_on_across_sets_and_sets_are_numbered():
    steps = backward_jumps(2) + [(None, 2.0), ("front", 1.0)] + backward_jumps(2)[1:]
    reps, _ = reps_of(steps)
    assert [(r.index, r.set_index) for r in reps] == [(1, 1), (2, 1), (3, 2), (4, 2)]


def test_a_backward_jump_that_landed_in_front_is_an_invalid_rep():
    from station.analysis.events import Contact
    from station.analysis.reps import RepAssembler
    reps = RepAssembler(TimingRules())
    reps.contact(Contact(1, None, 1.0, "front", False))
    reps.flight(Flight(1, 1.0, 1.3, "backward", displacement_m=-0.12))
    reps.contact(Contact(2, 1.3, 1.5, "back", True))
    rep, = reps.flight(Flight(2, 1.5, 1.8, "forward", displacement_m=-0.3))
    assert not rep.valid
    assert "landed 12 cm in front" in rep.reason
