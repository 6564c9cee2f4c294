"""The live board: what the screen shows, kept from pipeline events alone."""

import pytest

from station.analysis.events import Contact, Flight, Rep, SetEnd, SetStart, Summary
from station.kiosk.state.board import LiveBoard


def valid_rep(index=1, set_index=1, start_s=10.0):
    back = Flight(2 * index - 1, start_s, start_s + 0.412, "backward")
    rebound = Contact(2 * index, start_s + 0.412, start_s + 0.595, "back", True)
    forward = Flight(2 * index, start_s + 0.595, start_s + 0.993, "forward")
    return Rep(index, set_index, back, rebound, forward, True, None)


def invalid_rep(index=1, set_index=1, reason="jumped backward again instead of forward to the start"):
    back = Flight(2 * index - 1, 20.0, 20.4, "backward")
    return Rep(index, set_index, back, None, None, False, reason)


def set_end(index=1, ended_by="step_off", reps=3, valid_reps=2):
    return SetEnd(index, 0.0, 30.0, reps, valid_reps, ended_by)


def board_with(*events, simulated=False):
    board = LiveBoard(simulated=simulated)
    for event in events:
        board.apply(event)
    return board


def test_a_new_board_is_set_one_with_no_reps_and_nobody_on_the_mat():
    board = LiveBoard()
    assert (board.set_number, board.valid_reps, board.invalid_reps, board.total_valid_reps) == (1, 0, 0, 0)
    assert board.last_rep is None and board.last_set is None and board.finished is None
    assert board.on_mat is False


def test_the_board_says_whether_the_readings_are_simulated():
    assert LiveBoard(simulated=True).simulated is True
    assert LiveBoard().simulated is False


def test_a_valid_rep_counts_in_the_set_and_in_the_total():
    board = board_with(valid_rep(1), valid_rep(2))
    assert (board.valid_reps, board.invalid_reps, board.total_valid_reps) == (2, 0, 2)


def test_an_invalid_rep_counts_apart_from_the_valid_ones():
    board = board_with(valid_rep(1), invalid_rep(2))
    assert (board.valid_reps, board.invalid_reps, board.total_valid_reps) == (1, 1, 1)


def test_the_last_rep_is_the_one_that_arrived_last_valid_or_not():
    second = invalid_rep(2)
    assert board_with(valid_rep(1), second).last_rep is second


def test_an_invalid_last_rep_gives_its_reason():
    board = board_with(invalid_rep(reason="paused 0.41 s on landing"))
    assert board.invalid_reason == "paused 0.41 s on landing"


def test_a_valid_rep_after_an_invalid_one_clears_the_reason():
    assert board_with(invalid_rep(1), valid_rep(2)).invalid_reason is None


def test_every_rep_bumps_the_change_counter():
    board = LiveBoard()
    seen = [board.last_rep_changed_at]
    for rep in (valid_rep(1), invalid_rep(2), valid_rep(3)):
        board.apply(rep)
        seen.append(board.last_rep_changed_at)
    assert seen == sorted(set(seen))


def test_contacts_and_flights_change_no_count():
    board = board_with(Contact(1, None, 5.0, "front", False), Flight(1, 5.0, 5.4, "backward"))
    assert (board.valid_reps, board.invalid_reps, board.last_rep_changed_at) == (0, 0, 0)


@pytest.mark.parametrize("event", [Contact(1, None, 5.0, "front", False), Flight(1, 5.0, 5.4, "backward")])
def test_a_contact_or_a_flight_puts_the_athlete_on_the_mat(event):
    assert board_with(event).on_mat is True


def test_a_step_off_takes_the_athlete_off_the_mat():
    board = board_with(Flight(1, 5.0, 5.4, "backward"), valid_rep(1), set_end(ended_by="step_off"))
    assert board.on_mat is False


def test_the_next_flight_after_a_step_off_puts_the_athlete_back_on_the_mat():
    board = board_with(valid_rep(1), set_end(ended_by="step_off"), Flight(3, 40.0, 40.4, "backward"))
    assert board.on_mat is True


def test_stepping_on_puts_the_athlete_on_the_mat_and_names_the_set():
    board = board_with(valid_rep(1), set_end(ended_by="step_off"), SetStart(2, 45.0))
    assert board.on_mat is True
    assert board.set_number == 2


def test_a_set_ended_by_the_end_of_the_data_leaves_the_athlete_where_they_were():
    assert board_with(valid_rep(1), set_end(ended_by="end")).on_mat is True


def test_a_set_end_starts_the_next_set():
    assert board_with(valid_rep(1), set_end(index=1)).set_number == 2


def test_a_set_end_resets_the_set_counts_and_the_last_rep():
    board = board_with(valid_rep(1), invalid_rep(2), set_end())
    assert (board.valid_reps, board.invalid_reps) == (0, 0)
    assert board.last_rep is None and board.invalid_reason is None


def test_a_set_end_keeps_the_set_it_ended_and_the_total():
    ended = set_end(index=1, reps=2, valid_reps=1)
    board = board_with(valid_rep(1), invalid_rep(2), ended, valid_rep(3, set_index=2))
    assert board.last_set is ended
    assert (board.valid_reps, board.total_valid_reps) == (1, 2)


def test_a_summary_marks_the_board_finished():
    summary = Summary(reps=3, valid_reps=2, flights=6, duration_s=30.0)
    assert board_with(valid_rep(1), summary).finished is summary


def test_anything_but_a_pipeline_event_is_a_bug():
    with pytest.raises(TypeError):
        LiveBoard().apply("rep")


def test_a_weigh_in_shows_the_body_weight_until_someone_new_steps_on():
    from station.analysis.events import BodyWeight
    board = board_with(SetStart(1, 0.0), BodyWeight(1, 1.2, 712.0))
    assert board.body_weight_n == 712.0
    board.apply(SetStart(2, 30.0))
    assert board.body_weight_n is None


def test_a_sensor_fault_shows_until_it_clears():
    from station.analysis.events import Fault
    board = board_with(Fault(3.0, "mat", True, "The mat may be unplugged."))
    assert board.fault.message == "The mat may be unplugged."
    board.apply(Fault(9.0, "mat", False, "The mat and the plate agree again."))
    assert board.fault is None


# Landings, the traffic light and its cue.

from station.analysis.events import Landing  # noqa: E402
from station.kiosk.state.advice import BALLS_OF_FEET, BEND_KNEES  # noqa: E402


def landing(rating, peak_bw=2.5, time_to_peak_s=0.09, impact_peak=False):
    return {"peak_force_n": peak_bw * 750.0, "peak_force_bw": peak_bw, "time_to_peak_s": time_to_peak_s,
            "loading_rate_bw_per_s": peak_bw / time_to_peak_s, "impact_peak": impact_peak,
            "softness": 50.0, "rating": rating}


def test_a_landing_event_lights_the_traffic_light_before_its_contact_ends():
    board = board_with(SetStart(1, 0.0), Landing(1, 2, 10.4, landing("firm")))
    assert board.rating == "firm" and board.landing_changed_at == 1


def test_the_contact_that_confirms_a_landing_does_not_count_as_a_new_one():
    metrics = landing("hard", peak_bw=5.0)
    board = board_with(Landing(1, 2, 10.4, metrics), Contact(2, 10.4, 10.6, "back", True, landing=metrics))
    assert board.rating == "hard" and board.landing_changed_at == 1


def test_a_contact_with_a_landing_rates_it_when_no_landing_event_came_first():
    board = board_with(Contact(2, 10.4, 10.6, "back", True, landing=landing("soft")))
    assert board.rating == "soft" and board.landing_changed_at == 1


def test_a_late_copy_of_an_older_landing_does_not_replace_the_newer_one():
    board = board_with(Landing(1, 3, 11.4, landing("soft")),
                       Contact(2, 10.4, 10.6, "back", True, landing=landing("hard", peak_bw=5.0)))
    assert board.rating == "soft"


def test_a_landing_without_a_rating_leaves_the_light_as_it_was():
    board = board_with(Landing(1, 2, 10.4, landing("firm")), Landing(1, 3, 11.0, landing(None)))
    assert board.rating == "firm"


def test_a_new_set_turns_the_light_off():
    board = board_with(Landing(1, 2, 10.4, landing("firm")), set_end(), SetStart(2, 40.0))
    assert board.rating is None and board.cue is None


@pytest.mark.parametrize("metrics, cue", [
    (landing("hard", peak_bw=5.2, time_to_peak_s=0.03), BALLS_OF_FEET),         # sharp: very quick peak
    (landing("hard", peak_bw=3.6, time_to_peak_s=0.07, impact_peak=True), BALLS_OF_FEET),
    (landing("hard", peak_bw=5.2, time_to_peak_s=0.08), BEND_KNEES),            # heavy but not sharp
    (landing("firm", peak_bw=3.6, time_to_peak_s=0.03, impact_peak=True), None),
    (landing("soft"), None),
])
def test_only_a_hard_landing_gets_a_cue_chosen_by_how_it_was_hard(metrics, cue):
    assert board_with(Landing(1, 2, 10.4, metrics)).cue == cue


# The set's bars and totals.

def rated_rep(index, rating, rebound_s=0.2, valid=True, start_s=None):
    start_s = 10.0 + 2 * index if start_s is None else start_s
    back = Flight(2 * index - 1, start_s, start_s + 0.4, "backward")
    rebound = Contact(2 * index, back.landing_s, back.landing_s + rebound_s, "back", True,
                      landing=landing(rating))
    forward = Flight(2 * index, rebound.end_s, rebound.end_s + 0.45, "forward")
    return [Landing(1, rebound.index, back.landing_s, landing(rating)), rebound,
            Rep(index, 1, back, rebound, forward, valid, None if valid else "too slow")]


def test_every_rep_of_the_set_gets_a_bar_of_its_rebound_coloured_by_its_landing():
    board = board_with(*rated_rep(1, "soft", 0.21), *rated_rep(2, "hard", 0.26, valid=False))
    assert [(round(b.rebound_s, 3), b.rating, b.valid) for b in board.bars] == [
        (0.21, "soft", True), (0.26, "hard", False)]


def test_a_set_end_adds_up_the_set_for_its_summary():
    events = rated_rep(1, "soft", 0.20) + rated_rep(2, "firm", 0.30) + rated_rep(3, "hard", 0.25, valid=False)
    board = board_with(SetStart(1, 0.0), *events, SetEnd(1, 0.0, 20.0, 3, 2, "step_off"))
    totals = board.last_totals
    height_m = Flight(1, 0.0, 0.45, "forward").height_m
    assert (totals.index, totals.reps, totals.valid_reps) == (1, 3, 2)
    assert totals.best_height_m == pytest.approx(height_m) and totals.mean_height_m == pytest.approx(height_m)
    assert totals.best_rebound_s == pytest.approx(0.20) and totals.mean_rebound_s == pytest.approx(0.25)
    assert totals.ratings_n == {"soft": 1, "firm": 1, "hard": 1}
    assert len(totals.bars) == 3 and board.bars == []


def test_a_set_without_valid_reps_has_no_bests():
    board = board_with(*rated_rep(1, "hard", valid=False), SetEnd(1, 0.0, 20.0, 1, 0, "step_off"))
    assert board.last_totals.best_height_m is None and board.last_totals.mean_rebound_s is None


# The weigh-in and the banners.

def test_the_weigh_in_progress_runs_over_the_weigh_in_window_and_stops_full():
    board = LiveBoard(has_force=True, weigh_in_s=1.0)
    board.apply(SetStart(1, 20.0))
    assert [board.weigh_in_progress(t) for t in (20.0, 20.25, 21.0, 25.0)] == [0.0, 0.25, 1.0, 1.0]


def test_a_body_weight_completes_the_weigh_in_and_says_when():
    from station.analysis.events import BodyWeight
    board = board_with(SetStart(1, 20.0), BodyWeight(1, 21.3, 700.0))
    assert board.weigh_in_progress(20.1) == 1.0 and board.weighed_at_s == 21.3


def test_device_problems_and_faults_are_banners_before_anything_added():
    from station.analysis.events import Fault
    board = board_with(Fault(3.0, "mat", True, "The mat may be unplugged."), simulated=True)
    board.banners.append(("disk", "The disk is nearly full."))
    board.device_problem = "The load cells are unplugged."
    assert [kind for kind, _ in board.shown_banners] == ["device", "fault", "disk", "simulated"]
    assert board.shown_banners[1] == ("fault", "The mat may be unplugged.")


def test_force_readings_feed_the_trace_and_mat_edges_do_not():
    import numpy as np
    from station.readings import ForceBlock, MatEdge
    board = LiveBoard(has_force=True)
    time_s = np.arange(0.0, 1.0, 0.001)
    board.on_readings([MatEdge(0.5, "front", True), ForceBlock(time_s, np.full(time_s.size, 700.0))])
    _, force_n = board.trace.points()
    assert force_n.size == 100 and np.all(force_n == 700.0)


def test_a_set_ended_by_a_step_off_mid_rep_keeps_why_its_last_rep_did_not_count():
    events = rated_rep(1, "soft") + [invalid_rep(2, reason="stepped off before the jump forward to the start")]
    board = board_with(*events, SetEnd(1, 0.0, 25.0, 2, 1, "step_off"))
    assert board.last_totals.last_reason == "stepped off before the jump forward to the start"
    assert board_with(*rated_rep(1, "soft"), set_end()).last_totals.last_reason is None
