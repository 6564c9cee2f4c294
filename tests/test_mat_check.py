"""A mat that disagrees with the plate is reported once; a dead mat hands
timing to the load cells until it works again; a healthy one is never
reported."""

import pytest

from force_session import flights, run_session
from station.analysis.events import BodyWeight, Contact, Fault, Rep, SetStart
from station.analysis.force.handover import MAT_BACK, NO_MAT
from station.analysis.force.mat_check import SILENT, WORKS, MatCheck, PlateChanged
from station.analysis.force.rules import ForceRules
from station.analysis.mat import Transition
from station.readings import ForceBlock
from station.sources.simulated import simulate

DISAGREE_S = ForceRules().mat_disagree_s


def faults(events):
    return [e for e in events if isinstance(e, Fault)]


def true_flights(truth):
    return [p for p in truth if p.kind == "flight"]


def assert_timed_like_force_alone(found, real):
    """Every flight found, each edge within the force-only accuracy (3 ms,
    test_force_session.py)."""
    assert len(found) == len(real)
    for flight, phase in zip(found, real):
        assert flight.takeoff_s == pytest.approx(phase.start_s, abs=0.003)
        assert flight.landing_s == pytest.approx(phase.end_s, abs=0.003)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_healthy_mat_raises_no_fault(seed):
    events, _, _ = run_session(seed, 120)
    assert faults(events) == []


@pytest.mark.parametrize("seed", [0, 2])
def test_a_mat_unplugged_from_the_start_hands_timing_to_the_load_cells_at_the_first_landing(seed):
    events, truth, _ = run_session(seed, 60, unplugged_s=(0.0, None))
    [fault] = faults(events)
    # Standing at the start is no disagreement yet; landing with no mat contact is.
    landing_s = true_flights(truth)[0].end_s
    assert fault.active and fault.message == NO_MAT
    assert fault.time_s == pytest.approx(landing_s + DISAGREE_S, abs=0.01)
    # From the start on, the first jump included.
    assert_timed_like_force_alone(flights(events), true_flights(truth))
    alone, _, _ = run_session(seed, 60, use_mat=False)
    assert [r.valid for r in events if isinstance(r, Rep)] == [r.valid for r in alone if isinstance(r, Rep)]


def test_a_mat_stuck_closed_mid_set_is_reported_once_and_the_plate_times_the_rest():
    _, truth, _ = run_session(0, 60)
    contact = [p for p in truth if p.kind == "contact" and p.start_s > 10][0]
    events, truth, _ = run_session(0, 60, mat_until_s=contact.start_s + 0.02)
    [fault] = faults(events)
    assert fault.active and fault.message == NO_MAT
    assert fault.time_s == pytest.approx(contact.end_s + DISAGREE_S, abs=0.01)
    assert len(flights(events)) == len(true_flights(truth))
    later = [f for f in flights(events) if f.takeoff_s > contact.end_s - 0.01]
    assert_timed_like_force_alone(later, [p for p in true_flights(truth) if p.start_s > contact.end_s - 0.01])


def test_a_mat_unplugged_under_a_standing_athlete_hands_over_when_the_set_ends():
    # Edges stop while the athlete stands: the open mat looks like a take-off,
    # so the mat's set ends step_off_s later, and the plate times from there.
    _, truth, _ = run_session(0, 60)
    standing = next(p for p in truth if p.kind == "contact" and p.start_s > 10)
    cut_s = standing.start_s + 0.1
    events, truth, _ = run_session(0, 60, unplugged_s=(cut_s, None))
    found = faults(events)
    assert [(f.active, f.message) for f in found] == [(True, SILENT), (True, NO_MAT)]
    assert found[0].time_s == pytest.approx(cut_s + DISAGREE_S)
    assert found[1].time_s == pytest.approx(cut_s + 1.5)
    assert [s.start_s for s in events if isinstance(s, SetStart)][1] == pytest.approx(cut_s)
    assert len(flights(events)) == len(true_flights(truth))


def test_a_plate_that_never_changes_does_not_take_the_timing_from_a_working_mat():
    # A cell stuck under load keeps the plate "loaded" in every flight.
    _, readings, _ = simulate(3, 30, force=True)
    corners = next(r for r in readings if isinstance(r, ForceBlock)).corners_n.copy()
    corners[:, 2] = 123.0
    events, truth, _ = run_session(3, 30, corners=corners)
    assert all(f.message == SILENT for f in faults(events) if f.active and f.device == "mat")
    assert len(flights(events)) == len(true_flights(truth))
    assert all(c.zone in ("front", "back") for c in events if isinstance(c, Contact))


def test_the_mat_times_again_from_the_set_after_it_comes_back():
    events, truth, _ = run_session(1, 60, unplugged_s=(0.0, 30.0))
    assert [(f.active, f.message) for f in faults(events)] == [(True, NO_MAT), (False, MAT_BACK)]
    back_s = faults(events)[1].time_s
    assert back_s == pytest.approx(30.0, abs=0.01)
    next_set_s = next(s.start_s for s in events if isinstance(s, SetStart) and s.start_s > back_s)
    contacts = [c for c in events if isinstance(c, Contact) and c.start_s is not None]
    # The set going on when the mat came back stays with the plate (no zone).
    assert all(c.zone == "plate" for c in contacts if c.start_s < next_set_s)
    assert all(c.zone in ("front", "back") for c in contacts if c.start_s >= next_set_s)
    assert len(flights(events)) == len(true_flights(truth))


@pytest.mark.parametrize("apart_s, reported", [(DISAGREE_S, False), (DISAGREE_S + 0.001, True)])
def test_a_disagreement_up_to_mat_disagree_s_is_normal(apart_s, reported):
    check = MatCheck(DISAGREE_S, mat_contact=True, plate_contact=True)
    check.plate(Transition(1.0, False, None))
    check.mat(Transition(1.0 + apart_s, False, None))
    assert bool(check.decide(5.0)) is reported


def test_a_fault_holds_until_the_mat_itself_changes():
    # A dead mat agrees with the plate at every take-off: that must not end
    # the fault, or it would come and go at every jump.
    check = MatCheck(DISAGREE_S, mat_contact=False, plate_contact=False)
    check.plate(Transition(1.0, True, "plate"))
    check.plate(Transition(2.0, False, None))
    check.plate(Transition(2.3, True, "plate"))
    check.mat(Transition(4.0, True, "front"))
    decided = [(round(t, 3), f) for t, f in check.decide(5.0)]
    assert decided == [(1.2, Fault(1.2, "mat", True, SILENT)), (2.0, PlateChanged(2.0)),
                       (2.3, PlateChanged(2.3)), (4.0, Fault(4.0, "mat", False, WORKS))]
    assert check.active is None


def test_someone_on_the_plate_at_the_start_is_no_fault_before_a_change():
    # A front-end reports its mat only when it changes: it starts open.
    check = MatCheck(DISAGREE_S, mat_contact=False, plate_contact=True)
    assert check.decide(60.0) == []


def test_a_60_s_session_with_the_mat_cut_gives_one_fault_event():
    # The mat's last edges at 5 s, then nothing: before, the fault ended at
    # every take-off and began again at every landing (over 100 events).
    events, _, _ = run_session(2, 60, mat_until_s=5.0)
    assert len(faults(events)) == 1


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
