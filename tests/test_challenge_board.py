"""The challenge screen's view model, from a real engine on a fake clock."""

from challenge_reps import rep_landing_at
from station.challenge.board import clock_text, live_view, results_view
from station.challenge.definition import load_challenge
from station.challenge.engine import ChallengeEngine
from station.challenge.events import ChallengeFinished

SETTLE_S = 2.0


def started(name, roster):
    engine = ChallengeEngine(load_challenge(name), roster, SETTLE_S)
    engine.start(0.0)
    return engine


def view_at(engine, now_s):
    engine.tick(now_s)
    return live_view(engine.definition, engine.state(now_s))


def test_the_clock_counts_down_in_whole_seconds_rounded_up():
    assert [clock_text(s) for s in (60.0, 59.01, 1.0, 0.2, 0.0, 75.5)] == \
        ["1:00", "1:00", "0:01", "0:01", "0:00", "1:16"]
    assert clock_text(None) == "--:--"


def test_a_tabata_work_interval_shows_round_reps_and_total_then_flashes_before_the_rest():
    engine = started("tabata", ["Ann"])
    for landing_s in (1.0, 2.0, 3.0):
        engine.rep(rep_landing_at(landing_s))
    view = view_at(engine, 10.0)
    assert (view.banner, view.clock_text, view.round_text) == ("WORK", "0:10", "Round 1 of 8")
    assert (view.reps_text, view.total_text, view.athlete_text, view.next_text) == \
        ("3", "Total 3", "", "")
    assert not view.flash
    assert view_at(engine, 17.5).flash
    rest = view_at(engine, 21.0)
    assert (rest.banner, rest.clock_text, rest.reps_text, rest.total_text) == \
        ("REST", "0:09", "", "Total 3")


def test_a_relay_rest_says_who_is_next_and_the_leaderboard_marks_who_is_on_the_mat():
    engine = started("relay", ["Ann", "Bob", "Cy"])
    engine.rep(rep_landing_at(5.0))
    rest = view_at(engine, 31.0)
    assert (rest.banner, rest.athlete_text, rest.next_text) == ("REST", "", "Next: Bob")
    work = view_at(engine, 50.0)
    assert (work.athlete_text, work.next_text, work.reps_text) == ("Bob", "Next: Cy", "0")
    assert [(r.place, r.athlete, r.score_text, r.on_mat) for r in work.leaderboard] == \
        [(1, "Ann", "1 valid", False), (2, "Bob", "0 valid", True), (2, "Cy", "0 valid", False)]


def test_an_emom_minute_shows_reps_against_the_target():
    engine = started("emom-10", ["Ann"])
    for landing_s in (1.0, 2.0, 3.0, 4.0):
        engine.rep(rep_landing_at(landing_s))
    assert view_at(engine, 5.0).reps_text == "4 / 10"


def test_pause_shows_a_frozen_clock_without_flashing():
    engine = started("tabata", ["Ann"])
    engine.pause(18.0)
    view = view_at(engine, 30.0)
    assert (view.banner, view.clock_text, view.flash) == ("PAUSED", "0:02", False)


def test_the_results_show_a_podium_and_valid_reps_per_round():
    engine = started("relay", ["Ann", "Bob", "Cy", "Dee"])
    # turns: Ann 0-30, Bob 45-75, Cy 90-120, Dee 135-165, then Ann 180-210 ...
    for landing_s in (1.0, 2.0, 46.0, 47.0, 48.0, 181.0):
        engine.rep(rep_landing_at(landing_s))
    [finished] = [e for e in engine.abort(200.0) if isinstance(e, ChallengeFinished)]
    view = results_view(engine.definition, finished)
    assert view.ended_text == "Stopped early"
    assert [(r.place, r.athlete) for r in view.podium] == [(1, "Ann"), (1, "Bob"), (3, "Cy"),
                                                           (3, "Dee")]
    assert view.table_header == ("#", "Athlete", "R1", "R2", "Valid")
    assert view.table_rows == (("1", "Ann", "2", "1", "3"), ("1", "Bob", "3", "-", "3"),
                               ("3", "Cy", "0", "-", "0"), ("3", "Dee", "0", "-", "0"))
