"""The class-challenge screens: readable layout at every size, colours that
say WORK and REST, the kiosk's real window and the real `station` command."""

import sqlite3

import pygame
import pytest

from challenge_reps import rep_landing_at
from station.analysis.rules import TimingRules
from station.challenge.definition import load_challenge
from station.challenge.engine import settle_time_s
from station.kiosk.controls.actions import Action
from station.kiosk.app import KioskApp
from station.kiosk.state.board import LiveBoard
from station.kiosk.challenge.control import GET_READY_S, ChallengeControl
from station.kiosk.challenge.live import REST_COLOUR, WORK_COLOUR
from station.kiosk.challenge.mode import ChallengeMode
from station.kiosk.flow import Screen
from station.kiosk.draw.layout import AMBER, DIM, TEXT
from station.kiosk.screen import KioskScreen
from station_process import station

SIZES = [(800, 480), (1280, 720), (1920, 1080)]
# A laptop window of any shape in between, and the 7" panel's 1024x600 cousin.
BETWEEN = [(1024, 600), (1000, 740), (1366, 768), (900, 560)]
LONG_NAME = "Maximiliane Alexandrina von Hohenzollern-Sigmaringen"
CLASS = ["Ann", LONG_NAME, "Bob", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo"]
ROSTER = [(n, name) for n, name in enumerate(CLASS, 1)]
START_S = GET_READY_S
SETTLE_S = settle_time_s(TimingRules())


def feed(control, *landings_s):
    for n, landing_s in enumerate(landings_s, 1):
        control.on_event(rep_landing_at(landing_s, index=n))


def running(control, name, names, until_s, landings_s=()):
    """``name`` for ``names`` started at ``START_S``, reps landing at ``landings_s``, clock at ``until_s``."""
    control.start_with(load_challenge(name), names, 0.0)
    control.tick(START_S)
    feed(control, *landings_s)
    control.tick(until_s)
    return until_s


def state_choose(control):
    control.open(0.0)
    return 0.0


def state_class(control):
    control.open(0.0)
    for action in [Action.NEXT] * 3 + [Action.SELECT, Action.NEXT, Action.SELECT, Action.NEXT,
                                        Action.NEXT, Action.SELECT]:
        control.act(action, 0.0)
    return 0.0


def state_class_message(control):
    state_class(control)
    control.highlighted = 0
    control.act(Action.NEXT, 0.0)
    control.act(Action.SELECT, 0.0)   # unticks Ann: one athlete left
    control.highlighted = 0
    control.act(Action.SELECT, 0.0)   # START: a relay needs two
    return 0.0


def state_ready(control):
    control.start_with(load_challenge("relay"), CLASS, 0.0)
    control.tick(2.2)
    return 2.2


def state_work(control):
    return running(control, "tabata", ["Ann"], START_S + 6.3, [START_S + 1 + n for n in range(5)])


def state_work_relay(control):
    landings = [START_S + 1 + n for n in range(12)] + [START_S + 46 + n for n in range(7)]
    return running(control, "relay", CLASS, START_S + 52.0, landings)


def state_rest_relay(control):
    return running(control, "relay", CLASS, START_S + 35.0, [START_S + 1 + n for n in range(12)])


def state_paused(control):
    running(control, "tabata", ["Ann"], START_S + 8.0, [START_S + 1, START_S + 2])
    control.act(Action.SELECT, START_S + 8.0)
    return START_S + 12.0


def state_confirm(control):
    running(control, "relay", CLASS, START_S + 12.0, [START_S + 1])
    control.act(Action.BACK, START_S + 12.0)
    return START_S + 13.0


def state_time(control):
    return running(control, "tabata", ["Ann"], START_S + 230.5, [START_S + 1])


def state_flash(control):
    return running(control, "tabata", ["Ann"], START_S + 17.05, [START_S + 1])


def state_results(control):
    landings = [START_S + 30 * r + 1 + n for r in range(8) for n in range(4 + r % 3)]
    return running(control, "tabata", [LONG_NAME], START_S + 240.0, landings)


def state_results_relay(control):
    landings = [START_S + 45 * turn + 1 + n for turn in range(6) for n in range(3 + turn % 4)]
    running(control, "relay", CLASS, START_S + 280.0, landings)
    control.act(Action.BACK, START_S + 280.0)
    control.act(Action.SELECT, START_S + 280.0)
    return START_S + 281.0


STATES = {name.removeprefix("state_").replace("_", " "): function
          for name, function in dict(globals()).items() if name.startswith("state_")}
RUNNING = ["ready", "work", "work relay", "rest relay", "paused", "confirm", "time"]


def app_in(name, size, simulated=True):
    """A kiosk app at ``size`` with a challenge in state ``name``; its draw's rects and time."""
    app = KioskApp(KioskScreen(size), LiveBoard(simulated=simulated))
    control = ChallengeControl(lambda: list(ROSTER), TimingRules())
    app.challenge = ChallengeMode(control)
    now_s = STATES[name](control)
    rects = app.draw(Screen.ATTRACT, now_s)
    return app, rects, now_s


def pixels_of(surface, colour, area=None):
    part = surface if area is None else surface.subsurface(area)
    return pygame.mask.from_threshold(part, colour, (1, 1, 1, 255)).count()


def test_every_state_is_reached():
    assert len(STATES) == 13


@pytest.mark.parametrize("size", SIZES + BETWEEN)
@pytest.mark.parametrize("name", STATES)
def test_every_text_lies_inside_the_window_and_none_overlaps_another(video, size, name):
    app, rects, _ = app_in(name, size)
    assert rects and all(app.screen.surface.get_rect().contains(rect) for rect in rects)
    overlaps = [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.colliderect(b)]
    assert overlaps == []


@pytest.mark.parametrize("size", SIZES + BETWEEN)
@pytest.mark.parametrize("name", RUNNING)
def test_the_interval_clock_is_at_least_thirty_percent_of_the_screen_high(video, size, name):
    _, rects, _ = app_in(name, size)
    clock = max(rects, key=lambda rect: rect.height)
    assert clock.height >= 0.30 * size[1]
    assert clock.right <= 0.7 * size[0]   # the leaderboard keeps the right


@pytest.mark.parametrize("name, colour", [("work", WORK_COLOUR), ("rest relay", REST_COLOUR),
                                          ("paused", AMBER)])
def test_work_is_green_rest_blue_and_a_pause_amber_across_the_band(video, name, colour):
    app, _, _ = app_in(name, (1280, 720), simulated=False)
    band = pygame.Rect(40, 80, 680, 80)
    assert pixels_of(app.screen.surface, colour, band) > 0.6 * band.width * band.height
    others = {WORK_COLOUR, REST_COLOUR, AMBER} - {colour}
    assert all(pixels_of(app.screen.surface, other, band) == 0 for other in others)


def test_a_paused_clock_is_dimmed_and_stands_still(video):
    app, rects, now_s = app_in("paused", (1280, 720))
    clock = max(rects, key=lambda rect: rect.height)
    assert pixels_of(app.screen.surface, DIM, clock) > 0 and pixels_of(app.screen.surface, TEXT, clock) == 0
    control = app.challenge.control
    assert app.challenge.view(now_s).clock_text == app.challenge.view(now_s + 30).clock_text == "0:12"
    assert control.engine.status == "paused"


def test_the_flash_lights_the_whole_screen_and_leaves_the_clock_readable(video):
    app, rects, now_s = app_in("flash", (1280, 720), simulated=False)
    surface = app.screen.surface
    assert app.challenge.control.flashing(now_s) == "count"
    assert pixels_of(surface, TEXT) > 0.7 * 1280 * 720
    clock = max(rects, key=lambda rect: rect.height)
    assert pixels_of(surface, TEXT, clock) < 0.9 * clock.width * clock.height   # digits in dark
    app.draw(Screen.ATTRACT, now_s + 0.5)
    assert pixels_of(surface, TEXT) < 0.3 * 1280 * 720


def test_the_athlete_on_the_mat_is_lit_on_the_leaderboard(video):
    app, _, _ = app_in("work relay", (1280, 720), simulated=False)
    control = app.challenge.control
    on_mat = control.engine.state(START_S + 52.0).athlete
    assert on_mat == LONG_NAME
    leaderboard = pygame.Rect(790, 60, 460, 560)
    lit = pixels_of(app.screen.surface, WORK_COLOUR, leaderboard)
    row_area = leaderboard.width * 720 * 0.072
    assert 0.5 * row_area < lit < 1.2 * row_area   # one row, not two


def test_the_confirm_question_shows_in_amber(video):
    app, _, _ = app_in("confirm", (1280, 720), simulated=False)
    bottom_left = pygame.Rect(30, 640, 730, 65)
    assert pixels_of(app.screen.surface, AMBER, bottom_left) > 0.5 * bottom_left.width * bottom_left.height


def test_the_results_have_a_bar_per_round(video):
    app, _, _ = app_in("results", (1280, 720), simulated=False)
    assert app.challenge.control.stage == "results"
    surface = app.screen.surface
    bottom_y = max(y for y in range(380, 700) if pixels_of(surface, WORK_COLOUR, pygame.Rect(600, y, 680, 1)))
    scan = [surface.get_at((x, bottom_y - 1))[:3] == WORK_COLOUR for x in range(600, 1280)]
    bars = sum(1 for x in range(1, len(scan)) if scan[x] and not scan[x - 1])
    assert bars == 8


def test_next_on_the_attract_screen_of_the_real_app_opens_the_challenges(video):
    app = KioskApp(KioskScreen((800, 480)), LiveBoard())
    app.challenge = ChallengeMode(ChallengeControl(lambda: list(ROSTER), TimingRules()))
    app.frame(0.0)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT, mod=0, unicode=""))
    app.frame(0.1)
    assert app.challenge.control.stage == "choose"
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode=""))
    app.frame(0.2)
    assert app.challenge.control.stage == "class" and app.flow.screen is Screen.ATTRACT


def test_station_run_with_a_challenge_opens_the_kiosk_in_it_and_keeps_the_results(tmp_path):
    assert station("athletes", "--data-dir", tmp_path, "add", "Ann").returncode == 0
    shots = tmp_path / "shots"
    result = station("run", "--simulate", "--seed", 5, "--speed", 25, "--duration", 245, "--size",
                     "800x480", "--challenge", "tabata", "--class", "Ann", "--data-dir", tmp_path,
                     "--screenshots", shots, timeout=120)
    assert result.returncode == 0, result.stderr
    names = [path.name.split("-", 1)[1] for path in sorted(shots.glob("*.png"))]
    assert {"challenge-ready.png", "challenge-work.png", "challenge-rest.png",
            "challenge-results.png"} <= set(names)
    assert all(pygame.image.load(path).get_size() == (800, 480) for path in shots.glob("*.png"))
    conn = sqlite3.connect(tmp_path / "station.db")
    rounds = conn.execute("SELECT a.name, COUNT(*), SUM(r.valid_reps) FROM challenge_rounds r "
                          "JOIN athletes a ON a.id = r.athlete_id").fetchall()
    ended = conn.execute("SELECT name, ended_by FROM challenges").fetchall()
    conn.close()
    assert ended == [("tabata", "finished")]
    assert rounds[0][:2] == ("Ann", 8) and rounds[0][2] > 0
    history = station("sessions", "--data-dir", tmp_path, "--athlete", "Ann")
    assert history.returncode == 0
    line = [row for row in history.stdout.splitlines() if "Tabata" in row]
    assert len(line) == 1 and "1 of 1" in line[0] and f"  {rounds[0][2]}  " in line[0]
    assert "finished" in line[0]


def test_the_athlete_on_the_mat_keeps_a_row_when_the_class_is_longer_than_the_board():
    from station.challenge.board import LEADERBOARD_ROWS, live_view
    control = ChallengeControl(lambda: [], TimingRules())
    names = [f"Athlete {n}" for n in range(1, 16)]
    control.start_with(load_challenge("relay"), names, 0.0)
    control.tick(START_S)
    for turn in range(11):          # the first eleven jump once each, the twelfth is on
        control.on_event(rep_landing_at(START_S + 45 * turn + 1.0, index=turn + 1))
    control.tick(START_S + 45 * 11 + 5.0)
    view = live_view(control.definition, control.engine.state(START_S + 45 * 11 + 5.0))
    assert len(view.leaderboard) == LEADERBOARD_ROWS
    assert [row.athlete for row in view.leaderboard if row.on_mat] == ["Athlete 12"]
    assert view.leaderboard[-1].on_mat and view.leaderboard[-1].place == 12
