"""Gaps in a station's sequence and the replay rule, at their edges (pure)."""

from station.hub.sequences import REPLAY_REPEAT_S, ReplayPolicy, Sequences
from station.hub.writer import RefusedLog
from station.hub.validate import Refused


def test_contiguous_moves_only_over_what_is_there():
    seqs = Sequences()
    for seq in (1, 2, 5, 3):
        seqs.add(seq)
    assert (seqs.contiguous, seqs.first_missing()) == (3, 4)
    seqs.add(4)
    assert (seqs.contiguous, seqs.ahead, seqs.first_missing()) == (5, set(), None)
    seqs.add(2)  # a duplicate changes nothing
    assert seqs.contiguous == 5


def test_a_status_ahead_is_a_hole_even_with_nothing_beyond_it():
    seqs = Sequences(contiguous=3)
    seqs.report(3)
    assert seqs.first_missing() is None
    seqs.report(6)
    assert seqs.first_missing() == 4
    for seq in (4, 5, 6):
        seqs.add(seq)
    assert seqs.first_missing() is None


def test_rebuilt_from_what_was_stored():
    assert Sequences(2, {3, 4, 7}).contiguous == 4


def test_one_request_outstanding_repeated_at_exactly_the_interval():
    policy = ReplayPolicy()
    assert policy.due("a", 3, now_s=100.0) == 3
    assert policy.due("a", 3, now_s=100.0 + REPLAY_REPEAT_S - 0.001) is None
    assert policy.due("b", 1, now_s=100.5) == 1  # per station
    assert policy.due("a", 3, now_s=100.0 + REPLAY_REPEAT_S) == 3


def test_a_filled_hole_forgets_the_request():
    policy = ReplayPolicy()
    assert policy.due("a", 3, now_s=0.0) == 3
    assert policy.due("a", None, now_s=1.0) is None
    assert policy.due("a", 9, now_s=2.0) == 9


def test_refused_messages_are_logged_once_a_minute_per_station(caplog):
    now_s = [0.0]
    log = RefusedLog(clock=lambda: now_s[0])
    bad = Refused("gym", "mat-1", "the message is not JSON")
    assert log.refused(bad) is True
    now_s[0] = 59.999
    assert log.refused(bad) is False
    assert log.refused(Refused("gym", "mat-2", "x")) is True
    now_s[0] = 60.0
    assert log.refused(bad) is True
    assert "refused 2 message(s) from mat-1" in caplog.text
