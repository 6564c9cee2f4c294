"""A run that falls behind its clock catches up in bounded slices, says so
once, and decides exactly what an offline analysis decides."""

import logging

import pytest

from station.analysis.pipeline import Pipeline
from station.app import BEHIND_WARN_S, MAX_SLICE_S, StationLoop
from station.readings import ForceBlock, TWO_ZONES
from station.sources.athlete import SimulatedAthlete
from station.sources.simulated import SimulatedSource


class Watched:
    """A source that notes how far each read reaches."""

    def __init__(self, source):
        self.source = source
        self.zones, self.has_force, self.simulated = source.zones, source.has_force, True
        self.latency_s = 0.0
        self.until_s = []

    def start(self):
        return self.source.start()

    def read(self, until_s):
        self.until_s.append(until_s)
        return self.source.read(until_s)

    def end_s(self):
        return None

    def close(self):
        pass


class JumpingClock:
    """A host clock that jumps far ahead once (a stalled machine), then creeps."""

    def __init__(self, jump_s):
        self.now_s, self.jump_s = 0.0, jump_s

    def __call__(self):
        now_s, self.now_s = self.now_s, self.now_s + self.jump_s
        self.jump_s = 0.001
        return now_s


def test_a_stalled_run_reads_at_most_one_slice_per_step_and_says_so_once(caplog):
    source = Watched(SimulatedSource(SimulatedAthlete(4), zones=TWO_ZONES))
    events = []
    loop = StationLoop(source, Pipeline(), lambda e: events.append(e.to_json()),
                       duration_s=60.0, clock=JumpingClock(600.0))
    with caplog.at_level(logging.WARNING, logger="station"):
        steps = 0
        while loop.step():
            steps += 1
            assert steps < 1000
        loop.finish()
    reached = [0.0] + source.until_s
    assert max(b - a for a, b in zip(reached, reached[1:])) <= MAX_SLICE_S + 1e-9
    assert steps >= 60 / MAX_SLICE_S - 1
    said = [r.getMessage() for r in caplog.records if "cannot keep up" in r.getMessage()]
    assert len(said) == 1 and "as fast as it can" in said[0]
    offline_source = SimulatedSource(SimulatedAthlete(4), zones=TWO_ZONES)
    pipeline = Pipeline()
    offline = pipeline.start(offline_source.start(), has_force=True)
    offline += pipeline.feed(offline_source.read(60.0))
    offline += pipeline.finish(60.0, "the run ended")
    assert events == [e.to_json() for e in offline]
    assert events[-1]["type"] == "summary" and events[-1]["reps"] > 0


def test_a_run_on_time_is_never_behind_and_says_nothing(caplog):
    clock = iter(i * 0.01 for i in range(100_000))
    loop = StationLoop(SimulatedSource(SimulatedAthlete(2)), Pipeline(), lambda e: None,
                       duration_s=20.0, clock=lambda: next(clock))
    with caplog.at_level(logging.WARNING, logger="station"):
        while loop.step():
            assert not loop.behind
        loop.finish()
    assert not [r for r in caplog.records if "cannot keep up" in r.getMessage()]


def test_a_short_stall_catches_up_without_a_word(caplog):
    times = iter([0.0, BEHIND_WARN_S - 0.5] + [BEHIND_WARN_S + i * 0.01 for i in range(10_000)])
    loop = StationLoop(SimulatedSource(SimulatedAthlete(2)), Pipeline(), lambda e: None,
                       duration_s=30.0, clock=lambda: next(times))
    with caplog.at_level(logging.WARNING, logger="station"):
        loop.step()
        assert loop.behind
        while loop.step():
            pass
    assert not [r for r in caplog.records if "cannot keep up" in r.getMessage()]


def test_the_slice_must_be_positive():
    with pytest.raises(ValueError, match="max_slice_s"):
        StationLoop(SimulatedSource(SimulatedAthlete(2)), Pipeline(), lambda e: None, max_slice_s=0)


def test_the_simulator_without_truth_lets_go_of_its_past():
    kept = SimulatedSource(SimulatedAthlete(5), keep_truth=False)
    whole = SimulatedSource(SimulatedAthlete(5))
    kept.start(), whole.start()
    sizes = []
    for step in range(1, 601):
        a, b = kept.read(step * 1.0), whole.read(step * 1.0)
        assert [type(r) for r in a] == [type(r) for r in b]
        for x, y in zip(a, b):
            if isinstance(x, ForceBlock):
                assert (x.fz_n == y.fz_n).all()
            else:
                assert x == y
        sizes.append(len(kept._phases))
    assert max(sizes[300:]) < 40 < len(whole._phases)
