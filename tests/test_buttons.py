"""The kiosk's three GPIO buttons, on gpiozero's MockFactory.

Pins are driven as a finger on a button drives them: low while pressed for
the usual active-low wiring. MockPin calls gpiozero back in the thread that
drove it, so a press driven from another thread arrives as lgpio's would.
"""

import logging
import threading
import time

import pytest
from gpiozero import Button
from gpiozero.pins.mock import MockFactory, MockPin

from station.kiosk.controls.actions import Action
from station.kiosk.controls.buttons import DEBOUNCE_S, ButtonPanel
from station.kiosk.config import KioskConfig
from gpio_host import on_a_pi

SELECT, NEXT, BACK = 5, 6, 13


class NoPermissionPin(MockPin):
    """A pin whose device file this user may not open (not in the gpio group)."""

    def __init__(self, factory, info, **kwargs):
        raise PermissionError(13, "Permission denied", "/dev/gpiochip0")


@pytest.fixture
def factory():
    factory = MockFactory()
    yield factory
    factory.close()


@pytest.fixture
def panel(factory, closing):
    return closing(ButtonPanel(KioskConfig(), pin_factory=factory))


def press(factory, pin):
    factory.pin(pin).drive_low()
    factory.pin(pin).drive_high()


def test_each_button_gives_its_action_in_the_order_pressed(factory, panel):
    for pin in (NEXT, NEXT, SELECT, BACK):
        press(factory, pin)
        time.sleep(DEBOUNCE_S * 1.2)  # separate presses of the same button
    assert panel.take() == [Action.NEXT, Action.NEXT, Action.SELECT, Action.BACK]


def test_take_empties_the_queue_and_never_waits(factory, panel):
    press(factory, SELECT)
    assert panel.take() == [Action.SELECT]
    began = time.monotonic()
    assert panel.take() == []
    assert time.monotonic() - began < 0.01


def test_buttons_are_pulled_up_and_a_press_is_the_pin_going_low(factory, panel):
    assert factory.pin(SELECT).pull == "up"
    factory.pin(SELECT).drive_low()
    assert panel.take() == [Action.SELECT]
    factory.pin(SELECT).drive_high()  # the release is not an action
    assert panel.take() == []


def test_active_high_buttons_are_pulled_down_and_pressed_high(factory, closing):
    panel = closing(ButtonPanel(KioskConfig(buttons_active_low=False), pin_factory=factory))
    assert factory.pin(NEXT).pull == "down"
    factory.pin(NEXT).drive_high()
    factory.pin(NEXT).drive_low()
    assert panel.take() == [Action.NEXT]


def test_contact_bounce_makes_one_press(factory, panel):
    pin = factory.pin(SELECT)
    for _ in range(4):  # a switch chattering as it closes, then as it opens
        pin.drive_low()
        pin.drive_high()
    assert panel.take() == [Action.SELECT]


def test_a_second_press_after_the_debounce_time_counts(factory, panel):
    press(factory, BACK)
    time.sleep(DEBOUNCE_S * 1.5)
    press(factory, BACK)
    assert panel.take() == [Action.BACK, Action.BACK]


def test_presses_from_gpiozero_s_thread_reach_the_main_loop(factory, panel):
    pressed_every_s = DEBOUNCE_S * 1.2
    count = 5

    def finger():
        for _ in range(count):
            press(factory, NEXT)
            time.sleep(pressed_every_s)

    thread = threading.Thread(target=finger)
    thread.start()
    taken = []
    while thread.is_alive():  # the main loop's frames, taking presses as they come
        taken += panel.take()
        time.sleep(1 / 60)
    thread.join()
    taken += panel.take()
    assert taken == [Action.NEXT] * count


def test_a_button_on_pin_minus_one_is_not_fitted(factory, closing):
    panel = closing(ButtonPanel(KioskConfig(next_pin=-1), pin_factory=factory))
    assert panel.working
    press(factory, SELECT)
    press(factory, BACK)
    assert panel.take() == [Action.SELECT, Action.BACK]
    factory.pin(NEXT).drive_low()  # a free pin: nothing listens to it
    assert panel.take() == []


def test_no_buttons_fitted_is_a_quiet_empty_panel(factory, closing, caplog):
    panel = closing(ButtonPanel(KioskConfig(select_pin=-1, next_pin=-1, back_pin=-1), pin_factory=factory))
    assert not panel.working
    assert panel.take() == []
    assert caplog.records == []


def test_close_gives_the_pins_back(factory):
    panel = ButtonPanel(KioskConfig(), pin_factory=factory)
    panel.close()
    button = Button(SELECT, pin_factory=factory)  # would raise if the panel still held it
    button.close()
    assert panel.take() == []


def test_a_busy_pin_turns_the_buttons_off_with_one_warning(factory, closing, caplog):
    other = closing(Button(NEXT, pin_factory=factory))
    with caplog.at_level(logging.WARNING, logger="station"):
        panel = closing(ButtonPanel(KioskConfig(), pin_factory=factory))
    assert not panel.working
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert message.startswith("The kiosk buttons are off (GPIO 6 cannot be used: ")
    assert message.endswith("the keyboard and touch screen still work.")
    # SELECT, opened before the busy pin failed, was given back; nothing is heard.
    Button(SELECT, pin_factory=factory).close()
    press(factory, SELECT)
    other.pin.drive_low()
    other.pin.drive_high()
    assert panel.take() == []


def test_pins_without_permission_turn_the_buttons_off(closing, caplog):
    factory = MockFactory(pin_class=NoPermissionPin)
    with caplog.at_level(logging.WARNING, logger="station"):
        panel = closing(ButtonPanel(KioskConfig(), pin_factory=factory))
    factory.close()
    assert not panel.working and panel.take() == []
    assert len(caplog.records) == 1
    assert "Permission denied" in caplog.records[0].getMessage()


@pytest.mark.skipif(on_a_pi(), reason="a Raspberry Pi has GPIO pins")
def test_a_computer_without_gpio_has_a_silent_panel_and_says_so_once(no_default_factory, monkeypatch,
                                                                      closing, caplog, recwarn):
    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)  # gpiozero tries every pin library
    with caplog.at_level(logging.WARNING, logger="station"):
        panel = closing(ButtonPanel(KioskConfig()))
    assert not panel.working and panel.take() == []
    assert [record.getMessage() for record in caplog.records] == [
        "The kiosk buttons are off (no GPIO pins were found on this computer); "
        "the keyboard and touch screen still work."]
    assert len(recwarn) == 0  # not gpiozero's warning for each library it tried


@pytest.mark.skipif(on_a_pi(), reason="a Raspberry Pi has GPIO pins")
def test_a_pin_library_that_is_not_for_this_computer_turns_the_buttons_off(no_default_factory, monkeypatch,
                                                                           closing, caplog):
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "native")
    with caplog.at_level(logging.WARNING, logger="station"):
        panel = closing(ButtonPanel(KioskConfig()))
    assert not panel.working and panel.take() == []
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith("The kiosk buttons are off (GPIO 5 cannot be used: ")
