"""Every list on the kiosk (the picker, New tag, a stick's offer, a class
challenge's lists, calibration) answers the buttons and taps one way."""

from station.kiosk.controls.actions import Action, Tap, in_list

ROWS = {f"row {i}": (0, 100 * i, 300, 100) for i in range(3)}


def test_next_and_back_move_the_highlight_round_the_list():
    assert in_list(Action.NEXT, 1, 3) == (2, None)
    assert in_list(Action.NEXT, 2, 3) == (0, None)
    assert in_list(Action.BACK, 0, 3) == (2, None)


def test_select_chooses_the_highlighted_row_and_a_tap_the_row_under_it():
    assert in_list(Action.SELECT, 1, 3) == (1, 1)
    assert in_list(Tap(10, 250), 0, 3, ROWS) == (2, 2)


def test_a_tap_beside_the_rows_or_on_a_row_no_longer_there_chooses_nothing():
    assert in_list(Tap(400, 50), 1, 3, ROWS) == (1, None)
    assert in_list(Tap(10, 250), 0, 2, ROWS) == (0, None)


def test_an_empty_list_and_other_actions_change_nothing():
    assert in_list(Action.SELECT, 0, 0) == (0, None)
    assert in_list(Action.HOME, 1, 3) == (1, None)
