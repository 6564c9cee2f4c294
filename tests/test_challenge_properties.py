"""Properties of the challenge engine under any pacing of reps and controls."""

from hypothesis import given, settings, strategies as st

from challenge_reps import rep_landing_at
from station.challenge.definition import load_challenge
from station.challenge.engine import ChallengeEngine
from station.challenge.events import ChallengeFinished
from station.challenge.scores import IntervalResult

SETTLE_S = 2.0
CONTROLS = ("tick", "pause", "resume", "skip")


@settings(max_examples=60, deadline=None)
@given(landings_s=st.lists(st.floats(0.0, 300.0), max_size=60),
       controls=st.lists(st.tuples(st.floats(0.0, 300.0), st.sampled_from(CONTROLS)), max_size=12))
def test_every_rep_is_counted_once_and_intervals_follow_each_other(landings_s, controls):
    engine = ChallengeEngine(load_challenge("relay"), ["Ann", "Bob", "Cy"], SETTLE_S)
    events = engine.start(0.0)
    timeline = sorted([(t, "rep") for t in landings_s] + controls)
    for time_s, what in timeline:
        if what == "rep":
            events += engine.rep(rep_landing_at(time_s))
        else:
            events += getattr(engine, what)(time_s)
    events += engine.abort(400.0)
    results = [e for e in events if isinstance(e, IntervalResult)]
    [finished] = [e for e in events if isinstance(e, ChallengeFinished)]
    # Each rep is in one interval's tally, or counted for nobody with a reason.
    counted = sum(r.reps for r in results if r.kind == "work")
    in_rest = sum(r.reps for r in results if r.kind == "rest")
    assert counted + sum(engine.uncounted.values()) == len(landings_s)
    assert in_rest == engine.uncounted["rest"]  # listed in their rest, for nobody
    assert sum(r.paused_reps for r in results) == engine.uncounted["paused"]
    assert sum(s.reps for s in finished.standings) == counted
    # The intervals tile the challenge: no gap, no overlap, in order.
    assert [r.index for r in results] == list(range(1, len(results) + 1))
    assert results[0].start_s == 0.0
    assert all(a.end_s == b.start_s for a, b in zip(results, results[1:]))
    assert all(r.start_s <= r.end_s for r in results)
