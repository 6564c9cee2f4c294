"""Who is up from taps (pure, a fake clock), and taps on the kiosk: the
greeting, New tag and the relay's hand-over, with a real session log and a
real serial reader on a pseudo-terminal."""

import os
import time
import tty

import pytest

from station.analysis.events import SetEnd, SetStart
from station.challenge.definition import load_challenge
from station.identity.reader import TagReader
from station.identity.roster import LocalRoster
from station.identity.run_taps import RunTaps
from station.identity.serial_decoder import rdm6300_frame
from station.identity.serial_reader import SerialTagPort
from station.identity.tap_in import KNOWN, PENDING, UNKNOWN, TapIn
from station.kiosk.controls.actions import Action
from station.kiosk.app import KioskApp
from station.kiosk.state.board import LiveBoard
from station.kiosk.challenge.control import GET_READY_S, ChallengeControl
from station.kiosk.challenge.mode import ChallengeMode
from station.kiosk.flow import GUEST
from station.kiosk.screen import KioskScreen
from station.kiosk.tap.control import GREETING_S, NEW_TAG_IDLE_S, TapControl
from station.kiosk.tap.mode import attach
from station.analysis.rules import TimingRules
from station.log.athletes import add_athlete, find_athlete
from station.log.db import open_log
from station.log.run_log import RunLog
from station.log.writer import SessionLog

IDLE_S = 600.0


@pytest.fixture
def log(tmp_path):
    conn = open_log(tmp_path)
    add_athlete(conn, "Ada", tag_id="A2B1")
    add_athlete(conn, "Bo", tag_id="10662339")
    add_athlete(conn, "Cy")
    run_log = RunLog(SessionLog(conn, tmp_path, "simulated", "simulated", simulated=True))
    yield run_log
    run_log.close()


@pytest.fixture
def tap_in(log):
    changes = []
    tap_in = TapIn(LocalRoster(log.session.conn), IDLE_S, changes.append)
    tap_in.changes = changes
    return tap_in


def names(changes):
    return [None if athlete is None else athlete.name for athlete in changes]


# -- who is up ---------------------------------------------------------------------

def test_a_tap_picks_the_athlete_at_once_between_sets(tap_in):
    tap = tap_in.tap("A2B1", 5.0)
    assert tap.outcome == KNOWN and tap_in.up.name == "Ada" and names(tap_in.changes) == ["Ada"]


def test_a_tap_during_a_set_takes_effect_when_the_set_ends(tap_in):
    tap_in.tap("A2B1", 1.0)
    tap_in.on_event(SetStart(1, 2.0))
    assert tap_in.tap("10662339", 3.0).outcome == PENDING
    assert tap_in.up.name == "Ada"
    tap_in.on_event(SetEnd(1, 2.0, 9.0, 5, 5, "step_off"))
    assert tap_in.up.name == "Bo" and names(tap_in.changes) == ["Ada", "Bo"]


def test_an_unknown_tag_picks_nobody(tap_in):
    tap = tap_in.tap("FFFF", 1.0)
    assert tap.outcome == UNKNOWN and tap.athlete is None and tap_in.changes == []


def test_idle_time_ends_a_tap_exactly_at_its_edge(tap_in):
    tap_in.tap("A2B1", 0.0)
    tap_in.on_event(SetStart(1, 10.0))
    tap_in.on_event(SetEnd(1, 10.0, 40.0, 5, 5, "step_off"))
    tap_in.tick(40.0 + IDLE_S - 0.001)
    assert tap_in.up.name == "Ada"
    tap_in.tick(40.0 + IDLE_S)
    assert tap_in.up is None and names(tap_in.changes) == ["Ada", None]


def test_no_idle_time_runs_during_a_set(tap_in):
    tap_in.tap("A2B1", 0.0)
    tap_in.on_event(SetStart(1, 1.0))
    tap_in.tick(1.0 + 2 * IDLE_S)
    assert tap_in.up.name == "Ada"


def test_a_pick_by_hand_drops_a_waiting_tap_and_no_idle_time_ends_it(tap_in):
    tap_in.on_event(SetStart(1, 1.0))
    tap_in.tap("A2B1", 2.0)
    tap_in.picked_by_hand()
    tap_in.on_event(SetEnd(1, 1.0, 9.0, 1, 1, "step_off"))
    tap_in.tick(9.0 + 2 * IDLE_S)
    assert tap_in.changes == []


def test_the_log_files_sets_under_who_is_up(log):
    from station.identity.run_taps import open_run_taps
    from station.config import Config
    taps = open_run_taps("none", Config(), log)
    on_event = log.showing(taps.listening(lambda event: None))
    taps.tap_in.tap("A2B1", 0.5)
    on_event(SetStart(1, 1.0))
    taps.tap_in.tap("10662339", 2.0)
    on_event(SetEnd(1, 1.0, 3.0, 0, 0, "step_off"))
    on_event(SetStart(2, 4.0))
    on_event(SetEnd(2, 4.0, 5.0, 0, 0, "step_off"))
    rows = log.session.conn.execute("SELECT s.set_index, a.name FROM sets s JOIN athletes a "
                                    "ON a.id = s.athlete_id ORDER BY s.set_index").fetchall()
    assert rows == [(1, "Ada"), (2, "Bo")]


# -- New tag -----------------------------------------------------------------------

def test_an_unknown_tag_opens_new_tag_with_guest_the_roster_and_not_now(tap_in):
    control = TapControl(tap_in)
    control.tapped(tap_in.tap("0FFFF", 1.0), 1.0, on_mat=False)
    assert control.showing and control.new_tag == "FFFF"
    assert [label for _, label in control.rows] == ["Guest", "Ada", "Bo", "Cy", "Not now"]


def test_picking_a_name_gives_them_the_tag_and_picks_them(tap_in):
    control = TapControl(tap_in)
    control.tapped(tap_in.tap("FFFF", 1.0), 1.0, on_mat=False)
    for action in (Action.NEXT, Action.NEXT, Action.NEXT, Action.SELECT):
        control.act(action, 2.0)
    assert not control.showing and tap_in.up.name == "Cy"
    assert find_athlete(tap_in.roster.conn, "Cy").tag_id == "FFFF"
    assert control.greeting_at(2.0) == "Hello Cy! Your sets from now on."
    assert control.greeting_at(2.0 + GREETING_S) is None


def test_guest_makes_a_quick_guest_with_the_tag(tap_in):
    control = TapControl(tap_in)
    control.tapped(tap_in.tap("FFFF", 1.0), 1.0, on_mat=False)
    control.act(Action.SELECT, 2.0)
    assert tap_in.up.guest and tap_in.up.name.startswith("Guest ") and tap_in.up.tag_id == "FFFF"


def test_not_now_and_a_step_on_and_the_idle_time_close_new_tag_without_a_tag(tap_in):
    control = TapControl(tap_in)
    control.tapped(tap_in.tap("FFFF", 1.0), 1.0, on_mat=False)
    control.act(Action.BACK, 2.0)
    control.act(Action.SELECT, 2.0)
    assert not control.showing
    control.tapped(tap_in.tap("FFFF", 3.0), 3.0, on_mat=False)
    control.tick(3.0 + NEW_TAG_IDLE_S, on_mat=False)
    assert control.showing
    control.tick(3.0 + NEW_TAG_IDLE_S + 0.001, on_mat=False)
    assert not control.showing
    control.tapped(tap_in.tap("FFFF", 50.0), 50.0, on_mat=False)
    control.tick(50.1, on_mat=True)
    assert not control.showing and tap_in.roster.by_tag("FFFF") is None


def test_an_unknown_tag_during_a_set_asks_for_a_tap_after_it(tap_in):
    control = TapControl(tap_in)
    control.tapped(tap_in.tap("FFFF", 1.0), 1.0, on_mat=True)
    assert not control.showing and "tap it again after the set" in control.greeting_at(1.0)


# -- on the kiosk, with a reader on a pseudo-terminal ------------------------------

def wait_for(condition, timeout_s=30.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def reader(closing):
    master, slave = os.openpty()
    tty.setraw(slave)
    reader = closing(TagReader(SerialTagPort(os.ttyname(slave))).start())
    assert reader.wait_connected(30)
    reader.send = lambda data: os.write(master, data)
    yield reader
    os.close(master)
    os.close(slave)


@pytest.fixture
def kiosk(video, log, reader, tap_in):
    app = KioskApp(KioskScreen((800, 480)), LiveBoard(simulated=True))
    taps = RunTaps(reader, tap_in)
    mode = attach(app, taps)
    tap_in.on_change = mode.on_change
    yield app
    app.close()


def tap(kiosk, reader, data, now_s):
    reader.send(data)
    wait_for(lambda: reader.queued)
    kiosk.frame(now_s)


def test_the_frame_that_takes_a_tap_greets_the_athlete_by_name(kiosk, reader):
    tap(kiosk, reader, rdm6300_frame("000000A2B1"), 1.0)
    assert ("greeting", "Hello Ada! Your sets from now on.") in kiosk.board.shown_banners
    assert kiosk.flow.athlete_name == "Ada"
    kiosk.frame(1.0 + GREETING_S)
    assert all(kind != "greeting" for kind, _ in kiosk.board.shown_banners)


def test_new_tag_on_the_kiosk_takes_the_buttons_until_a_name_is_picked(kiosk, reader):
    tap(kiosk, reader, b"00C0FFEE\r\n", 1.0)
    assert kiosk.tap.showing
    kiosk.buttons = type("Buttons", (), {"take": lambda self: [Action.NEXT, Action.SELECT]})()
    kiosk.frame(2.0)
    assert not kiosk.tap.showing and kiosk.flow.athlete_name == "Ada"
    assert find_athlete(kiosk.tap.taps.tap_in.roster.conn, "Ada").tag_id == "C0FFEE"


def test_the_idle_time_puts_the_guest_back_on_the_attract_screen(kiosk, reader):
    tap(kiosk, reader, rdm6300_frame("000000A2B1"), 1.0)
    kiosk.frame(1.0 + IDLE_S)
    assert kiosk.flow.athlete_name == GUEST


def test_in_a_relay_the_next_athletes_tap_hands_the_mat_to_them(kiosk, reader, log):
    control = ChallengeControl(lambda: [(a.id, a.name) for a in log.roster()], TimingRules())
    kiosk.challenge = ChallengeMode(control)
    control.start_with(load_challenge("relay"), ["Ada", "Bo", "Cy"], 0.0)
    kiosk.frame(GET_READY_S + 1.0)
    assert control.engine.state(GET_READY_S + 1.0).athlete == "Ada"
    tap(kiosk, reader, b"0010662339\r\n", GET_READY_S + 5.0)
    state = control.engine.state(GET_READY_S + 5.0)
    assert state.athlete == "Bo" and state.kind == "work" and state.time_left_s == pytest.approx(30.0)
    assert ("greeting", "Bo, the mat is yours!") in kiosk.board.shown_banners


def test_in_a_relay_a_tap_out_of_turn_changes_nothing(kiosk, reader, log):
    control = ChallengeControl(lambda: [(a.id, a.name) for a in log.roster()], TimingRules())
    kiosk.challenge = ChallengeMode(control)
    control.start_with(load_challenge("relay"), ["Ada", "Bo", "Cy"], 0.0)
    kiosk.frame(GET_READY_S + 1.0)
    tap(kiosk, reader, rdm6300_frame("000000A2B1"), GET_READY_S + 2.0)   # Ada: on already
    assert control.engine.state(GET_READY_S + 2.0).athlete == "Ada"
    assert ("greeting", "Ada, it is your turn already.") in kiosk.board.shown_banners


def test_a_screenshot_of_new_tag_is_named_for_it(video, log, tap_in, tmp_path):
    app = KioskApp(KioskScreen((800, 480)), LiveBoard(), screenshots=tmp_path / "shots")
    mode = attach(app, RunTaps(None, tap_in))
    mode.control.tapped(tap_in.tap("C0FFEE", 1.0), 1.0, on_mat=False)
    app.frame(1.0)
    assert [path.name for path in app.shots.saved] == ["01-new-tag.png"]
    app.close()


def test_the_athlete_who_is_up_tapping_again_mid_set_changes_nothing(tap_in):
    tap_in.tap("A2B1", 1.0)
    tap_in.on_event(SetStart(1, 2.0))
    tap_in.tap("10662339", 3.0)
    assert tap_in.tap("A2B1", 4.0).outcome == KNOWN
    tap_in.on_event(SetEnd(1, 2.0, 9.0, 5, 5, "step_off"))
    assert tap_in.up.name == "Ada" and names(tap_in.changes) == ["Ada"]
