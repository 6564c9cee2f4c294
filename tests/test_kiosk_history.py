"""The history screen: when it opens and closes, what the log gives it, how it
reads at every size, and the app and `station run` wiring it in."""

import random
import types
from datetime import datetime, timedelta, timezone

import pygame
import pytest

from challenge_reps import rep_landing_at
from kiosk_states import LONG_NAME
from log_rows import T0, add_session, add_set, fill_log, iso, new_log
from station.analysis.events import SetEnd, SetStart, Summary
from station.challenge.definition import load_challenge
from station.challenge.engine import ChallengeEngine
from station.challenge.events import ChallengeFinished
from station.challenge.store import save_challenge
from station.commands.run import close_parts, kiosk_parts
from station.config import Config
from station.kiosk.screens import history as history_screen
from station.kiosk.controls.actions import Action, Tap
from station.kiosk.app import KioskApp
from station.kiosk.state.board import LiveBoard
from station.kiosk.flow import HISTORY_IDLE_S, Flow, Screen
from station.kiosk.draw.layout import TILE
from station.kiosk.screen import KioskScreen
from station.kiosk.draw.text import TextCache
from station.log.athlete_history import (AthleteHistory, ChallengeLine, SessionLine, history_provider,
                                         load_history)
from station.log.run_log import open_run_log

SIZES = [(800, 480), (1280, 720), (1920, 1080), (1024, 600), (1366, 768), (900, 560)]
ROSTER = [(7, "Ada"), (9, "Grace")]
SETTLE_S = 2.0


def made_up_history(name="Ada", sessions_n=6, challenges_n=6):
    """A history as the log would give it, newest first."""
    day = datetime(2026, 11, 24, 19, 0, tzinfo=timezone.utc)
    sessions = tuple(SessionLine(day - timedelta(days=i), 20 + i, 0.312 - i / 100, 0.183 + i / 1000)
                     for i in range(sessions_n))
    challenges = tuple(ChallengeLine(f"Tabata {i}", day - timedelta(days=i), i + 1, 12, 30 - i)
                       for i in range(challenges_n))
    return AthleteHistory(name, sessions, challenges)


class Kiosk:
    """A flow with a history provider that counts how often it is asked, and a fake clock."""

    def __init__(self, history=made_up_history):
        self.board = LiveBoard(has_force=False)
        self.asked = []
        self.flow = Flow(lambda: list(ROSTER), history=self._asking(history) if history else None)

    def _asking(self, history):
        def ask(athlete_id):
            self.asked.append(athlete_id)
            return history()
        return ask

    def at(self, now_s, *actions):
        return self.flow.update(self.board, now_s, list(actions), {})

    def pick_ada(self, now_s=0.0):
        self.at(now_s, Action.SELECT, Action.NEXT, Action.SELECT)
        assert self.flow.athlete == (7, "Ada")
        return self


# The flow ------------------------------------------------------------------

def test_back_on_the_attract_screen_opens_the_history_of_the_picked_athlete_asking_once():
    kiosk = Kiosk().pick_ada()
    assert kiosk.at(1.0, Action.BACK) is Screen.HISTORY
    for now_s in (1.1, 2.0, 5.0):
        assert kiosk.at(now_s) is Screen.HISTORY
    assert kiosk.asked == [7]
    assert kiosk.flow.shown_history.name == "Ada"


def test_a_guest_or_a_kiosk_without_history_gets_no_history_screen():
    assert Kiosk().at(0.0, Action.BACK) is Screen.ATTRACT
    assert Kiosk(history=None).pick_ada().at(1.0, Action.BACK) is Screen.ATTRACT
    assert Kiosk(history=lambda: None).pick_ada().at(1.0, Action.BACK) is Screen.ATTRACT


@pytest.mark.parametrize("closing", [Action.BACK, Action.SELECT, Tap(10, 10)])
def test_back_select_or_a_tap_close_it(closing):
    kiosk = Kiosk().pick_ada()
    kiosk.at(1.0, Action.BACK)
    assert kiosk.at(2.0, closing) is Screen.ATTRACT
    assert kiosk.flow.shown_history is None


def test_it_closes_after_being_left_alone_and_next_keeps_it_open():
    kiosk = Kiosk().pick_ada()
    kiosk.at(1.0, Action.BACK)
    assert kiosk.at(1.0 + HISTORY_IDLE_S) is Screen.HISTORY
    assert kiosk.at(1.0 + HISTORY_IDLE_S + 0.01) is Screen.ATTRACT
    kiosk.at(50.0, Action.BACK)
    assert kiosk.at(70.0, Action.NEXT) is Screen.HISTORY
    assert kiosk.at(70.0 + HISTORY_IDLE_S) is Screen.HISTORY
    assert kiosk.at(70.0 + HISTORY_IDLE_S + 0.01) is Screen.ATTRACT


def test_stepping_on_the_mat_closes_it_for_the_set():
    kiosk = Kiosk().pick_ada()
    kiosk.at(1.0, Action.BACK)
    kiosk.board.apply(SetStart(1, 2.0))
    assert kiosk.at(2.0) is Screen.LIVE
    kiosk.board.apply(SetEnd(1, 2.0, 9.0, 0, 0, "step_off"))
    assert kiosk.at(30.0) is Screen.ATTRACT  # it does not come back after the set


def test_the_end_of_the_run_closes_it_for_the_summary():
    kiosk = Kiosk().pick_ada()
    kiosk.board.apply(SetStart(1, 0.5))
    kiosk.board.apply(SetEnd(1, 0.5, 0.9, 0, 0, "step_off"))
    kiosk.at(20.0, Action.BACK)
    assert kiosk.flow.screen is Screen.HISTORY
    kiosk.board.apply(Summary(21.0, 1, 0, 0, 0.0))
    assert kiosk.at(21.0) is not Screen.HISTORY


# The provider, on a real log -----------------------------------------------

def finished_relay(landings_s):
    """A two-athlete relay (Ada, then Grace) with reps landing at ``landings_s``."""
    engine = ChallengeEngine(load_challenge("relay"), ["Ada", "Grace"], SETTLE_S)
    engine.start(0.0)
    for landing_s in landings_s:
        engine.rep(rep_landing_at(landing_s))
    [finished] = [e for e in engine.tick(600.0) if isinstance(e, ChallengeFinished)]
    return engine.definition, finished


def expected_sessions(conn, athlete_id):
    """Each session of the athlete from the rows themselves, newest first:
    (started_at, valid reps, best valid height, mean valid rebound)."""
    rows = conn.execute("SELECT s.id, s.started_at, r.valid, r.jump_height_m, r.rebound_contact_s "
                        "FROM sets JOIN sessions s ON s.id = sets.session_id JOIN reps r ON r.set_id = sets.id "
                        "WHERE sets.athlete_id = ?", (athlete_id,)).fetchall()
    out = []
    for session_id in sorted({row[0] for row in rows}, reverse=True):
        mine = [row for row in rows if row[0] == session_id and row[2]]
        out.append((mine[0][1] if mine else None, len(mine), max(row[3] for row in mine),
                    sum(row[4] for row in mine) / len(mine)))
    return out


def test_the_sessions_are_the_athletes_own_newest_first_with_valid_rep_numbers(tmp_path):
    conn = new_log(tmp_path / "station.db")
    ids = fill_log(conn, ["Ada", "Grace", "Linus"], sessions=4, reps_per_set=8, seed=3)
    history = load_history(conn, ids["Grace"])
    expected = expected_sessions(conn, ids["Grace"])
    assert history.name == "Grace" and len(history.sessions) == 4
    assert [line.started for line in history.sessions] == \
        sorted((line.started for line in history.sessions), reverse=True)
    for line, (started_at, valid_n, best_m, mean_s) in zip(history.sessions, expected):
        assert line.started == datetime.fromisoformat(started_at)
        assert line.valid_reps == valid_n
        assert line.best_height_m == pytest.approx(best_m)
        assert line.mean_rebound_s == pytest.approx(mean_s)


def test_only_the_last_few_sessions_come_and_a_session_without_valid_reps_has_no_numbers(tmp_path):
    conn = new_log(tmp_path / "station.db")
    ids = fill_log(conn, ["Ada"], sessions=8, seed=1)
    assert len(load_history(conn, ids["Ada"], lines_n=3).sessions) == 3
    late = add_session(conn, T0 + timedelta(days=30))
    set_id = add_set(conn, late, ids["Ada"], 0, T0 + timedelta(days=30), 4, random.Random(2))
    conn.execute("UPDATE reps SET valid = 0 WHERE set_id = ?", (set_id,))
    newest = load_history(conn, ids["Ada"]).sessions[0]
    assert (newest.valid_reps, newest.best_height_m, newest.mean_rebound_s) == (0, None, None)


def test_the_challenges_come_newest_first_with_place_of_how_many_and_valid_reps(tmp_path):
    conn = new_log(tmp_path / "station.db")
    ids = fill_log(conn, ["Ada", "Grace"], sessions=1)
    session_id = conn.execute("SELECT id FROM sessions").fetchone()[0]
    won = finished_relay([1.0, 2.0, 3.0, 46.0])              # Ada 3 in her turn, Grace 1 in hers
    lost = finished_relay([1.0, 46.0, 47.0, 48.0, 49.0])     # Ada 1, Grace 4
    save_challenge(conn, session_id, *won, ids, iso(T0))
    save_challenge(conn, session_id, *lost, ids, iso(T0 + timedelta(days=1)))
    ada = load_history(conn, ids["Ada"]).challenges
    grace = load_history(conn, ids["Grace"]).challenges
    assert [line.started for line in ada] == [datetime.fromisoformat(iso(T0 + timedelta(days=d))) for d in (1, 0)]
    assert [(line.place, line.athletes_n, line.valid_reps) for line in ada] == [(2, 2, 1), (1, 2, 3)]
    assert [(line.place, line.valid_reps) for line in grace] == [(1, 4), (2, 1)]
    assert ada[0].title == load_challenge("relay").title


def test_an_unknown_athlete_or_an_unreadable_log_gives_no_history(tmp_path, caplog):
    conn = new_log(tmp_path / "station.db")
    fill_log(conn, ["Ada"], sessions=1)
    assert load_history(conn, 999) is None
    provide = history_provider(conn)
    conn.execute("DROP TABLE reps")
    assert provide(1) is None and "history could not be read" in caplog.text
    assert history_provider(None) is None


def test_station_run_gives_the_kiosk_the_history_from_its_session_log(tmp_path):
    log = open_run_log(tmp_path, Config(), types.SimpleNamespace(simulated=False), ("simulated", "none"))
    ids = fill_log(log.session.conn, ["Ada", "Grace"], sessions=2)
    parts = kiosk_parts(Config(), log, gpio_chips=str(tmp_path / "none*"))
    try:
        shown = parts["history"](ids["Ada"])
        assert shown == load_history(log.session.conn, ids["Ada"]) and len(shown.sessions) == 2
    finally:
        close_parts(parts)
        log.close()


# The screen ----------------------------------------------------------------

def drawn(size, history, banners=0):
    board = LiveBoard(simulated=banners > 0)
    if banners > 1:
        board.banners.append(("config", "The config has a problem: check the [kiosk] section."))
    app = KioskApp(KioskScreen(size), board, history=lambda athlete_id: history)
    app.flow.athlete = (7, history.name)
    app.flow.update(app.board, 0.0, [Action.BACK])
    return app, app.draw(Screen.HISTORY, 0.0)


LAYOUTS = {"long and full": lambda: made_up_history(LONG_NAME + " " + LONG_NAME),
           "long titles": lambda: AthleteHistory("Ada", made_up_history().sessions,
                                                 tuple(ChallengeLine(LONG_NAME, s.started, 10, 12, 100)
                                                       for s in made_up_history().sessions)),
           "no challenges": lambda: made_up_history(challenges_n=0),
           "nothing yet": lambda: made_up_history(sessions_n=0, challenges_n=0),
           "few": lambda: made_up_history(sessions_n=2, challenges_n=1)}


@pytest.mark.parametrize("banners", [0, 2])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_text_lies_inside_the_window_and_none_overlaps(video, size, layout, banners):
    app, rects = drawn(size, LAYOUTS[layout](), banners)
    window = app.screen.surface.get_rect()
    assert rects and all(window.contains(rect) for rect in rects)
    assert [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.colliderect(b)] == []


@pytest.mark.parametrize("size", SIZES)
def test_six_rows_of_four_cells_show_readable_across_the_room(video, size):
    rects = history_screen.render(pygame.Surface(size), made_up_history(), TextCache())
    # Capitals at least 4 % of the screen high: 19 px on the 7" panel, read from 3 m.
    # Between the title and the footer.
    rows = [rect for rect in rects if 0.12 * size[1] < rect.top < 0.9 * size[1]]
    big = [rect for rect in rows if rect.height >= 0.04 * size[1]]
    assert len(big) == 4 * history_screen.ROWS_N   # every cell of every row, and nothing else
    assert len({rect.top for rect in big}) == history_screen.ROWS_N


def test_a_list_with_fewer_lines_leaves_its_rows_to_the_other():
    assert history_screen.rows_shown(6, 6) == (3, 3)
    assert history_screen.rows_shown(6, 1) == (5, 1)
    assert history_screen.rows_shown(1, 6) == (1, 5)
    assert history_screen.rows_shown(0, 6) == (0, 5)   # the empty list keeps a row for "none yet"
    assert history_screen.rows_shown(2, 2) == (2, 2)


# The app ---------------------------------------------------------------------

def post_key(code):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0))


def test_the_app_opens_it_with_backspace_draws_the_rows_and_saves_its_screenshot(video, tmp_path):
    history = made_up_history("Ada")
    app = KioskApp(KioskScreen((1280, 720)), LiveBoard(), roster=lambda: list(ROSTER),
                   history=lambda athlete_id: history, screenshots=tmp_path)
    pygame.event.clear()
    for key in (pygame.K_RETURN, pygame.K_RIGHT, pygame.K_RETURN, pygame.K_BACKSPACE):
        post_key(key)
        app.frame(0.0)
    assert app.flow.screen is Screen.HISTORY
    tiles = pygame.mask.from_threshold(app.screen.surface, TILE, (1, 1, 1, 255)).count()
    assert tiles > 0.2 * 1280 * 720   # six row tiles
    assert [path.name for path in app.shots.saved][-1].endswith("-history.png")
    post_key(pygame.K_RETURN)
    app.frame(1.0)
    assert app.flow.screen is Screen.ATTRACT
    app.close()


# The attract screen's button -------------------------------------------------

def attract_drawn(size, name, history=made_up_history):
    app = KioskApp(KioskScreen(size), LiveBoard(), history=(lambda athlete_id: history()) if history else None)
    app.flow.athlete = (7, name)
    return app, app.draw(Screen.ATTRACT, 0.0)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["Ada", LONG_NAME])
def test_the_history_button_fits_beside_the_name_on_the_attract_screen(video, size, name):
    app, rects = attract_drawn(size, name)
    window = app.screen.surface.get_rect()
    assert all(window.contains(rect) for rect in rects)
    assert [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.colliderect(b)] == []
    button, athlete = pygame.Rect(app._targets["history"]), pygame.Rect(app._targets["athlete"])
    assert window.contains(button) and not button.colliderect(athlete)
    assert button.height >= 0.07 * size[1]   # a finger-sized target on the 7" panel


def test_the_history_button_shows_only_when_there_is_a_history_to_open(video):
    app, _ = attract_drawn((800, 480), "Ada", history=None)
    assert "history" not in app._targets
    guest = KioskApp(KioskScreen((800, 480)), LiveBoard(), history=lambda athlete_id: made_up_history())
    guest.draw(Screen.ATTRACT, 0.0)
    assert "history" not in guest._targets


def test_a_tap_on_the_history_button_opens_the_history(video):
    app, _ = attract_drawn((800, 480), "Ada")
    x, y, w, h = app._targets["history"]
    assert app.flow.update(app.board, 0.0, [Tap(x + w // 2, y + h // 2)], app._targets) is Screen.HISTORY
    assert app.flow.shown_history.name == "Ada"
