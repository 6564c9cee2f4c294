"""A challenge run as a pure state machine: session time in, events out.

No clock, no I/O: ``start``, ``tick``, ``pause``, ``resume``, ``skip`` and
``abort`` take the session time (seconds on the source's timeline) and
``rep`` takes the pipeline's ``Rep``; each returns the challenge's events in
time order.

The boundary rule: a rep counts in the interval in which its final landing
happens (``rep_time_s``). Intervals are half-open, [start, end): a landing
exactly at a boundary belongs to the interval that starts there. Reps landing
in a rest, while paused, before the start or after the end count for nobody.

A Rep event leaves the pipeline a little after its landing (longest for a rep
that ends with a step-off), so an interval's result is held back ``settle_s``
after it ends, to take in every rep that landed in it; a rep arriving later
still is counted as "late" for nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.analysis.events import Rep
from station.analysis.rules import TimingRules
from station.challenge.definition import ONE, REST, WORK, Definition, Interval
from station.challenge.events import ChallengeFinished, Countdown, IntervalStarted
from station.challenge.scores import IntervalResult, Standing, Tally, rank

#: Beeps before every interval change, in seconds left.
COUNTDOWN_S = (3, 2, 1)
#: Slack on top of the pipeline's own decision delay: force readings arrive in
#: blocks, which can hold a decision back a little.
SETTLE_MARGIN_S = 0.25
#: What ``uncounted`` counts, by why a rep counted for nobody.
UNCOUNTED = ("before_start", "rest", "paused", "after_end", "late")


def rep_time_s(rep: Rep) -> float:
    """When a rep happened, for the boundary rule: its forward jump's landing.
    A rep without one (invalid) uses its last known moment from the data: the
    take-off that ended its rebound contact (a second backward jump, a step
    off), else the back flight's landing. Times come from the readings, never
    from when the event arrived, so live and offline runs agree."""
    if rep.forward_flight is not None:
        return rep.forward_flight.landing_s
    contact = rep.rebound_contact
    if contact is not None and contact.end_s is not None:
        return contact.end_s
    return rep.back_flight.landing_s


def settle_time_s(rules: TimingRules, latency_s: float = 0.0) -> float:
    """How long after ``rep_time_s`` its Rep can still arrive: a step-off is
    known ``step_off_s`` after the take-off, a landing ``min_contact_s`` plus
    the bounce window after touchdown, and a live source adds its latency."""
    return rules.step_off_s + rules.min_contact_s + rules.bounce_s + latency_s + SETTLE_MARGIN_S


@dataclass(frozen=True)
class ChallengeState:
    """What the challenge screen needs at one moment.

    ``status`` is "ready", "running", "paused", "over" (results pending) or
    "finished"; the interval fields are None (0 for counts) outside an
    interval. ``round`` is the working athlete's n-th work interval of
    ``rounds_n``; ``totals`` maps each athlete to their valid reps so far;
    ``leaderboard`` is the ranking so far.
    """

    status: str
    intervals_n: int
    rounds_n: int
    totals: dict
    leaderboard: tuple[Standing, ...]
    interval: int | None = None
    kind: str | None = None
    duration_s: float | None = None
    time_left_s: float | None = None
    athlete: str | None = None
    round: int | None = None
    next_athlete: str | None = None
    target_reps: int | None = None
    interval_reps: int = 0
    interval_valid: int = 0


class _Run:
    """One interval as it really ran on the session timeline."""

    def __init__(self, index: int, interval: Interval, athlete: str | None, round_: int | None,
                 start_s: float) -> None:
        self.index, self.interval, self.athlete, self.round = index, interval, athlete, round_
        self.start_s = start_s
        self.end_s: float | None = None
        self.ended_by: str | None = None
        self.tally = Tally()
        self.paused_reps = 0
        self.countdowns = [n for n in COUNTDOWN_S if n < interval.duration_s]
        self.reported = False

    def result(self) -> IntervalResult:
        return IntervalResult(
            index=self.index, kind=self.interval.kind, athlete=self.athlete, round=self.round,
            start_s=self.start_s, end_s=self.end_s, ended_by=self.ended_by, reps=self.tally.reps,
            valid=self.tally.valid, quality=self.tally.quality,
            mean_rebound_contact_s=self.tally.mean_rebound_contact_s,
            target_reps=self.interval.target_reps, paused_reps=self.paused_reps)


class ChallengeEngine:
    """Runs one challenge for a roster, on the session timeline.

    definition:
        the challenge (``load_challenge``).
    roster:
        the athletes' names in roster order (``roster.class_roster``); a
        relay rotates through them, a one-athlete challenge has one.
    settle_s:
        how long an ended interval waits for late Rep events (``settle_time_s``).

        engine = ChallengeEngine(load_challenge("tabata"), ["Ann"], settle_s=2.0)
        events = engine.start(0.0)          # [IntervalStarted(index=1, kind="work", ...)]
        events = engine.tick(20.0)          # countdowns 3-2-1, then the rest starts
    """

    def __init__(self, definition: Definition, roster: list[str], settle_s: float) -> None:
        if not roster or (definition.athletes == ONE and len(roster) != 1):
            raise ValueError(f"a roster of {len(roster)} does not fit {definition.name}")
        self.definition = definition
        self.roster = list(roster)
        self.settle_s = settle_s
        self._plan = definition.plan(len(roster))
        self._runs: list[_Run] = []
        self._pauses: list[list] = []  # [start_s, end_s or None], in order
        self.status = "ready"  # then "running", "paused", "over" (results pending), "finished"
        self.ended_by: str | None = None
        self.end_s: float | None = None
        self.now_s: float | None = None
        self.uncounted = dict.fromkeys(UNCOUNTED, 0)
        self.results: list[IntervalResult] = []
        self.standings: tuple[Standing, ...] = ()

    def state(self, now_s: float) -> ChallengeState:
        """The screen's view at ``now_s`` (does not advance the challenge: tick first)."""
        live = [r for r in self._runs if not r.reported]
        results = self.results + [r.result() for r in live]
        leaderboard = self.standings or tuple(rank(self.roster, results, self.definition.score))
        work_n = sum(interval.kind == WORK for interval, _ in self._plan)
        common = dict(status=self.status, intervals_n=len(self._plan),
                      rounds_n=work_n // len(self.roster), leaderboard=leaderboard,
                      totals={s.athlete: s.valid for s in leaderboard})
        if self.status not in ("running", "paused"):
            return ChallengeState(**common)
        run = self._runs[-1]
        upcoming = [self.roster[a] for _, a in self._plan[run.index:] if a is not None]
        return ChallengeState(
            **common, interval=run.index, kind=run.interval.kind,
            duration_s=run.interval.duration_s, time_left_s=self._time_left_s(run, now_s),
            athlete=run.athlete, round=run.round, next_athlete=upcoming[0] if upcoming else None,
            target_reps=run.interval.target_reps, interval_reps=run.tally.reps,
            interval_valid=run.tally.valid)

    def _time_left_s(self, run: _Run, now_s: float) -> float:
        frozen_s = self._pauses[-1][0] if self.status == "paused" else now_s
        elapsed_s = frozen_s - run.start_s - self._paused_s(run.start_s)
        return min(run.interval.duration_s, max(0.0, run.interval.duration_s - elapsed_s))

    # -- controls --------------------------------------------------------

    def start(self, now_s: float) -> list:
        if self.status != "ready":
            raise RuntimeError("the challenge has already started")
        self.now_s = now_s
        self.status = "running"
        return [self._begin(0, now_s)]

    def tick(self, now_s: float) -> list:
        """Everything that happened up to ``now_s``."""
        if self.status in ("ready", "finished"):
            return []
        return self._advance(now_s)

    def pause(self, now_s: float) -> list:
        """Freeze the interval clock; reps landing from now count for nobody."""
        events = self.tick(now_s)
        if self.status == "running":
            self._pauses.append([now_s, None])
            self.status = "paused"
        return events

    def resume(self, now_s: float) -> list:
        events = self.tick(now_s)
        if self.status == "paused":
            self._pauses[-1][1] = now_s
            self.status = "running"
        return events

    def skip(self, now_s: float) -> list:
        """End the current interval now and start the next (still paused, if paused)."""
        events = self.tick(now_s)
        if self.status in ("running", "paused"):
            events += self._close(self._runs[-1], now_s, "skipped")
        return events + self._advance(now_s)

    def abort(self, now_s: float) -> list:
        """End the challenge now: the running interval ends "aborted", every
        result is given at once (a rep still being decided is lost), and the
        ranking of what was done."""
        events = self.tick(now_s)
        if self.status == "finished":
            return events
        if self.status == "ready":
            self.status, self.now_s, self.end_s, self.ended_by = "over", now_s, now_s, "aborted"
        if self.status in ("running", "paused"):
            self._close(self._runs[-1], now_s, "aborted")
        events += [self._report(run) for run in self._runs if not run.reported]
        return events + [self._finish(now_s)]

    # -- reps ------------------------------------------------------------

    def rep(self, rep: Rep) -> list:
        """Count a rep into the interval of its final landing (``rep_time_s``)."""
        time_s = rep_time_s(rep)
        events = []
        if self.status in ("running", "paused", "over") and time_s > self.now_s:
            events = self._advance(time_s)
        run = self._run_at(time_s)
        why = self._uncounted_why(run, time_s)
        if why == "paused":
            run.paused_reps += 1
        elif why in (None, "rest"):
            run.tally.add(rep)
        if why is not None:
            self.uncounted[why] += 1
        return events

    def _uncounted_why(self, run: _Run | None, time_s: float) -> str | None:
        if run is None:
            before = not self._runs or time_s < self._runs[0].start_s
            return "before_start" if before else "after_end"
        if run.reported:
            return "late"
        if any(start <= time_s < (end if end is not None else float("inf"))
               for start, end in self._pauses):
            return "paused"
        return "rest" if run.interval.kind == REST else None

    def _run_at(self, time_s: float) -> _Run | None:
        for run in reversed(self._runs):
            if run.start_s <= time_s and (run.end_s is None or time_s < run.end_s):
                return run
            if run.start_s <= time_s:
                return None
        return None

    # -- the clock -------------------------------------------------------

    def _advance(self, now_s: float) -> list:
        """Every countdown, interval change and settled result up to ``now_s``,
        earliest first."""
        events = []
        while True:
            due = self._next_due()
            if due is None or due[0] > now_s:
                break
            time_s, what, run = due
            if what == "countdown":
                seconds_left = run.countdowns.pop(0)
                events.append(Countdown(time_s, run.index, seconds_left))
            elif what == "end":
                events += self._close(run, time_s, "time")
            else:
                events.append(self._report(run))
                if self.status == "over" and all(r.reported for r in self._runs):
                    events.append(self._finish(time_s))
        self.now_s = max(self.now_s, now_s)
        return events

    def _next_due(self) -> tuple | None:
        """The earliest pending thing: (time, "countdown" | "end" | "report", run).
        At equal times a countdown comes before an end, an end before a report."""
        candidates = []
        if self.status == "running":
            run = self._runs[-1]
            end_s = self._projected_end_s(run)
            candidates += [(end_s - n, 0, "countdown", run) for n in run.countdowns[:1]]
            candidates.append((end_s, 1, "end", run))
        pending = [r for r in self._runs if r.end_s is not None and not r.reported]
        if pending:
            candidates.append((pending[0].end_s + self.settle_s, 2, "report", pending[0]))
        if not candidates:
            return None
        time_s, _, what, run = min(candidates, key=lambda c: (c[0], c[1]))
        return time_s, what, run

    def _projected_end_s(self, run: _Run) -> float:
        """When a running interval ends: its duration plus the time paused in it."""
        return run.start_s + run.interval.duration_s + self._paused_s(run.start_s)

    def _paused_s(self, since_s: float) -> float:
        return sum(end - max(start, since_s) for start, end in self._pauses
                   if end is not None and end > since_s)

    def _begin(self, position: int, start_s: float) -> IntervalStarted:
        interval, athlete = self._plan[position]
        name = None if athlete is None else self.roster[athlete]
        round_ = None if name is None else 1 + sum(r.athlete == name for r in self._runs)
        self._runs.append(_Run(position + 1, interval, name, round_, start_s))
        upcoming = [self.roster[a] for _, a in self._plan[position + 1:] if a is not None]
        return IntervalStarted(start_s, position + 1, interval.kind, interval.duration_s, name,
                               upcoming[0] if upcoming else None, interval.target_reps)

    def _close(self, run: _Run, end_s: float, ended_by: str) -> list:
        """End ``run`` at ``end_s``; start the next interval there, if any."""
        run.end_s, run.ended_by = end_s, ended_by
        if ended_by == "aborted" or run.index == len(self._plan):
            if self._pauses and self._pauses[-1][1] is None:
                self._pauses[-1][1] = end_s
            self.status, self.end_s = "over", end_s
            self.ended_by = "aborted" if ended_by == "aborted" else "finished"
            return []
        return [self._begin(run.index, end_s)]

    def _report(self, run: _Run) -> IntervalResult:
        run.reported = True
        result = run.result()
        self.results.append(result)
        return result

    def _finish(self, time_s: float) -> ChallengeFinished:
        self.status = "finished"
        self.standings = tuple(rank(self.roster, self.results, self.definition.score))
        return ChallengeFinished(time_s, self.definition.name, self.definition.score,
                                 self.ended_by, self.standings, tuple(self.results))
