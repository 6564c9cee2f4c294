"""Scores and the ranking, from interval results."""

import pytest

from challenge_reps import missing_return, rep_landing_at
from station.challenge.scores import IntervalResult, Tally, fatigue_pct, is_quality, rank


def work(athlete, round_, valid, mean_rebound_contact_s=None, reps=None, quality=None):
    return IntervalResult(round_, "work", athlete, round_, 0.0, 1.0, "time",
                          valid if reps is None else reps, valid,
                          valid if quality is None else quality, mean_rebound_contact_s, None, 0)


def test_fatigue_compares_the_first_and_last_measured_rounds():
    assert fatigue_pct([0.20, None, 0.22, 0.25]) == pytest.approx(20.0)
    assert fatigue_pct([0.25, 0.20]) == pytest.approx(-25.0)  # faster at the end
    assert fatigue_pct([0.25, None]) is None
    assert fatigue_pct([]) is None


def test_the_fatigue_score_ranks_the_smallest_drop_first_and_unmeasured_last():
    results = [work("A", 1, 5, 0.20), work("A", 2, 5, 0.25),   # 20 % drop
               work("B", 1, 5, 0.20), work("B", 2, 5, 0.21),   # 4.8 %
               work("C", 1, 5, 0.20)]                          # one round: none
    standings = rank(["A", "B", "C"], results, "fatigue")
    assert [(s.athlete, s.place) for s in standings] == [("B", 1), ("A", 2), ("C", 3)]
    assert standings[0].score == pytest.approx(100 * (1 - 0.20 / 0.21))
    assert standings[2].score is None


def test_each_score_reads_its_own_count():
    results = [work("A", 1, 3, reps=9, quality=1), work("A", 2, 6, reps=6, quality=6),
               work("B", 1, 8, reps=8, quality=2)]
    scores = {score: {s.athlete: s.score for s in rank(["A", "B"], results, score)}
              for score in ("total_reps", "valid_reps", "quality_reps", "best_round")}
    assert scores == {"total_reps": {"A": 15, "B": 8}, "valid_reps": {"A": 9, "B": 8},
                      "quality_reps": {"A": 7, "B": 2}, "best_round": {"A": 6, "B": 8}}


def test_the_mean_rebound_contact_is_over_valid_reps_only():
    tally = Tally()
    tally.add(rep_landing_at(1.0, rebound_s=0.2))
    tally.add(rep_landing_at(2.0, rebound_s=0.4))
    tally.add(rep_landing_at(3.0, rebound_s=0.9, valid=False))
    tally.add(missing_return(4.0, rebound_end_s=5.0))
    assert (tally.reps, tally.valid, tally.quality) == (4, 2, 2)
    assert tally.mean_rebound_contact_s == pytest.approx(0.3)


def test_a_hard_landing_is_not_quality_and_an_invalid_rep_never_is():
    assert is_quality(rep_landing_at(1.0, rating="firm"))
    assert not is_quality(rep_landing_at(1.0, rating="hard"))
    assert not is_quality(rep_landing_at(1.0, rating="soft", valid=False))
    assert is_quality(rep_landing_at(1.0, rating=None))
