"""BACK held goes back to the attract screen from anywhere (HOME), and
SELECT and NEXT held open the calibration (CALIBRATE): the whole kiosk's
answer to both, on the dummy video driver and a fake clock."""

from types import SimpleNamespace

import pygame
import pytest

from kiosk_states import rep
from station.analysis.events import Flight, SetEnd, SetStart
from station.kiosk.app import KioskApp
from station.kiosk.calibration.control import CalibrationControl
from station.kiosk.calibration.mode import CalibrationMode
from station.kiosk.config import KioskConfig
from station.kiosk.controls.actions import Action
from station.kiosk.flow import Screen
from station.kiosk.screen import KioskScreen
from station.kiosk.state.board import LiveBoard
from station.kiosk.usb.mode import CANCELLING, UsbMode
from station.log.athlete_history import AthleteHistory
from station.sources.loadcell.calibration import DEFAULT_CALIBRATION
from test_kiosk_usb_fakes import Mounts, Recorder, control_for

ROSTER = [(3, "Ada"), (5, "Grace")]


class Buttons:
    def __init__(self):
        self.waiting = []

    def take(self):
        taken = list(self.waiting)
        self.waiting.clear()
        return taken


@pytest.fixture
def kiosk(video):
    buttons = Buttons()
    app = KioskApp(KioskScreen((1280, 720)), LiveBoard(has_force=True), KioskConfig(),
                   roster=lambda: list(ROSTER), buttons=buttons,
                   history=lambda athlete_id: AthleteHistory("Ada", (), ()))
    app.pressed = buttons.waiting
    pygame.event.clear()
    return app


def press(app, now_s, *actions):
    app.pressed.extend(actions)
    app.frame(now_s)


def with_calibration(app):
    control = CalibrationControl(lambda: DEFAULT_CALIBRATION, None, 20.0)
    app.calibration = CalibrationMode(control)
    return control


def test_backspace_held_1_99_s_keeps_the_picker_and_2_s_goes_home(kiosk):
    press(kiosk, 0.0, Action.SELECT)
    assert kiosk.flow.screen is Screen.PICKER
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_BACKSPACE, mod=0))
    kiosk.frame(10.0)                          # the press itself: BACK moves the highlight
    kiosk.frame(11.99)
    assert kiosk.flow.screen is Screen.PICKER
    kiosk.frame(12.0)
    assert kiosk.flow.screen is Screen.ATTRACT


def test_home_closes_a_history(kiosk):
    kiosk.flow.athlete = ROSTER[0]
    press(kiosk, 0.0, Action.BACK)
    assert kiosk.flow.screen is Screen.HISTORY
    press(kiosk, 1.0, Action.HOME)
    assert kiosk.flow.screen is Screen.ATTRACT


def step_off(app, end_s):
    for event in [SetStart(1, 10.0), Flight(1, 11.0, 11.4, "backward"), *rep(1, start_s=11.5),
                  SetEnd(1, 10.0, end_s, 1, 1, "step_off")]:
        app.on_event(event)


def test_home_dismisses_a_summary(kiosk):
    step_off(kiosk, 20.0)
    kiosk.board.on_mat = False
    kiosk.frame(20.5)
    assert kiosk.flow.screen is Screen.SUMMARY
    press(kiosk, 21.0, Action.HOME)
    assert kiosk.flow.screen is Screen.ATTRACT


def test_home_during_a_set_keeps_the_live_set_and_its_summary(kiosk):
    kiosk.on_event(SetStart(1, 10.0))
    kiosk.on_event(Flight(1, 11.0, 11.4, "backward"))
    press(kiosk, 12.0, Action.HOME)
    assert kiosk.flow.screen is Screen.LIVE, "someone is on the mat: their screens stay"
    for event in rep(1, start_s=11.5):
        kiosk.on_event(event)
    kiosk.on_event(SetEnd(1, 10.0, 20.0, 1, 1, "step_off"))
    kiosk.board.on_mat = False
    kiosk.frame(20.5)
    assert kiosk.flow.screen is Screen.SUMMARY


def test_home_closes_the_calibration(kiosk):
    control = with_calibration(kiosk)
    press(kiosk, 0.0, Action.CALIBRATE)
    assert control.showing
    press(kiosk, 1.0, Action.HOME)
    assert not control.showing and kiosk.flow.screen is Screen.ATTRACT


def test_calibrate_closes_the_picker_and_opens_the_calibration(kiosk):
    control = with_calibration(kiosk)
    press(kiosk, 0.0, Action.SELECT, Action.NEXT)   # the pair's own presses, as they go down
    press(kiosk, 3.0, Action.CALIBRATE)
    assert control.stage == "confirm" and kiosk.flow.screen is Screen.ATTRACT
    assert kiosk.calibration.showing and kiosk.usb is None


def test_while_the_calibration_shows_every_press_is_its_own(kiosk):
    control = with_calibration(kiosk)
    press(kiosk, 0.0, Action.CALIBRATE)
    press(kiosk, 1.0, Action.NEXT, Action.SELECT)    # Not now
    assert not control.showing and kiosk.flow.screen is Screen.ATTRACT, "the picker never opened"


def test_without_a_calibration_calibrate_does_nothing(kiosk):
    press(kiosk, 0.0, Action.CALIBRATE)
    assert kiosk.flow.screen is Screen.ATTRACT


# --- USB sticks ---------------------------------------------------------------

def with_stick(app, tmp_path):
    mounts, recorder = Mounts(tmp_path), Recorder()
    app.usb = UsbMode(control_for(mounts, recorder), app.board)
    app.frame(0.0)
    mounts.plug()
    app.frame(1.0)
    assert app.usb.showing
    return mounts, recorder


def test_home_on_a_sticks_offer_is_not_now(kiosk, tmp_path):
    mounts, recorder = with_stick(kiosk, tmp_path)
    press(kiosk, 2.0, Action.HOME)
    kiosk.frame(5.0)
    assert not kiosk.usb.showing and kiosk.usb.control.stage is None and mounts.mounted


def test_home_mid_export_cancels_it_and_a_banner_says_when_to_take_the_stick(kiosk, tmp_path):
    mounts, recorder = with_stick(kiosk, tmp_path)
    press(kiosk, 2.0, Action.SELECT)                # Export all
    job = recorder.exports[0][2]
    assert kiosk.usb.control.stage == "exporting"
    press(kiosk, 3.0, Action.HOME)
    assert job.cancelled and not kiosk.usb.showing and kiosk.flow.screen is Screen.ATTRACT
    assert ("usb", CANCELLING) in kiosk.board.shown_banners
    job.finish()
    kiosk.frame(4.0)
    said = dict(kiosk.board.shown_banners)["usb"]
    assert said == "Export cancelled. You can take the USB stick out now."
    assert not kiosk.usb.showing
    mounts.pull()
    kiosk.frame(6.0)
    assert "usb" not in dict(kiosk.board.shown_banners)


def test_a_stick_plugged_in_while_an_export_is_cancelled_waits(kiosk, tmp_path):
    mounts, recorder = with_stick(kiosk, tmp_path)
    press(kiosk, 2.0, Action.SELECT)
    press(kiosk, 3.0, Action.HOME)
    mounts.plug("OTHER", "/dev/sdc1")
    kiosk.frame(5.0)
    assert kiosk.usb.control.stage == "cancelling", "the cancelled export is seen through first"


def test_home_during_a_roster_import_lets_it_end_unseen(kiosk, tmp_path):
    mounts, recorder = with_stick(kiosk, tmp_path)
    press(kiosk, 2.0, Action.BACK, Action.BACK, Action.SELECT)   # "Import roster"
    assert kiosk.usb.control.stage == "importing"
    press(kiosk, 3.0, Action.HOME)
    stick, task = recorder.imports[0]
    task.finish(value=SimpleNamespace(imported=[1], problems=[]))
    kiosk.frame(4.0)
    assert kiosk.usb.control.stage is None and not kiosk.usb.showing


# --- A class challenge ----------------------------------------------------------

def with_challenge(app):
    from station.analysis.rules import TimingRules
    from station.challenge.definition import load_challenge
    from station.kiosk.challenge.control import ChallengeControl
    from station.kiosk.challenge.mode import ChallengeMode
    control = ChallengeControl(lambda: list(ROSTER), TimingRules())
    app.challenge = ChallengeMode(control, (load_challenge("tabata"), ["Ada"]))
    return control


def test_calibrate_is_ignored_while_a_class_challenge_counts_down_or_runs(kiosk):
    calibration, challenge = with_calibration(kiosk), with_challenge(kiosk)
    kiosk.frame(0.0)
    assert challenge.stage == "ready"
    press(kiosk, 1.0, Action.CALIBRATE)
    assert not calibration.showing and challenge.stage == "ready"


def test_home_ends_a_class_challenge_and_the_attract_screen_is_back(kiosk):
    challenge = with_challenge(kiosk)
    kiosk.frame(0.0)
    kiosk.frame(20.0)
    assert challenge.stage == "running"
    press(kiosk, 21.0, Action.HOME)
    assert challenge.stage == "off" and kiosk.flow.screen is Screen.ATTRACT
