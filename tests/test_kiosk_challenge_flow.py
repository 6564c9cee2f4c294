"""The coach's control of a class challenge, driven by a fake clock, with a
real engine and a real session log on disk."""

import sqlite3

import pytest

from challenge_reps import rep_landing_at
from station.analysis.rules import TimingRules
from station.challenge.definition import load_challenge
from station.challenge.engine import settle_time_s
from station.challenge.store import athlete_history
from station.kiosk.controls.actions import Action, Tap
from station.kiosk.challenge.control import CONFIRM_S, FLASH_S, GET_READY_S, SETUP_IDLE_S, ChallengeControl
from station.kiosk.challenge.mode import ChallengeMode, record_opener
from station.kiosk.flow import Screen
from station.log.athletes import add_athlete
from station.log.db import open_log
from station.log.run_log import RunLog
from station.log.writer import SessionLog

SELECT, NEXT, BACK = Action.SELECT, Action.NEXT, Action.BACK
RULES = TimingRules()
SETTLE_S = settle_time_s(RULES)


class Beeps:
    """Hears the cues a challenge plays, in order, like a speaker would."""

    def __init__(self):
        self.heard = []

    def countdown(self, n):
        self.heard.append(n)

    def go(self):
        self.heard.append("go")


@pytest.fixture
def log(tmp_path):
    """A real session log on disk with Ann, Bob and Cy on the roster."""
    conn = open_log(tmp_path)
    for name in ("Ann", "Bob", "Cy"):
        add_athlete(conn, name)
    run_log = RunLog(SessionLog(conn, tmp_path, "simulated", "simulated", simulated=True))
    yield run_log
    run_log.close()


def control_for(log, beeps=None):
    roster = lambda: [(a.id, a.name) for a in log.roster()]  # noqa: E731
    return ChallengeControl(roster, RULES, open_record=record_opener(log), cues=beeps)


def act(control, now_s, *actions):
    for action in actions:
        control.act(action, now_s)
    control.tick(now_s)


def pick(control, now_s, title):
    """Highlight the row labelled ``title`` with NEXT and SELECT it."""
    labels = [row.label for row in control.rows()]
    act(control, now_s, *[NEXT] * ((labels.index(title) - control.highlighted) % len(labels)), SELECT)


def relay_with(control, names, now_s=0.0):
    control.open(now_s)
    pick(control, now_s, "Class relay")
    for name in names:
        pick(control, now_s, name)
    pick(control, now_s, f"START with {len(names)} athletes")


def test_next_on_the_attract_screen_opens_the_challenges_and_other_screens_keep_it(log):
    mode = ChallengeMode(control_for(log))
    assert mode.take([NEXT], 1.0, Screen.LIVE, {}) == [NEXT] and not mode.active
    assert mode.take([NEXT], 2.0, Screen.ATTRACT, {}) == [] and mode.control.stage == "choose"
    titles = [load_challenge(name).title for name in ("amrap-60", "emom-10", "ladder", "relay", "tabata")]
    assert [row.label for row in mode.control.rows()] == [*titles, "Back"]
    assert mode.take([Action.EXIT], 3.0, Screen.ATTRACT, {}) == [Action.EXIT]


def test_back_leaves_the_lists_and_an_untouched_list_closes_by_itself(log):
    control = control_for(log)
    control.open(0.0)
    pick(control, 1.0, "Back")
    assert control.stage == "off"
    control.open(10.0)
    act(control, 10.0 + SETUP_IDLE_S - 1)
    assert control.stage == "choose"
    act(control, 10.0 + SETUP_IDLE_S + 0.1)
    assert control.stage == "off"


def test_a_relay_needs_two_athletes_and_runs_in_the_order_they_were_ticked(log):
    control = control_for(log)
    control.open(0.0)
    pick(control, 0.0, "Class relay")
    pick(control, 0.0, "Cy")
    pick(control, 0.0, "START with 1 athlete")
    assert control.stage == "class" and "at least 2" in control.message
    pick(control, 0.0, "Guest 1")
    pick(control, 0.0, "Ann")
    assert [(row.label, row.tick) for row in control.rows() if row.tick] == \
        [("Ann", 3), ("Cy", 1), ("Guest 1", 2)]
    pick(control, 0.0, "Cy")  # unticked: the others move up
    pick(control, 0.0, "Cy")
    pick(control, 0.0, "START with 3 athletes")
    assert control.stage == "ready" and control.engine.roster == ["Guest 1", "Ann", "Cy"]


def test_a_one_athlete_challenge_keeps_one_tick_and_a_tap_picks_a_row(log):
    control = control_for(log)
    control.open(0.0)
    pick(control, 0.0, "Tabata")
    pick(control, 0.0, "Ann")
    pick(control, 0.0, "Bob")
    assert [row.label for row in control.rows() if row.tick] == ["Bob"]
    start_row = [row.kind for row in control.rows()].index("start")
    control.act(Tap(50, 50), 1.0, {f"row {start_row}": (0, 0, 100, 100)})
    assert control.stage == "ready" and control.engine.roster == ["Bob"]


def test_the_get_ready_countdown_beeps_three_two_one_and_go_then_the_challenge_starts(log):
    beeps = Beeps()
    control = control_for(log, beeps)
    relay_with(control, ["Ann", "Bob"], now_s=100.0)
    start_s = 100.0 + GET_READY_S
    for now_s in (101.0, start_s - 3.5, start_s - 3.0, start_s - 1.5):
        act(control, now_s)
    assert beeps.heard == [3, 2] and control.flashing(start_s - 1.5) is None
    assert control.flashing(start_s - 2.0 + FLASH_S / 2) == "count"
    act(control, start_s + 0.01)
    assert beeps.heard == [3, 2, 1, "go"] and control.stage == "running"
    state = control.engine.state(start_s + 0.01)
    assert (state.kind, state.athlete, state.interval) == ("work", "Ann", 1)
    assert control.flashing(start_s + 0.01) == "work"


def test_reps_pause_resume_and_skip_move_the_engine_as_the_coach_asks(log):
    control = control_for(log)
    relay_with(control, ["Ann", "Bob"])
    start_s = GET_READY_S
    act(control, start_s)
    for landing_s in (start_s + 1, start_s + 2):
        control.on_event(rep_landing_at(landing_s))
    act(control, start_s + 5.0, SELECT)            # pause with 25 s left
    act(control, start_s + 65.0)                   # a long pause
    assert control.engine.state(start_s + 65.0).time_left_s == pytest.approx(25.0)
    control.on_event(rep_landing_at(start_s + 30.0))  # lands while paused: counts for nobody
    act(control, start_s + 70.0, SELECT)           # resume
    act(control, start_s + 71.0, NEXT)             # skip to the change-over rest
    state = control.engine.state(start_s + 71.0)
    assert (state.kind, state.next_athlete, state.totals["Ann"]) == ("rest", "Bob", 2)


def test_one_back_press_never_ends_a_challenge_but_back_then_select_does(log):
    control = control_for(log)
    relay_with(control, ["Ann", "Bob"])
    act(control, GET_READY_S + 1.0)
    act(control, 20.0, BACK)
    assert control.confirming(20.0)
    act(control, 20.0 + CONFIRM_S + 0.1, SELECT)   # too late: it pauses instead
    assert control.stage == "running" and control.engine.status == "paused"
    act(control, 30.0, BACK, NEXT)                 # changed their mind
    assert control.stage == "running" and not control.confirming(30.0)
    act(control, 31.0, BACK, SELECT)
    assert control.stage == "results" and control.finished.ended_by == "aborted"
    act(control, 40.0, NEXT, BACK)
    assert control.stage == "results"              # only SELECT or a tap closes them
    act(control, 41.0, SELECT)
    assert control.stage == "off"


def test_back_then_select_on_the_get_ready_countdown_cancels_without_a_trace(log):
    control = control_for(log)
    relay_with(control, ["Ann", "Bob"])
    act(control, 2.0, BACK, SELECT)
    assert control.stage == "off"
    rows = log.session.conn.execute("SELECT COUNT(*) FROM challenges").fetchone()[0]
    assert rows == 0


def test_results_are_kept_in_the_log_as_each_work_interval_settles_guests_without_an_id(log):
    control = control_for(log)
    relay_with(control, ["Ann", "Guest 1", "Bob"])
    start_s = GET_READY_S
    act(control, start_s)
    for n in range(3):
        control.on_event(rep_landing_at(start_s + 2.0 + n, index=n + 1))
    conn = log.session.conn
    act(control, start_s + 30.0 + SETTLE_S - 0.05)
    assert conn.execute("SELECT COUNT(*) FROM challenge_rounds").fetchone()[0] == 0
    act(control, start_s + 30.0 + SETTLE_S + 0.05)  # Ann's first turn has settled
    ann = [a for a in log.roster() if a.name == "Ann"][0]
    other = sqlite3.connect(log.session.data_dir / "station.db")
    assert other.execute("SELECT athlete_id, round_index, valid_reps FROM challenge_rounds").fetchall() \
        == [(ann.id, 1, 3)]
    act(control, start_s + 75.0 + SETTLE_S + 0.05)  # the guest's turn: no reps, no id
    assert other.execute("SELECT athlete_id, valid_reps FROM challenge_rounds ORDER BY id").fetchall() \
        == [(ann.id, 3), (None, 0)]
    act(control, start_s + 80.0, BACK, SELECT)
    [entry] = athlete_history(conn, ann.id)
    assert (entry.name, entry.valid, entry.ended_by, entry.place) == ("relay", 3, "aborted", 1)
    other.close()


def test_a_challenge_from_the_command_line_starts_straight_away_with_roster_ids(log):
    control = control_for(log)
    mode = ChallengeMode(control, (load_challenge("tabata"), ["Bob"]))
    mode.take([], 5.0, Screen.ATTRACT, {})
    assert control.stage == "ready" and control.starts_at_s == 5.0 + GET_READY_S
    bob = [a.id for a in log.roster() if a.name == "Bob"]
    assert control.ticked == [(bob[0], "Bob")]
    mode.take([], 5.0 + GET_READY_S, Screen.ATTRACT, {})
    assert control.stage == "running" and control.engine.state(15.0).kind == "work"


def test_sets_during_a_challenge_are_logged_under_whose_turn_it_is_then_the_pick_comes_back(log):
    from station.kiosk.challenge.mode import LogAthlete
    ids = {a.name: a.id for a in log.roster()}
    log.athlete_id = ids["Cy"]                      # picked on the kiosk before the class
    control = control_for(log)
    mode = ChallengeMode(control, (load_challenge("relay"), ["Ann", "Guest 1", "Bob"]), LogAthlete(log))
    seen = {}
    for now_s in (0.0, GET_READY_S + 1, GET_READY_S + 31, GET_READY_S + 46, GET_READY_S + 91):
        mode.take([], now_s, Screen.ATTRACT, {})
        seen[now_s] = log.athlete_id
    assert list(seen.values()) == [ids["Ann"], ids["Ann"], None, None, ids["Bob"]]
    mode.take([BACK, SELECT], GET_READY_S + 95, Screen.ATTRACT, {})
    assert control.stage == "results" and log.athlete_id == ids["Cy"]


def test_a_log_that_stops_working_mid_challenge_never_stops_the_challenge(log, caplog):
    control = control_for(log)
    relay_with(control, ["Ann", "Bob"])
    act(control, GET_READY_S)
    log.session.conn.close()                 # the disk is gone: every write fails
    control.on_event(rep_landing_at(GET_READY_S + 1.0))
    act(control, GET_READY_S + 30.0 + SETTLE_S + 0.1)
    assert control.stage == "running" and control.record is None
    assert "could not be kept" in caplog.text
    act(control, GET_READY_S + 40.0, NEXT)   # the coach's controls still work
    assert control.engine.state(GET_READY_S + 40.0).athlete == "Bob"
    log.session = None                       # nothing left to close


def test_the_history_lists_only_a_roster_athletes_own_challenges(log):
    from station.challenge.history import HEADINGS, challenge_rows
    control = control_for(log)
    relay_with(control, ["Ann", "Bob"])
    act(control, GET_READY_S)
    for n in range(4):
        control.on_event(rep_landing_at(GET_READY_S + 1.0 + n, index=n + 1))
    act(control, GET_READY_S + 40.0, BACK, SELECT)
    conn = log.session.conn
    [ann] = challenge_rows(conn, "Ann")
    row = dict(zip(HEADINGS, ann))
    assert (row["challenge"], row["place"], row["valid"], row["per round"], row["ended"]) == \
        ("Class relay", "1 of 1", "4", "4", "stopped early")
    assert challenge_rows(conn, "Bob") == [] and challenge_rows(conn, "Nobody") == []


def test_back_held_ends_a_running_challenge_as_back_then_select_does_and_closes_it(log):
    ids = {a.name: a.id for a in log.roster()}
    log.athlete_id = ids["Cy"]
    from station.kiosk.challenge.mode import LogAthlete
    control = control_for(log)
    mode = ChallengeMode(control, (load_challenge("relay"), ["Ann", "Bob"]), LogAthlete(log))
    mode.take([], 0.0, Screen.ATTRACT, {})
    mode.take([], GET_READY_S + 1.0, Screen.ATTRACT, {})
    control.on_event(rep_landing_at(GET_READY_S + 2.0))
    assert mode.running
    mode.home(GET_READY_S + 5.0)
    assert control.stage == "off" and not mode.active and not mode.running
    [entry] = athlete_history(log.session.conn, ids["Ann"])
    assert (entry.name, entry.valid, entry.ended_by) == ("relay", 1, "aborted")
    assert log.athlete_id == ids["Cy"], "the kiosk's own pick is back"


@pytest.mark.parametrize("stage", ["choose", "class", "ready"])
def test_back_held_closes_the_lists_and_the_countdown_without_keeping_anything(log, stage):
    control = control_for(log)
    control.open(0.0)
    if stage == "class":
        act(control, 0.0, SELECT)
    elif stage == "ready":
        control.start_with(load_challenge("tabata"), ["Ann"], 0.0)
    assert control.stage == stage
    control.home(1.0)
    assert control.stage == "off"
    act(control, GET_READY_S + 5.0)
    assert control.stage == "off"
    assert log.session.conn.execute("SELECT COUNT(*) FROM challenges").fetchone()[0] == 0
