"""A mat that disagrees with the plate is reported; a healthy one never is."""

import pytest

from force_session import run_session
from station.analysis.events import BodyWeight, Fault, SetStart
from station.analysis.force.mat_check import SILENT, STUCK, MatCheck
from station.analysis.mat import Transition


def faults(events):
    return [e for e in events if isinstance(e, Fault)]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_healthy_mat_raises_no_fault(seed):
    events, _, _ = run_session(seed, 120)
    assert faults(events) == []


def test_a_mat_stuck_closed_is_reported_within_the_first_flight():
    _, truth, _ = run_session(0, 60)
    contact = [p for p in truth if p.kind == "contact" and p.start_s > 10][0]
    events, _, _ = run_session(0, 60, mat_until_s=contact.start_s + 0.02)
    fault = faults(events)[0]
    assert fault.active and fault.message == STUCK
    assert fault.time_s == pytest.approx(contact.end_s + 0.2, abs=0.01)


def test_a_silent_mat_under_a_loaded_plate_is_reported_as_unplugged():
    # Edges stop while the athlete is in the air: the mat stays open.
    _, truth, _ = run_session(2, 60)
    flights = [p for p in truth if p.kind == "flight" and p.start_s > 10]
    events, _, _ = run_session(2, 60, mat_until_s=flights[0].start_s + 0.01)
    fault = faults(events)[0]
    assert fault.active and fault.message == SILENT
    assert fault.time_s == pytest.approx(flights[0].end_s + 0.2, abs=0.01)


def test_a_disagreement_shorter_than_mat_disagree_s_is_normal():
    check = MatCheck(0.2, mat_contact=True, plate_contact=True)
    check.plate(Transition(1.0, False, None))
    check.mat(Transition(1.2, False, None))
    assert check.decide(5.0) == []


def test_a_fault_clears_when_the_two_agree_again():
    check = MatCheck(0.2, mat_contact=True, plate_contact=True)
    check.plate(Transition(1.0, False, None))
    check.plate(Transition(2.0, True, "plate"))
    decided = check.decide(5.0)
    assert [(round(t, 3), f.active) for t, f in decided] == [(1.2, True), (2.0, False)]


def test_each_set_is_weighed_once_before_its_reps_count_on_it():
    events, _, weight_n = run_session(0, 120)
    starts = [i for i, e in enumerate(events) if isinstance(e, SetStart)]
    weights = [e for e in events if isinstance(e, BodyWeight)]
    assert [w.set_index for w in weights] == sorted({w.set_index for w in weights})
    assert len(weights) >= len(starts) - 1
    assert all(w.body_weight_n == pytest.approx(weight_n, rel=0.01) for w in weights)


@pytest.mark.parametrize("contact_s, warned", [(120.0, False), (120.5, True)])
def test_a_mat_alone_closed_longer_than_stuck_contact_s_is_a_warning(contact_s, warned):
    from mat_script import edges_from_script
    from station.analysis.pipeline import Pipeline
    start, edges, end_s = edges_from_script([("front", 1.0), (None, 0.3), ("front", contact_s),
                                             (None, 0.3), ("front", 1.0)])
    pipeline = Pipeline()
    events = pipeline.start(start) + pipeline.feed(edges) + pipeline.finish(end_s)
    found = faults(events)
    if warned:
        assert [f.active for f in found] == [True, False]
        assert found[0].time_s == pytest.approx(1.3 + 120.0)
        assert "stuck or shorted" in found[0].message
    else:
        assert found == []
