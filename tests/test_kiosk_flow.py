"""Which screen shows: the flow, driven by hand-made events and a fake clock."""

import pytest

from station.analysis.events import BodyWeight, Contact, Flight, Rep, SetEnd, SetStart, Summary
from station.kiosk.controls.actions import Action, Tap
from station.kiosk.flow import GUEST, PICKER_IDLE_S, SUMMARY_S, WEIGHT_SHOWN_S, Flow, Screen
from station.kiosk.state.board import LiveBoard

ROSTER = [(7, "Ada"), (9, "Grace"), (12, "Linus")]


class Kiosk:
    """A board, a flow and a fake clock; ``at(t, ...)`` moves the clock and updates."""

    def __init__(self, has_force=True, roster=ROSTER):
        self.board = LiveBoard(has_force=has_force)
        self.picks = []
        self.flow = Flow(lambda: list(roster), lambda athlete_id, name: self.picks.append((athlete_id, name)))

    def at(self, now_s, *actions, targets=None):
        return self.flow.update(self.board, now_s, list(actions), targets)

    def events(self, *events):
        for event in events:
            self.board.apply(event)
        return self


def a_rep(index=1, start_s=12.0):
    back = Flight(2 * index - 1, start_s, start_s + 0.4, "backward")
    rebound = Contact(2 * index, back.landing_s, back.landing_s + 0.2, "back", True)
    forward = Flight(2 * index, rebound.end_s, rebound.end_s + 0.4, "forward")
    return Rep(index, 1, back, rebound, forward, True, None)


def stepped_off(kiosk, end_s=20.0):
    return kiosk.events(SetStart(1, 10.0), Flight(1, 12.0, 12.4, "backward"), a_rep(),
                        SetEnd(1, 10.0, end_s, 1, 1, "step_off"))


def test_with_nobody_on_the_mat_the_attract_screen_shows():
    assert Kiosk().at(0.0) is Screen.ATTRACT


def test_stepping_on_with_load_cells_starts_the_weigh_in():
    assert Kiosk().events(SetStart(1, 10.0)).at(10.2) is Screen.WEIGH_IN


def test_without_load_cells_stepping_on_goes_straight_to_the_live_set():
    assert Kiosk(has_force=False).events(SetStart(1, 10.0)).at(10.2) is Screen.LIVE


def test_the_body_weight_stays_up_briefly_then_the_live_set_shows():
    kiosk = Kiosk().events(SetStart(1, 10.0), BodyWeight(1, 11.0, 700.0))
    assert kiosk.at(11.0 + WEIGHT_SHOWN_S - 0.01) is Screen.WEIGH_IN
    assert kiosk.at(11.0 + WEIGHT_SHOWN_S) is Screen.LIVE


def test_jumping_before_being_weighed_ends_the_weigh_in():
    kiosk = Kiosk().events(SetStart(1, 10.0), Flight(1, 10.5, 10.9, "backward"))
    assert kiosk.at(11.0) is Screen.LIVE


def test_a_step_off_shows_the_summary_for_a_while_then_the_attract_screen():
    kiosk = stepped_off(Kiosk(), end_s=20.0)
    assert kiosk.at(20.5) is Screen.SUMMARY
    assert kiosk.at(20.0 + SUMMARY_S - 0.01) is Screen.SUMMARY
    assert kiosk.at(20.0 + SUMMARY_S) is Screen.ATTRACT


@pytest.mark.parametrize("action", [Action.SELECT, Tap(5, 5)])
def test_select_or_a_tap_on_the_summary_dismisses_it(action):
    kiosk = stepped_off(Kiosk())
    assert kiosk.at(21.0) is Screen.SUMMARY
    assert kiosk.at(21.1, action) is Screen.ATTRACT
    assert kiosk.at(21.2) is Screen.ATTRACT


def test_the_next_step_on_ends_the_summary_at_once():
    kiosk = stepped_off(Kiosk()).events(SetStart(2, 21.0))
    assert kiosk.at(21.1) is Screen.WEIGH_IN


def test_a_set_ended_by_the_end_of_the_data_shows_no_timed_summary_but_the_finished_one():
    kiosk = Kiosk().events(SetStart(1, 10.0), a_rep(), SetEnd(1, 10.0, 20.0, 1, 1, "end"))
    assert kiosk.at(20.5) is Screen.LIVE
    kiosk.events(Summary(1, 1, 2, 20.0))
    assert kiosk.at(20.6) is Screen.SUMMARY and kiosk.at(100.0) is Screen.SUMMARY


def test_next_and_back_do_nothing_on_the_attract_screen():
    kiosk = Kiosk()
    assert kiosk.at(1.0, Action.NEXT, Action.BACK) is Screen.ATTRACT


def test_select_on_the_attract_screen_opens_the_picker_with_the_guest_first():
    kiosk = Kiosk()
    kiosk.at(0.0)
    assert kiosk.at(1.0, Action.SELECT) is Screen.PICKER
    assert kiosk.flow.choices == [(None, GUEST), *ROSTER] and kiosk.flow.highlighted == 0


def test_the_picker_is_moved_with_next_and_back_and_picks_with_select():
    kiosk = Kiosk()
    kiosk.at(0.0)
    kiosk.at(1.0, Action.SELECT, Action.NEXT, Action.NEXT, Action.NEXT, Action.BACK)
    assert kiosk.flow.highlighted == 2
    assert kiosk.at(2.0, Action.SELECT) is Screen.ATTRACT
    assert kiosk.picks == [(9, "Grace")] and kiosk.flow.athlete_name == "Grace"


def test_next_past_the_last_name_comes_round_to_the_guest():
    kiosk = Kiosk()
    kiosk.at(0.0)
    kiosk.at(1.0, Action.SELECT, *[Action.NEXT] * 4)
    assert kiosk.flow.highlighted == 0


def test_a_tap_on_the_athlete_name_opens_the_picker_and_a_tap_on_a_name_picks_it():
    kiosk = Kiosk()
    kiosk.at(0.0)
    assert kiosk.at(1.0, Tap(110, 20), targets={"athlete": (100, 10, 200, 40)}) is Screen.PICKER
    rows = {f"row {i}": (20, 100 + 60 * i, 700, 50) for i in range(4)}
    assert kiosk.at(2.0, Tap(30, 5), targets=rows) is Screen.PICKER      # missed every row
    assert kiosk.at(3.0, Tap(400, 285), targets=rows) is Screen.ATTRACT   # row 3
    assert kiosk.picks == [(12, "Linus")]


def test_picking_the_guest_tells_of_no_athlete():
    kiosk = Kiosk()
    kiosk.at(0.0)
    kiosk.at(1.0, Action.SELECT, Action.NEXT, Action.SELECT)
    kiosk.at(2.0, Action.SELECT, Action.BACK, Action.SELECT)
    assert kiosk.picks == [(7, "Ada"), (None, GUEST)] and kiosk.flow.athlete_name == GUEST


def test_the_picker_opens_on_the_athlete_already_picked():
    kiosk = Kiosk()
    kiosk.at(0.0)
    kiosk.at(1.0, Action.SELECT, Action.NEXT, Action.NEXT, Action.SELECT)
    kiosk.at(2.0, Action.SELECT)
    assert kiosk.flow.highlighted == 2


def test_a_tap_elsewhere_on_the_attract_screen_opens_nothing():
    kiosk = Kiosk()
    kiosk.at(0.0)
    assert kiosk.at(1.0, Tap(500, 400), targets={"athlete": (100, 10, 200, 40)}) is Screen.ATTRACT


def test_a_picker_left_alone_closes_without_a_pick():
    kiosk = Kiosk()
    kiosk.at(0.0)
    kiosk.at(1.0, Action.SELECT)
    assert kiosk.at(1.0 + PICKER_IDLE_S - 0.1) is Screen.PICKER
    assert kiosk.at(1.0 + PICKER_IDLE_S + 0.1) is Screen.ATTRACT and kiosk.picks == []


def test_stepping_on_closes_the_picker_and_starts_the_set():
    kiosk = Kiosk()
    kiosk.at(0.0)
    kiosk.at(1.0, Action.SELECT)
    kiosk.events(SetStart(1, 2.0))
    assert kiosk.at(2.1) is Screen.WEIGH_IN and kiosk.picks == []


def test_the_roster_is_asked_each_time_the_picker_opens():
    names = [(1, "Ada")]
    kiosk = Kiosk(roster=names)
    kiosk.at(0.0)
    kiosk.at(1.0, Action.SELECT, Action.SELECT)
    names.append((2, "Bob"))
    kiosk.at(2.0, Action.SELECT)
    assert kiosk.flow.choices == [(None, GUEST), (1, "Ada"), (2, "Bob")]


@pytest.mark.parametrize("screen_events", [(), (SetStart(1, 0.0),), (SetStart(1, 0.0), a_rep())])
def test_exit_is_heard_on_every_screen(screen_events):
    kiosk = Kiosk().events(*screen_events)
    kiosk.at(0.5)
    kiosk.at(1.0, Action.EXIT)
    assert kiosk.flow.exit_asked is True


def test_nothing_but_exit_asks_to_exit():
    kiosk = Kiosk()
    kiosk.at(1.0, Action.SELECT, Action.NEXT, Action.BACK, Tap(1, 1), Action.SELECT)
    assert kiosk.flow.exit_asked is False
