"""A body weight for every set: a quiet-standing limit that scales with the
weight, a half-second fallback, the roster's mass as a stand-in, and
landings rated late once the set is weighed (events, log and summary)."""

from pathlib import Path

import numpy as np
import pytest

from drop_jumps import drop_jumps
from station.analysis.events import BodyWeight, Contact, Landing, Rep, SetEnd, SetStart
from station.analysis.force.rules import ForceRules
from station.analysis.force.weigh_in import WeighIn, max_sd_n
from station.analysis.pipeline import Pipeline, analyse
from station.kiosk.state.board import LiveBoard
from station.log.db import open_log
from station.log.writer import SessionLog
from station.sources.athlete import SimulatedAthlete
from station.sources.recording import RecordingSource, read_recording
from station.sources.simulated import SimulatedSource

RECORDINGS = Path(__file__).parent / "data" / "recordings"
NAMES = ["gidiel-cmj.csv", "gidiel-sj.csv", "gidiel-dj.csv", "acl-bfr003-sj.csv", "acl-bfr010-sj.csv"]
RULES = ForceRules()


def swaying(mean_n, sd_n, samples=1001):
    return mean_n + sd_n * np.sqrt(2) * np.sin(np.linspace(0, 40 * np.pi, samples))


def weighed(fz_n, window_s=None):
    weigh_in = WeighIn(RULES, window_s)
    weigh_in.feed(np.arange(len(fz_n)) / 1000, fz_n)
    return weigh_in.first_n(0.0, 10.0)


@pytest.mark.parametrize("mean_n, sd_n, quiet", [
    (500.0, 19.5, True), (500.0, 20.5, False),       # light: the 20 N floor
    (1000.0, 24.5, True), (1000.0, 25.5, False),     # heavy: 2.5 % of the weight
])
def test_the_quiet_limit_is_20_n_or_2_5_percent_of_the_weight_whichever_is_larger(mean_n, sd_n, quiet):
    assert max_sd_n(mean_n, RULES) == max(20.0, 0.025 * mean_n)
    assert (weighed(swaying(mean_n, sd_n)) is not None) is quiet


def test_a_half_second_window_weighs_only_when_asked_for():
    fz_n = swaying(700.0, 2.0, samples=600)
    assert weighed(fz_n) is None
    assert weighed(fz_n, RULES.weigh_in_short_s).weight_n == pytest.approx(700, abs=0.5)


def test_the_short_window_may_not_exceed_the_long_one():
    with pytest.raises(ValueError, match="weigh_in_short_s"):
        ForceRules(weigh_in_short_s=1.5)


def quiet_standing_mean_n(time_s, fz_n):
    """The mean of the recording's stillest half second of standing."""
    best = None
    for start in np.arange(time_s[0], time_s[-1] - 0.5, 0.05):
        window = fz_n[(time_s >= start) & (time_s < start + 0.5)]
        if window.mean() > 200 and (best is None or window.std() < best[0]):
            best = window.std(), window.mean()
    return best[1]


def final_landings(events):
    """The last landing metrics of every landed contact, late ones included."""
    landings = {}
    for event in events:
        if isinstance(event, Contact) and event.landed and event.landing:
            landings[event.index] = event.landing
        elif isinstance(event, Landing):
            landings[event.contact_index] = event.landing
    return landings


def recording_events(name):
    recording = read_recording(RECORDINGS / name)
    return analyse(RecordingSource(recording)), recording


def test_all_nine_landings_of_the_shared_recordings_are_rated():
    rated = []
    for name in NAMES:
        events, _ = recording_events(name)
        rated += [landing["rating"] for landing in final_landings(events).values()]
    assert len(rated) == 9 and None not in rated


@pytest.mark.parametrize("name", NAMES)
def test_the_body_weight_is_within_1_percent_of_the_quiet_standing(name):
    events, recording = recording_events(name)
    weight_n = next(e for e in events if isinstance(e, SetEnd)).body_weight_n
    expected_n = quiet_standing_mean_n(np.asarray(recording.time_s), np.asarray(recording.fz_n))
    assert weight_n == pytest.approx(expected_n, rel=0.01)


def test_late_ratings_come_after_the_weigh_in_and_before_the_set_ends():
    events, _ = recording_events("acl-bfr010-sj.csv")
    kinds = [type(e) for e in events]
    late = [e for e in events if isinstance(e, Landing) and e.late]
    assert len(late) == 3 and all(e.landing["rating"] for e in late)
    assert kinds.index(BodyWeight) < events.index(late[0])
    assert events.index(late[-1]) < kinds.index(SetEnd)
    assert all(e.to_json()["late"] is True for e in late)


def test_a_drop_jumps_rebound_landing_is_rated_once_the_athlete_stands_still():
    events, _ = recording_events("gidiel-dj.csv")
    early, late = [e for e in events if isinstance(e, Landing)]
    assert early.landing["rating"] is None and not early.late
    assert late.late and late.landing["rating"] == "firm" and late.touchdown_s == early.touchdown_s


def test_a_known_athletes_body_mass_rates_landings_before_the_weigh_in():
    recording = read_recording(RECORDINGS / "gidiel-dj.csv")
    pipeline = Pipeline()
    pipeline.set_body_mass_kg(68.0)
    source = RecordingSource(recording)
    events = pipeline.start(source.start(), has_force=True)
    events += pipeline.feed(source.read(float("inf"))) + pipeline.finish(source.end_s())
    landings = [e for e in events if isinstance(e, Landing)]
    assert len(landings) == 1 and not landings[0].late
    assert landings[0].landing["peak_force_bw"] == pytest.approx(2384.4 / (68.0 * 9.81), abs=0.001)


def test_a_body_mass_given_during_a_set_stands_in_from_the_next_set_only():
    # The athlete picked while a set goes on is up next: the set going on may
    # be someone else's.
    source = RecordingSource(drop_jumps(copies=2))
    pipeline = Pipeline()
    events = pipeline.start(source.start(), has_force=True) + pipeline.feed(source.read(2.0))
    assert [e.index for e in events if isinstance(e, SetStart)] == [1]
    pipeline.set_body_mass_kg(68.0)
    events += pipeline.feed(source.read(float("inf"))) + pipeline.finish(source.end_s())
    early = [e for e in events if isinstance(e, Landing) and not e.late]
    assert [(e.set_index, e.landing["rating"] is None) for e in early] == [(1, True), (2, False)]
    assert early[1].landing["peak_force_bw"] == pytest.approx(early[1].landing["peak_force_n"] / (68 * 9.81),
                                                              abs=0.001)


def test_a_late_rating_is_written_over_the_contact_and_rep_rows_and_counted_in_the_summary(tmp_path):
    events, _ = recording_events("acl-bfr010-sj.csv")
    conn = open_log(tmp_path)
    log = SessionLog(conn, tmp_path, "none", "replay", simulated=False)
    board = LiveBoard(has_force=True)
    for event in events:
        log.on_event(event)
        board.apply(event)
    log.close()
    ratings = dict(conn.execute("SELECT contact_index, rating FROM contacts WHERE landed = 1"))
    assert set(ratings) == {2, 3, 4} and None not in ratings.values()
    rep_ratings = dict(conn.execute("SELECT rep_index, rating FROM reps"))
    rebounds = [e.index for e in events if isinstance(e, Rep) and e.rebound_contact is not None]
    assert rebounds and all(rep_ratings[index] for index in rebounds)
    assert sum(board.last_totals.ratings_n.values()) == 3
    conn.close()


def test_a_long_run_keeps_a_bounded_number_of_quiet_windows():
    """Every set is weighed from its own windows: those of sets gone by are
    let go, so a station on for days keeps flat memory."""
    source = SimulatedSource(SimulatedAthlete(4), keep_truth=False)
    pipeline = Pipeline()
    pipeline.start(source.start(), has_force=source.has_force)
    kept, sets = [], 0
    for second in range(1, 1801):
        events = pipeline.feed(source.read(float(second))) + pipeline.advance(float(second))
        sets += sum(isinstance(event, SetStart) for event in events)
        kept.append(len(pipeline._weigh_in.quiet) + len(pipeline._weigh_in_short.quiet))
    assert sets >= 60  # the simulated athlete steps off and on again every 20-30 s
    assert max(kept[900:]) <= 2 * max(kept[:900])  # not growing with the run
    assert max(kept) < 300  # a set's worth (about 50 here); it was 1 553 after 30 minutes
