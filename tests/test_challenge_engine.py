"""The challenge engine, driven by a fake session clock and hand-made reps."""

import pytest

from challenge_reps import missing_return, rep_landing_at
from station.analysis.rules import TimingRules
from station.challenge.definition import load_challenge, parse_definition, preset_names
from station.challenge.engine import ChallengeEngine, rep_time_s, settle_time_s
from station.challenge.events import ChallengeFinished, Countdown, IntervalStarted
from station.challenge.roster import class_roster
from station.challenge.scores import IntervalResult

SETTLE_S = 2.0
#: A Rep event leaves the pipeline this long after its final landing.
DECIDED_AFTER_S = 0.055


def engine_for(name="tabata", roster=None):
    definition = load_challenge(name)
    return ChallengeEngine(definition, class_roster(definition, roster), SETTLE_S)


def run(engine, landings_s, until_s, step_s=0.05, **rep_options):
    """Start at 0 and drive the engine like the main loop: every step, the reps
    decided by then, then a tick. Returns every event."""
    pending = sorted(landings_s)
    events = engine.start(0.0)
    steps = int(round(until_s / step_s))
    for n in range(1, steps + 1):
        now_s = n * step_s
        while pending and pending[0] + DECIDED_AFTER_S <= now_s:
            events += engine.rep(rep_landing_at(pending.pop(0), **rep_options))
        events += engine.tick(now_s)
    return events


def results(events):
    return [e for e in events if isinstance(e, IntervalResult)]


def ranking(events):
    [finished] = [e for e in events if isinstance(e, ChallengeFinished)]
    return finished


def test_a_landing_exactly_on_a_boundary_counts_in_the_interval_that_starts_there():
    engine = engine_for("tabata")
    engine.start(0.0)
    for landing_s in (19.999, 20.0, 29.999, 30.0):
        engine.rep(rep_landing_at(landing_s))
    engine.tick(45.0)
    first, rest = engine.results
    assert (first.kind, first.reps, first.end_s) == ("work", 1, 20.0)
    assert (rest.kind, rest.reps, rest.athlete, rest.end_s) == ("rest", 2, None, 30.0)
    assert engine.uncounted["rest"] == 2
    state = engine.state(45.0)  # round 2 is running
    assert (state.interval, state.interval_reps, state.totals) == (3, 1, {"Athlete": 2})


def test_a_rep_that_arrives_after_its_interval_ended_still_counts_there():
    engine = engine_for("tabata")
    engine.start(0.0)
    engine.tick(21.9)  # the rest has begun; the result of round 1 waits for late reps
    assert engine.results == []
    engine.rep(rep_landing_at(19.5))
    [first] = [e for e in engine.tick(22.0) if isinstance(e, IntervalResult)]
    assert (first.index, first.reps, first.valid) == (1, 1, 1)


def test_a_rep_arriving_after_its_interval_was_settled_counts_for_nobody_as_late():
    engine = engine_for("tabata")
    engine.start(0.0)
    engine.tick(22.0)
    engine.rep(rep_landing_at(19.5))
    assert engine.results[0].reps == 0
    assert engine.uncounted["late"] == 1


def test_a_rep_without_a_forward_jump_counts_when_it_left_the_rebound_contact():
    assert rep_time_s(missing_return(19.8, rebound_end_s=20.3)) == 20.3
    assert rep_time_s(missing_return(19.8, rebound_end_s=None)) == 19.8
    engine = engine_for("tabata")
    engine.start(0.0)
    engine.rep(missing_return(19.8, rebound_end_s=20.3))
    engine.rep(missing_return(19.0, rebound_end_s=19.999, index=2))
    engine.tick(40.0)
    assert (engine.results[0].reps, engine.results[0].valid) == (1, 0)
    assert engine.results[1].reps == 1


def test_reps_before_the_start_and_after_the_end_count_for_nobody():
    engine = engine_for("amrap-60")
    engine.rep(rep_landing_at(5.0))  # not started yet
    engine.start(10.0)
    engine.rep(rep_landing_at(9.999))
    engine.rep(rep_landing_at(10.0))
    engine.rep(rep_landing_at(69.999))
    engine.rep(rep_landing_at(70.0))
    engine.tick(80.0)
    assert engine.results[0].reps == 2
    assert (engine.uncounted["before_start"], engine.uncounted["after_end"]) == (2, 1)


def test_countdown_beeps_come_3_2_1_seconds_before_each_interval_change():
    engine = engine_for("tabata")
    events = engine.start(0.0) + engine.tick(30.5)  # one coarse tick still gives every beep
    beeps = [(e.time_s, e.interval, e.seconds_left) for e in events if isinstance(e, Countdown)]
    assert beeps == [(17.0, 1, 3), (18.0, 1, 2), (19.0, 1, 1), (27.0, 2, 3), (28.0, 2, 2),
                     (29.0, 2, 1)]
    times = [e.time_s for e in events if not isinstance(e, IntervalResult)]
    assert times == sorted(times)


def test_pause_freezes_the_interval_clock_and_reps_while_paused_count_for_nobody():
    engine = engine_for("tabata")
    engine.start(0.0)
    engine.pause(5.0)
    assert engine.state(12.0).time_left_s == 15.0
    engine.rep(rep_landing_at(5.0))   # at the pause: paused
    engine.rep(rep_landing_at(14.999))
    engine.resume(15.0)
    engine.rep(rep_landing_at(15.0))  # at the resume: counts
    assert engine.state(16.0).time_left_s == 14.0
    events = engine.tick(29.999)
    assert not any(isinstance(e, IntervalStarted) for e in events)
    engine.rep(rep_landing_at(29.999))
    started = [e for e in engine.tick(30.0) if isinstance(e, IntervalStarted)]
    assert [(e.index, e.time_s) for e in started] == [(2, 30.0)]
    engine.tick(40.0)
    first = engine.results[0]
    assert (first.start_s, first.end_s, first.reps, first.paused_reps) == (0.0, 30.0, 2, 2)
    assert engine.uncounted["paused"] == 2


def test_skip_ends_the_interval_now_and_the_next_runs_its_full_length():
    engine = engine_for("tabata")
    engine.start(0.0)
    engine.rep(rep_landing_at(11.0))
    started = engine.skip(12.5)
    assert [(e.index, e.kind, e.time_s) for e in started] == [(2, "rest", 12.5)]
    engine.rep(rep_landing_at(12.5))  # lands in the rest
    engine.tick(30.0)
    assert engine.state(30.0).interval == 3
    first, rest = engine.results
    assert (first.ended_by, first.end_s, first.reps) == ("skipped", 12.5, 1)
    assert (rest.start_s, rest.end_s, rest.reps) == (12.5, 22.5, 1)


def test_skip_while_paused_moves_on_but_stays_paused():
    engine = engine_for("tabata")
    engine.start(0.0)
    engine.pause(5.0)
    engine.skip(8.0)
    state = engine.state(50.0)
    assert (state.status, state.interval, state.kind, state.time_left_s) == ("paused", 2, "rest", 10.0)
    engine.resume(60.0)
    engine.tick(70.0)
    assert [(r.index, r.start_s, r.end_s) for r in engine.results[:1]] == [(1, 0.0, 8.0)]
    assert engine.state(70.0).interval == 3  # the rest ran 60-70 s


def test_skipping_the_last_interval_finishes_the_challenge():
    engine = engine_for("amrap-60")
    engine.start(0.0)
    engine.skip(30.0)
    assert engine.status == "over"
    events = engine.tick(30.0 + SETTLE_S)
    assert ranking(events).ended_by == "finished"
    assert results(events)[0].ended_by == "skipped"


def test_abort_gives_every_result_and_the_ranking_at_once():
    engine = engine_for("tabata")
    engine.start(0.0)
    events = engine.rep(rep_landing_at(3.0)) + engine.rep(rep_landing_at(31.0))
    events += engine.abort(33.0)
    assert [(r.index, r.ended_by, r.reps) for r in results(events)] == \
        [(1, "time", 1), (2, "time", 0), (3, "aborted", 1)]
    finished = ranking(events)
    assert (finished.ended_by, finished.time_s, finished.standings[0].valid) == ("aborted", 33.0, 2)
    assert engine.tick(100.0) == [] and engine.status == "finished"


def test_abort_before_the_start_ranks_everyone_at_nothing():
    engine = engine_for("relay", ["Ann", "Bob"])
    finished = ranking(engine.abort(1.0))
    assert [(s.place, s.athlete, s.valid) for s in finished.standings] == [(1, "Ann", 0), (1, "Bob", 0)]


def test_a_relay_credits_each_work_interval_to_the_athlete_on_the_mat():
    engine = engine_for("relay", ["Ann", "Bob", "Cy"])
    # Ann's turns: 0-30 and 135-165; Bob's 45-75 and 180-210; Cy's 90-120 and 225-255.
    reps_s = [1, 2, 3, 46, 47, 91, 40, 136, 137, 138, 139, 181, 226, 227, 228]
    events = run(engine, reps_s, 260.0)
    work = [(r.athlete, r.round, r.reps) for r in results(events) if r.kind == "work"]
    assert work == [("Ann", 1, 3), ("Bob", 1, 2), ("Cy", 1, 1), ("Ann", 2, 4), ("Bob", 2, 1),
                    ("Cy", 2, 3)]
    standings = ranking(events).standings
    assert [(s.place, s.athlete, s.valid, s.rounds) for s in standings] == \
        [(1, "Ann", 7, 2), (2, "Cy", 4, 2), (3, "Bob", 3, 2)]
    assert engine.uncounted["rest"] == 1  # the one at 40 s, in the changeover


def test_the_screen_state_shows_who_is_on_the_mat_and_who_is_next():
    engine = engine_for("relay", ["Ann", "Bob", "Cy"])
    run(engine, [1.0, 2.0], 40.0)
    state = engine.state(40.0)
    assert (state.interval, state.kind, state.athlete, state.next_athlete) == (2, "rest", None, "Bob")
    assert state.time_left_s == pytest.approx(5.0)
    assert state.totals == {"Ann": 2, "Bob": 0, "Cy": 0}
    assert [s.athlete for s in state.leaderboard] == ["Ann", "Bob", "Cy"]
    run_state = engine_for("relay", ["Ann", "Bob", "Cy"])
    run(run_state, [], 50.0)
    assert (run_state.state(50.0).athlete, run_state.state(50.0).next_athlete) == ("Bob", "Cy")


def test_emom_records_each_minute_as_target_met_or_missed():
    engine = engine_for("emom-10")
    minute_one = [1.0 + n for n in range(10)]            # 10 reps: met
    minute_two = [61.0 + n for n in range(9)]            # 9 reps: missed
    minute_three = [121.0 + n for n in range(12)]        # 12: met
    events = run(engine, minute_one + minute_two + minute_three, 603.0, step_s=0.5)
    first_three = results(events)[:3]
    assert [(r.valid, r.target_reps, r.target_met) for r in first_three] == \
        [(10, 10, True), (9, 10, False), (12, 10, True)]
    assert ranking(events).standings[0].targets_met == 2
    assert [r.target_met for r in results(events)[3:]] == [False] * 7


def test_an_invalid_rep_does_not_count_towards_the_target():
    engine = engine_for("emom-10")
    events = run(engine, [1.0 + n for n in range(10)], 61.0 + SETTLE_S, valid=False)
    [minute] = results(events)
    assert (minute.reps, minute.valid, minute.target_met) == (10, 0, False)


def test_fatigue_is_the_drop_in_rebound_speed_from_the_first_round_to_the_last():
    engine = engine_for("tabata")
    engine.start(0.0)
    engine.rep(rep_landing_at(5.0, rebound_s=0.20))
    engine.rep(rep_landing_at(6.0, rebound_s=0.30))   # round 1: mean 0.25 s, 4 /s
    engine.rep(rep_landing_at(215.0, rebound_s=0.40))  # round 8: 0.40 s, 2.5 /s
    engine.tick(300.0)
    # (4 - 2.5) / 4 = 37.5 %
    assert engine.standings[0].fatigue_pct == pytest.approx(37.5)
    assert engine.results[0].mean_rebound_contact_s == pytest.approx(0.25)


def test_quality_reps_are_valid_soft_or_firm_or_unrated_landings():
    engine = engine_for("amrap-60")
    engine.start(0.0)
    for landing_s, rating in ((1.0, "soft"), (2.0, "firm"), (3.0, "hard"), (4.0, None)):
        engine.rep(rep_landing_at(landing_s, rating=rating))
    engine.rep(rep_landing_at(5.0, rating="soft", valid=False))
    engine.tick(100.0)
    only = engine.results[0]
    assert (only.reps, only.valid, only.quality) == (5, 4, 3)
    assert engine.standings[0].score == 3  # amrap-60 scores quality reps


def test_every_preset_counts_each_work_interval_end_to_end():
    for name in preset_names():
        definition = load_challenge(name)
        roster = class_roster(definition, None)
        engine = ChallengeEngine(definition, roster, SETTLE_S)
        plan = definition.plan(len(roster))
        total_s = sum(interval.duration_s for interval, _ in plan)
        landings_s = [0.7 + 1.3 * n for n in range(int(total_s / 1.3))]
        events = run(engine, landings_s, total_s + SETTLE_S, step_s=0.1)
        done = results(events)
        assert len(done) == len(plan), name
        bounds, start_s = [], 0.0
        for interval, _ in plan:
            bounds.append((start_s, start_s + interval.duration_s))
            start_s += interval.duration_s
        for result, (start_s, end_s) in zip(done, bounds):
            expected = sum(start_s <= t < end_s for t in landings_s)
            assert (result.start_s, result.end_s, result.reps) == \
                pytest.approx((start_s, end_s, expected)), (name, result.index)
        counted = sum(r.valid for r in done if r.kind == "work")
        assert sum(s.valid for s in ranking(events).standings) == counted, name
        assert sum(engine.uncounted.values()) == len(landings_s) - counted, name


def test_ties_share_a_place_and_are_broken_by_quality_then_valid_then_rebound():
    text = {"name": "t", "title": "T", "athletes": "relay", "rounds": 1, "work_s": 10}
    engine = ChallengeEngine(parse_definition(text, "t.toml"), ["A", "B", "C", "D"], SETTLE_S)
    engine.start(0.0)
    engine.rep(rep_landing_at(1.0, rating="hard"))                 # A: 1 valid, 0 quality
    engine.rep(rep_landing_at(11.0, rating="soft", rebound_s=0.3))  # B: 1 valid, 1 quality
    engine.rep(rep_landing_at(21.0, rating="soft", rebound_s=0.2))  # C: as B, quicker rebound
    engine.rep(rep_landing_at(31.0, rating="soft", rebound_s=0.2))  # D: the same as C
    engine.tick(50.0)
    assert [(s.place, s.athlete) for s in engine.standings] == \
        [(1, "C"), (1, "D"), (3, "B"), (4, "A")]


def test_a_one_athlete_challenge_refuses_a_class():
    with pytest.raises(ValueError):
        ChallengeEngine(load_challenge("tabata"), ["Ann", "Bob"], SETTLE_S)


def test_the_results_do_not_depend_on_how_often_the_clock_ticks():
    landings_s = [0.5 + 0.9 * n for n in range(260)]
    outcomes = []
    for step_s in (0.01, 0.5, 1.5):
        engine = engine_for("tabata")
        events = run(engine, landings_s, 240.0, step_s=step_s)
        outcomes.append((results(events), ranking(events).standings, engine.uncounted))
    assert outcomes[0] == outcomes[1] == outcomes[2]


def test_a_short_interval_beeps_only_the_countdown_that_fits_in_it():
    text = {"name": "s", "title": "S", "rounds": 2, "work_s": 2.5, "rest_s": 1}
    engine = ChallengeEngine(parse_definition(text, "s.toml"), ["Ann"], SETTLE_S)
    events = engine.start(0.0) + engine.tick(10.0)
    beeps = [(e.interval, e.seconds_left, e.time_s) for e in events if isinstance(e, Countdown)]
    assert beeps == [(1, 2, 0.5), (1, 1, 1.5), (3, 2, 4.0), (3, 1, 5.0)]


def test_the_settle_time_covers_a_step_off_decision_and_the_source_latency():
    rules = TimingRules()
    assert settle_time_s(rules) == pytest.approx(1.5 + 0.050 + 0.005 + 0.25)
    assert settle_time_s(rules, latency_s=0.1) == pytest.approx(settle_time_s(rules) + 0.1)
