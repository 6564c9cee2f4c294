"""The live board: what the screen shows, kept from pipeline events alone."""

import pytest

from station.analysis.events import Contact, Flight, Rep, SetEnd, SetStart, Summary
from station.kiosk.board import LiveBoard


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
