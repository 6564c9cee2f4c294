"""The TV's countdown follows the intervals as the stations run them: the
board's timeline after pauses and skips agrees with the stations' own
challenge engine, moment for moment."""

import pytest

from station.challenge.definition import parse_definition
from station.challenge.engine import ChallengeEngine
from station.hub.web.board_clock import timeline

PLAN = [("work", 20.0), ("rest", 10.0), ("work", 20.0)]
DEFINITION = {"name": "t", "title": "T", "rounds": 2, "work_s": 20, "rest_s": 10}


def test_without_controls_it_is_the_plan_from_the_start():
    assert timeline(PLAN, 100.0, []) == {"intervals": [
        ["work", 1, 100.0, 120.0], ["rest", None, 120.0, 130.0], ["work", 2, 130.0, 150.0]],
        "paused": None}


def test_a_pause_freezes_the_time_left_and_the_resume_shifts_what_follows():
    paused = timeline(PLAN, 100.0, [(105.0, "pause")])
    assert paused["paused"] == {"index": 0, "left_s": 15.0}
    resumed = timeline(PLAN, 100.0, [(105.0, "pause"), (112.0, "resume")])
    assert resumed["paused"] is None
    assert [i[2:] for i in resumed["intervals"]] == [[100.0, 127.0], [127.0, 137.0],
                                                    [137.0, 157.0]]


def test_a_skip_ends_the_interval_at_once():
    assert [i[2:] for i in timeline(PLAN, 100.0, [(104.0, "skip")])["intervals"]] == [
        [100.0, 104.0], [104.0, 114.0], [114.0, 134.0]]


def test_controls_before_the_start_or_after_the_end_change_nothing():
    plain = timeline(PLAN, 100.0, [])
    assert timeline(PLAN, 100.0, [(99.0, "pause"), (99.5, "skip")]) == plain
    assert timeline(PLAN, 100.0, [(150.0, "pause"), (151.0, "skip")]) == plain


CONTROL_SEQUENCES = [
    [(105.0, "pause"), (108.0, "resume")],
    [(105.0, "pause"), (106.0, "skip"), (110.0, "resume")],
    [(103.0, "skip"), (104.0, "skip")],
    [(125.0, "pause"), (140.0, "resume"), (150.0, "skip")],
    [(105.0, "pause"), (106.0, "pause"), (107.0, "resume"), (108.0, "resume")],
]


@pytest.mark.parametrize("controls", CONTROL_SEQUENCES)
def test_it_agrees_with_the_stations_engine(controls):
    """The engine on a timeline in Unix seconds, as a station runs it."""
    engine = ChallengeEngine(parse_definition(DEFINITION, "test"), ["Ann"], settle_s=0.0)
    events = engine.start(100.0)
    for at_s, action in controls:
        events += getattr(engine, action)(at_s)
    events += engine.tick(1000.0)
    starts = [event.time_s for event in events if type(event).__name__ == "IntervalStarted"]
    board = timeline(PLAN, 100.0, controls)
    assert [interval[2] for interval in board["intervals"]] == starts
    assert board["intervals"][-1][3] == engine.end_s
