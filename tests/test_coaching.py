"""Coaching from the numbers: the fatigue cue at its edges, each landing's
COP-based left/right balance, and both in the events, the session log, the
export and the set's summary screen."""

import csv

import numpy as np
import pytest

from force_session import run_session
from station.analysis.events import Landing, Rep, SetEnd
from station.analysis.force.coaching import FatigueWatch, left_share_pct
from station.analysis.force.rules import ForceRules
from station.export.exporter import export_log
from station.kiosk.state.board import LiveBoard
from station.kiosk.screens.summary import coaching_line
from station.log.db import open_log
from station.log.schema import MIGRATIONS
from station.log.writer import SessionLog
from station.sources.simulated import PLATE_WIDTH_M

RULES = ForceRules()


def tired(rsis, rules=RULES):
    watch = FatigueWatch(rules)
    return [watch.rep(rsi) for rsi in rsis]


def test_a_rep_more_than_the_drop_share_below_the_best_is_tired():
    best = 1.0
    edge = (1 - RULES.fatigue_drop_share) * best
    assert tired([best, best, edge + 0.001, edge - 0.001]) == [False, False, False, True]


def test_no_rep_is_judged_before_the_set_has_its_best_reps():
    assert tired([1.0, 0.1]) == [False, False]
    assert tired([1.0, 0.1], ForceRules(fatigue_best_reps=1)) == [False, True]


def test_the_best_is_the_mean_of_the_best_reps_so_far_and_a_new_set_starts_afresh():
    watch = FatigueWatch(RULES)
    for rsi in (0.8, 1.2, 0.9):
        watch.rep(rsi)
    assert watch.best_rsi() == pytest.approx(1.05)
    watch.new_set()
    assert watch.best_rsi() is None and watch.rep(0.1) is False


def test_reps_without_an_rsi_are_not_judged():
    assert tired([1.0, 1.0, None]) == [False, False, False]


@pytest.mark.parametrize("bad", [{"fatigue_drop_share": 1.0}, {"fatigue_best_reps": 1.5}])
def test_impossible_fatigue_rules_are_refused(bad):
    with pytest.raises(ValueError, match="fatigue"):
        ForceRules(**bad)


def test_the_balance_is_the_share_of_force_on_the_left_cells():
    corners = np.array([[300.0, 100.0, 300.0, 100.0], [200.0, 200.0, 200.0, 200.0], [10.0, 0, 10.0, 0]])
    # FL, FR, BL, BR: 600 of 800 left, then 400 of 800; the unloaded sample does not count.
    assert left_share_pct(corners, 100.0) == pytest.approx(100 * 1000 / 1600)
    assert left_share_pct(corners[2:], 100.0) is None
    assert left_share_pct(None, 100.0) is None


@pytest.fixture(scope="module")
def session():
    events, truth, _ = run_session(2, 120, use_mat=True)
    return events


def test_every_rated_landing_carries_its_cop_balance(session):
    landings = [e.landing for e in session if isinstance(e, Landing)]
    assert landings and all(40 <= landing["cop_left_pct"] <= 60 for landing in landings)


def test_reps_say_whether_they_were_tired(session):
    reps = [e for e in session if isinstance(e, Rep)]
    assert all(type(rep.to_json()["fatigue"]) is bool for rep in reps)   # JSON-printable
    # Recomputed from the reps' own RSIs, set by set: the same reps are tired.
    expected, watch, set_index = [], FatigueWatch(RULES), None
    for rep in reps:
        if rep.set_index != set_index:
            watch.new_set()
            set_index = rep.set_index
        is_tired = rep.valid and rep.rebound_contact is not None and watch.rep(rep.rebound_contact.rsi)
        expected.append(bool(is_tired))
    assert [rep.fatigue for rep in reps] == expected


def test_the_log_the_export_and_the_summary_carry_both(session, tmp_path):
    conn = open_log(tmp_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    log = SessionLog(conn, tmp_path, "simulated", "simulated", simulated=True)
    board = LiveBoard(has_force=True)
    totals = []
    for event in session:
        log.on_event(event)
        board.apply(event)
        if isinstance(event, SetEnd):
            totals.append(board.last_totals)
    log.close()
    balances = [row[0] for row in conn.execute("SELECT cop_left_pct FROM contacts WHERE landed = 1")]
    assert balances and all(b is not None for b in balances)
    fatigue = [row[0] for row in conn.execute("SELECT fatigue FROM reps ORDER BY id")]
    assert fatigue == [int(e.fatigue) for e in session if isinstance(e, Rep)]
    out = tmp_path / "stick"
    out.mkdir()
    export_log(conn, tmp_path, out)
    conn.close()
    files = {p.name: p for p in out.rglob("*.csv")}
    with open(files["reps.csv"], newline="", encoding="utf-8-sig") as f:
        exported = [row["fatigue"] for row in csv.DictReader(f)]
    reps = [e for e in session if isinstance(e, Rep)]
    assert exported == [str(int(rep.fatigue)) for rep in reps]
    assert "1" in exported and "0" in exported
    with open(files["phases.csv"], newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert any(row["cop_left_pct"] for row in rows if row["kind"] == "contact")
    assert all(t.mean_cop_left_pct is not None for t in totals if t.reps)
    line = coaching_line(totals[0])
    assert "COP balance" in line and "not per leg" in line


def test_landings_off_the_middle_line_show_in_their_balance_and_on_the_summary():
    # Landings 10 cm left of the 0.6 m plate's middle line: by the corners'
    # bilinear weights, 0.5 + 0.1 / 0.6 of the force is on the left half.
    events, _, _ = run_session(2, 60, landing_x_m=-0.1)
    expected_pct = 100 * (0.5 + 0.1 / PLATE_WIDTH_M)
    board, totals = LiveBoard(has_force=True), []
    for event in events:
        board.apply(event)
        if isinstance(event, SetEnd) and event.reps:
            totals.append(board.last_totals)
    balances = [e.landing["cop_left_pct"] for e in events if isinstance(e, Landing)]
    # Each landing's feet are placed with a 1.5 cm SD (2.5 % of the width).
    assert len(balances) > 20 and min(balances) > 55
    assert np.mean(balances) == pytest.approx(expected_pct, abs=1.5)
    assert totals and all(t.mean_cop_left_pct == pytest.approx(expected_pct, abs=3) for t in totals)
    assert f"COP balance {totals[0].mean_cop_left_pct:.0f} % left" in coaching_line(totals[0])


def test_a_tired_set_says_from_which_rep_on_its_summary():
    from station.kiosk.state.totals import SetTotals
    rep = lambda index, fatigue: Rep(index, 1, None, None, None, True, None, fatigue=fatigue)  # noqa: E731
    totals = SetTotals.of(SetEnd(1, 0.0, 9.0, 3, 3, "step_off"), [rep(1, False), rep(2, False), rep(3, True)], {})
    assert totals.tired_from_rep == 3 and totals.mean_cop_left_pct is None
    assert coaching_line(totals).startswith("Tired from rep 3")
