"""What the challenge screen shows, as text and flags: no pygame, no metrics.

``live_view`` turns the engine's ``ChallengeState`` into the big clock, the
work/rest banner, who is on the mat and who is next, the rep counts and the
leaderboard; ``results_view`` turns the final ``ChallengeFinished`` into a
podium and a per-round table. The kiosk draws these; it computes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from station.challenge.definition import RELAY, Definition
from station.challenge.engine import COUNTDOWN_S, ChallengeState
from station.challenge.events import ChallengeFinished
from station.challenge.scores import Standing

#: Rows a leaderboard shows: a class of 10 fits a 720-line screen in big type.
LEADERBOARD_ROWS = 10
PODIUM_PLACES = 3
#: The screen flashes for the countdown: beeps are lost in a loud gym.
FLASH_S = max(COUNTDOWN_S)
BANNERS = {"ready": "GET READY", "running": None, "paused": "PAUSED", "over": "TIME",
           "finished": "RESULTS"}


@dataclass(frozen=True)
class LeaderRow:
    """One line of a leaderboard; ``on_mat`` marks the athlete jumping now."""

    place: int
    athlete: str
    score_text: str
    on_mat: bool = False


@dataclass(frozen=True)
class LiveView:
    """The challenge screen while it runs. ``banner`` is "WORK", "REST",
    "PAUSED", "GET READY", "TIME" or "RESULTS"; ``flash`` is on for the last
    seconds of an interval."""

    title: str
    banner: str
    clock_text: str
    round_text: str
    athlete_text: str
    next_text: str
    reps_text: str
    total_text: str
    flash: bool
    leaderboard: tuple[LeaderRow, ...]
    total_reps: int | None = None


@dataclass(frozen=True)
class ResultsView:
    """The results screen: the podium, and one row per athlete of valid reps
    per round (``table_header`` names the columns). ``ranking`` is every
    athlete's row in place order, and ``round_valid`` their valid reps per
    round (None: no such round), in the same order, for a chart."""

    title: str
    ended_text: str
    podium: tuple[LeaderRow, ...]
    table_header: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    ranking: tuple[LeaderRow, ...] = ()
    round_valid: tuple[tuple[int | None, ...], ...] = ()


def clock_text(seconds_left: float | None) -> str:
    """A countdown clock, "m:ss", rounded up: it reads 0:00 only when time is up."""
    if seconds_left is None:
        return "--:--"
    whole = math.ceil(round(seconds_left, 6))
    return f"{whole // 60}:{whole % 60:02d}"


def score_text(standing: Standing, score: str) -> str:
    if score == "fatigue":
        return "--" if standing.score is None else f"{standing.score:+.1f} %"
    if score == "best_round":
        return f"{standing.score} best"
    return f"{standing.score} {score.split('_')[0]}"


def live_view(definition: Definition, state: ChallengeState) -> LiveView:
    """The screen for ``state``: a rest shows who is up next, a relay whose turn it is."""
    working = state.kind == "work"
    banner = BANNERS[state.status] or state.kind.upper()
    target = f" / {state.target_reps}" if state.target_reps else ""
    round_text = "" if state.round is None else f"Round {state.round} of {state.rounds_n}"
    on_mat = state.athlete if working else None
    counted = on_mat or (next(iter(state.totals)) if definition.athletes != RELAY else None)
    return LiveView(
        title=definition.title, banner=banner, clock_text=clock_text(state.time_left_s),
        round_text=round_text,
        athlete_text=state.athlete if working and definition.athletes == RELAY else "",
        next_text=f"Next: {state.next_athlete}" if _next_shown(definition, state) else "",
        reps_text=f"{state.interval_valid}{target}" if working else "",
        total_text=f"Total {state.totals[counted]}" if counted in state.totals else "",
        total_reps=state.totals.get(counted),
        flash=state.status == "running" and state.time_left_s is not None
        and 0 < state.time_left_s <= FLASH_S,
        leaderboard=top_rows(_rows(state.leaderboard, definition.score, on_mat), LEADERBOARD_ROWS))


def top_rows(rows: tuple[LeaderRow, ...], rows_n: int) -> tuple[LeaderRow, ...]:
    """The first ``rows_n`` rows; the athlete on the mat always among them, in
    the last row if they are further down, so they can see their place."""
    top = rows[:rows_n]
    if rows_n < 1 or any(row.on_mat for row in top):
        return top
    on_mat = [row for row in rows if row.on_mat]
    return top[:rows_n - 1] + tuple(on_mat[:1]) if on_mat else top


def _next_shown(definition: Definition, state: ChallengeState) -> bool:
    """A relay names who is next: in a rest, the athlete to step on."""
    return definition.athletes == RELAY and state.next_athlete is not None and \
        (state.kind == "rest" or state.next_athlete != state.athlete)


def _rows(standings, score: str, on_mat: str | None) -> tuple[LeaderRow, ...]:
    return tuple(LeaderRow(s.place, s.athlete, score_text(s, score), s.athlete == on_mat)
                 for s in standings)


def results_view(definition: Definition, finished: ChallengeFinished) -> ResultsView:
    """The podium (everyone on places 1-3, ties included) and the round table."""
    rounds_n = max((r.round or 0 for r in finished.intervals), default=0)
    rows, round_valid = [], []
    for standing in finished.standings:
        by_round = {r.round: r.valid for r in finished.intervals
                    if r.kind == "work" and r.athlete == standing.athlete}
        rows.append((str(standing.place), standing.athlete,
                     *(str(by_round[n]) if n in by_round else "-" for n in range(1, rounds_n + 1)),
                     str(standing.valid)))
        round_valid.append(tuple(by_round.get(n) for n in range(1, rounds_n + 1)))
    podium = [s for s in finished.standings if s.place <= PODIUM_PLACES]
    return ResultsView(
        title=definition.title,
        ended_text="Finished" if finished.ended_by == "finished" else "Stopped early",
        podium=_rows(podium, definition.score, None),
        table_header=("#", "Athlete", *(f"R{n}" for n in range(1, rounds_n + 1)), "Valid"),
        table_rows=tuple(rows), ranking=_rows(finished.standings, definition.score, None),
        round_valid=tuple(round_valid))
