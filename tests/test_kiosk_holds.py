"""Buttons and keys held down: BACK held ``[kiosk] back_hold_s`` is HOME,
SELECT and NEXT held together ``calibrate_hold_s`` are CALIBRATE. Keys are
timed on the session clock (a fake one here); the GPIO buttons by gpiozero
(``hold_time``, ``when_held``) on its MockFactory."""

import time

import pygame
import pytest
from gpiozero.pins.mock import MockFactory

from station.config_ranges import out_of_range
from station.kiosk.config import KioskConfig
from station.kiosk.controls.actions import Action
from station.kiosk.controls.buttons import ButtonPanel
from station.kiosk.controls.holds import KeyHolds

SELECT, NEXT, BACK = 5, 6, 13
WAIT_S = 30.0   # generous: the machine may be busy


def down(key):
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0)


def up(key):
    return pygame.event.Event(pygame.KEYUP, key=key, mod=0)


@pytest.fixture
def holds():
    return KeyHolds(back_hold_s=2.0, calibrate_hold_s=3.0)


# --- The keyboard, on the session clock ---------------------------------------

def test_backspace_held_1_99_s_does_nothing_and_2_s_is_home(holds):
    assert holds.take([down(pygame.K_BACKSPACE)], 10.0) == []
    assert holds.take([], 11.99) == []
    assert holds.take([], 12.0) == [Action.HOME]


def test_home_comes_once_per_hold_and_again_after_letting_go(holds):
    holds.take([down(pygame.K_BACKSPACE)], 0.0)
    assert holds.take([], 2.0) == [Action.HOME]
    assert holds.take([], 9.0) == []
    assert holds.take([up(pygame.K_BACKSPACE), down(pygame.K_BACKSPACE)], 10.0) == []
    assert holds.take([], 12.0) == [Action.HOME]


def test_a_backspace_let_go_before_its_time_starts_afresh(holds):
    holds.take([down(pygame.K_BACKSPACE)], 0.0)
    holds.take([up(pygame.K_BACKSPACE)], 1.5)
    holds.take([down(pygame.K_BACKSPACE)], 1.6)
    assert holds.take([], 3.59) == []
    assert holds.take([], 3.6) == [Action.HOME]


def test_key_repeat_does_not_restart_the_hold(holds):
    holds.take([down(pygame.K_BACKSPACE)], 0.0)
    assert holds.take([down(pygame.K_BACKSPACE)] * 3, 1.0) == []
    assert holds.take([down(pygame.K_BACKSPACE)], 2.0) == [Action.HOME]


def test_the_other_back_keys_held_are_not_home(holds):
    holds.take([down(pygame.K_LEFT), down(pygame.K_UP)], 0.0)
    assert holds.take([], 10.0) == []


def test_select_and_next_held_together_3_s_is_calibrate(holds):
    holds.take([down(pygame.K_RETURN)], 0.0)
    holds.take([down(pygame.K_RIGHT)], 1.0)       # the later of the two counts
    assert holds.take([], 3.99) == []
    assert holds.take([], 4.0) == [Action.CALIBRATE]
    assert holds.take([], 20.0) == []


def test_one_of_the_pair_let_go_stops_calibrate(holds):
    holds.take([down(pygame.K_SPACE), down(pygame.K_DOWN)], 0.0)
    holds.take([up(pygame.K_DOWN)], 2.9)
    assert holds.take([], 10.0) == []


def test_select_or_next_held_alone_is_nothing(holds):
    holds.take([down(pygame.K_RETURN)], 0.0)
    assert holds.take([], 10.0) == []
    holds.take([up(pygame.K_RETURN), down(pygame.K_TAB)], 10.0)
    assert holds.take([], 20.0) == []


def test_keys_held_when_the_window_loses_focus_are_let_go(holds):
    holds.take([down(pygame.K_BACKSPACE)], 0.0)
    assert holds.take([], 2.0) == [Action.HOME]
    holds.take([pygame.event.Event(pygame.WINDOWFOCUSLOST)], 3.0)
    assert holds.take([], 9.0) == []
    holds.take([down(pygame.K_BACKSPACE)], 10.0)
    assert holds.take([], 12.0) == [Action.HOME], "a new hold after the focus came back"


def test_the_configured_hold_times_are_used():
    holds = KeyHolds(back_hold_s=0.5, calibrate_hold_s=10.0)
    holds.take([down(pygame.K_BACKSPACE), down(pygame.K_RETURN), down(pygame.K_RIGHT)], 0.0)
    assert holds.take([], 0.5) == [Action.HOME]
    assert holds.take([], 9.99) == []
    assert holds.take([], 10.0) == [Action.CALIBRATE]


# --- The config ---------------------------------------------------------------

def test_hold_times_default_to_2_and_3_s():
    assert (KioskConfig().back_hold_s, KioskConfig().calibrate_hold_s) == (2.0, 3.0)


@pytest.mark.parametrize("key", ["back_hold_s", "calibrate_hold_s"])
@pytest.mark.parametrize("value, ok", [(0.5, True), (10, True), (0.49, False), (10.01, False)])
def test_hold_times_are_half_a_second_to_ten(key, value, ok):
    kept, problems = out_of_range("kiosk", {key: value})
    assert (key in kept, not problems) == (ok, ok)
    if ok:
        assert getattr(KioskConfig.from_table({key: value}), key) == value
    else:
        assert problems[0].startswith(f"[kiosk] {key} must be from 0.5 to 10")
        with pytest.raises(ValueError, match=f"{key} must be a time in seconds from 0.5 to 10"):
            KioskConfig.from_table({key: value})


# --- The GPIO buttons, timed by gpiozero ---------------------------------------

@pytest.fixture
def factory():
    factory = MockFactory()
    yield factory
    factory.close()


def taken_until(panel, wanted, timeout_s=WAIT_S):
    """Everything the panel queues until ``wanted`` is among it."""
    taken, deadline_s = [], time.monotonic() + timeout_s
    while wanted not in taken:
        assert time.monotonic() < deadline_s, f"no {wanted} within {timeout_s} s: {taken}"
        taken += panel.take()
        time.sleep(0.005)
    return taken


def test_the_buttons_hold_times_are_the_configs(factory, closing):
    panel = closing(ButtonPanel(KioskConfig(back_hold_s=1.5, calibrate_hold_s=4.0), pin_factory=factory))
    holds = {action: button.hold_time for action, button in panel._by_action.items()}
    assert holds == {Action.SELECT: 4.0, Action.NEXT: 4.0, Action.BACK: 1.5}


def test_back_held_is_home_no_sooner_than_its_hold_time(factory, closing):
    panel = closing(ButtonPanel(KioskConfig(back_hold_s=0.5), pin_factory=factory))
    pressed_s = time.monotonic()
    factory.pin(BACK).drive_low()
    taken = taken_until(panel, Action.HOME)
    assert time.monotonic() - pressed_s >= 0.5
    assert taken == [Action.BACK, Action.HOME]
    factory.pin(BACK).drive_high()


def test_a_short_press_of_back_is_no_home(factory, closing):
    panel = closing(ButtonPanel(KioskConfig(back_hold_s=0.5), pin_factory=factory))
    factory.pin(BACK).drive_low()
    factory.pin(BACK).drive_high()
    # Held now: gpiozero's one hold thread for BACK would have made the short
    # press's HOME before this hold's.
    factory.pin(BACK).drive_low()
    taken = taken_until(panel, Action.HOME)
    factory.pin(BACK).drive_high()
    assert taken.count(Action.HOME) == 1 and taken[-1] is Action.HOME


def test_select_and_next_held_together_are_one_calibrate(factory, closing):
    panel = closing(ButtonPanel(KioskConfig(calibrate_hold_s=0.5), pin_factory=factory))
    factory.pin(SELECT).drive_low()
    factory.pin(NEXT).drive_low()
    taken = taken_until(panel, Action.CALIBRATE)
    assert taken == [Action.SELECT, Action.NEXT, Action.CALIBRATE]
    # Both buttons' hold threads have fired by now; the second made nothing more.
    pair = [panel._by_action[Action.SELECT], panel._by_action[Action.NEXT]]
    deadline_s = time.monotonic() + WAIT_S
    while not all(button.is_held for button in pair):
        assert time.monotonic() < deadline_s
        time.sleep(0.005)
    assert panel.take() == []
    factory.pin(SELECT).drive_high()
    factory.pin(NEXT).drive_high()


def test_select_held_alone_is_no_calibrate(factory, closing):
    panel = closing(ButtonPanel(KioskConfig(calibrate_hold_s=0.5), pin_factory=factory))
    factory.pin(SELECT).drive_low()
    select = panel._by_action[Action.SELECT]
    deadline_s = time.monotonic() + WAIT_S
    while not select.is_held:
        assert time.monotonic() < deadline_s
        time.sleep(0.005)
    assert panel.take() == [Action.SELECT]
    factory.pin(SELECT).drive_high()
