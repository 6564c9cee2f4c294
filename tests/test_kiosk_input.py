"""Keys, clicks and touches become the kiosk's actions; only the exit combination exits."""

import pygame
import pytest

from station.kiosk.config import KioskConfig
from station.kiosk.controls.actions import Action, Tap
from station.kiosk.controls.input import KeyMap

CTRL_SHIFT = pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT


@pytest.fixture
def keys(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    pygame.display.init()
    yield KeyMap(KioskConfig().exit_combo, fullscreen=True, size=(800, 480))
    pygame.display.quit()


def key(code, mod=0):
    return pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod)


@pytest.mark.parametrize("code, action", [
    (pygame.K_RETURN, Action.SELECT), (pygame.K_SPACE, Action.SELECT),
    (pygame.K_RIGHT, Action.NEXT), (pygame.K_DOWN, Action.NEXT), (pygame.K_TAB, Action.NEXT),
    (pygame.K_LEFT, Action.BACK), (pygame.K_UP, Action.BACK), (pygame.K_BACKSPACE, Action.BACK),
])
def test_each_control_key_makes_its_action(keys, code, action):
    assert keys.actions([key(code)]) == [action]


def test_the_default_exit_combination_is_ctrl_shift_q(keys):
    assert keys.actions([key(pygame.K_q, CTRL_SHIFT)]) == [Action.EXIT]
    assert keys.actions([key(pygame.K_q, pygame.KMOD_RCTRL | pygame.KMOD_RSHIFT)]) == [Action.EXIT]


@pytest.mark.parametrize("code, mod", [
    (pygame.K_ESCAPE, 0), (pygame.K_ESCAPE, CTRL_SHIFT), (pygame.K_q, 0), (pygame.K_q, pygame.KMOD_LCTRL),
    (pygame.K_q, pygame.KMOD_LSHIFT), (pygame.K_w, CTRL_SHIFT), (pygame.K_F4, pygame.KMOD_LALT),
])
def test_no_other_key_exits(keys, code, mod):
    assert Action.EXIT not in keys.actions([key(code, mod)])


def test_an_exit_combination_from_the_config_replaces_the_default(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    pygame.display.init()
    keys = KeyMap(KioskConfig(exit_keys="alt+x").exit_combo, fullscreen=True, size=(800, 480))
    assert keys.actions([key(pygame.K_x, pygame.KMOD_LALT)]) == [Action.EXIT]
    assert keys.actions([key(pygame.K_q, CTRL_SHIFT)]) == []
    pygame.display.quit()


def test_a_left_click_is_a_tap_where_it_was(keys):
    click = pygame.event.Event(pygame.MOUSEBUTTONUP, button=pygame.BUTTON_LEFT, pos=(123, 45), touch=False)
    assert keys.actions([click]) == [Tap(123, 45)]


def test_a_right_click_and_mouse_moves_are_nothing(keys):
    events = [pygame.event.Event(pygame.MOUSEBUTTONUP, button=pygame.BUTTON_RIGHT, pos=(1, 1), touch=False),
              pygame.event.Event(pygame.MOUSEMOTION, pos=(5, 5), rel=(1, 1), buttons=(0, 0, 0), touch=False)]
    assert keys.actions(events) == []


def test_a_finger_lifted_is_a_tap_at_its_pixel(keys):
    finger = pygame.event.Event(pygame.FINGERUP, x=0.5, y=0.25, touch_id=1, finger_id=0, dx=0.0, dy=0.0)
    assert keys.actions([finger]) == [Tap(400, 120)]


def test_a_touch_at_the_far_edge_stays_on_the_screen(keys):
    finger = pygame.event.Event(pygame.FINGERUP, x=1.0, y=1.0, touch_id=1, finger_id=0, dx=0.0, dy=0.0)
    assert keys.actions([finger]) == [Tap(799, 479)]


def test_the_mouse_copy_of_a_touch_is_not_a_second_tap(keys):
    copy = pygame.event.Event(pygame.MOUSEBUTTONUP, button=pygame.BUTTON_LEFT, pos=(400, 120), touch=True)
    assert keys.actions([copy]) == []


def test_the_close_button_does_not_end_a_full_screen_kiosk(keys):
    assert keys.actions([pygame.event.Event(pygame.QUIT)]) == []


def test_the_close_button_ends_a_window_on_a_desktop(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    pygame.display.init()
    window = KeyMap(KioskConfig().exit_combo, fullscreen=False, size=(1280, 720))
    assert window.actions([pygame.event.Event(pygame.QUIT)]) == [Action.EXIT]
    pygame.display.quit()


def test_actions_keep_the_order_of_their_events(keys):
    events = [key(pygame.K_RIGHT), key(pygame.K_a), key(pygame.K_RETURN), key(pygame.K_LEFT)]
    assert keys.actions(events) == [Action.NEXT, Action.SELECT, Action.BACK]
