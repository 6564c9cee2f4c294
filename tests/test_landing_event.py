"""The early Landing event: a landing's rating while the athlete is still on the mat."""

import numpy as np
import pytest

from station.analysis.events import Contact, Fault, Landing
from station.analysis.force.rules import ForceRules
from station.analysis.pipeline import Pipeline
from station.analysis.rules import TimingRules
from station.readings import ForceBlock, MatEdge, MatStart
from station.sources.simulated import simulate
from force_session import run_session

RATE_HZ = 1000
WEIGHT_N = 800.0


def plate(segments):
    """A ForceBlock at 1 kHz from (start_s, end_s, force_n) segments; the
    first 1.2 s stands still so the set is weighed."""
    times, forces = [], []
    for start_s, end_s, force_n in segments:
        t = np.arange(round(start_s * RATE_HZ), round(end_s * RATE_HZ)) / RATE_HZ
        times.append(t)
        forces.append(np.full(len(t), float(force_n)))
    time_s = np.concatenate(times)
    return ForceBlock(time_s, np.concatenate(forces))


def landing_session(rebound_contact_s):
    """Stand, jump back (flight 0.3 s), land at 2.0 s with a 3 BW spike,
    stay ``rebound_contact_s``, jump forward, land and stand."""
    touchdown_s = 2.0
    takeoff_s = touchdown_s + rebound_contact_s
    force = plate([(0.0, 1.7, WEIGHT_N), (1.7, touchdown_s, 0.0),
                   (touchdown_s, touchdown_s + 0.05, 3 * WEIGHT_N),
                   (touchdown_s + 0.05, takeoff_s, WEIGHT_N), (takeoff_s, takeoff_s + 0.3, 0.0),
                   (takeoff_s + 0.3, takeoff_s + 2.0, WEIGHT_N)])
    edges = [MatEdge(1.7, "front", False), MatEdge(touchdown_s, "back", True),
             MatEdge(takeoff_s, "back", False), MatEdge(takeoff_s + 0.3, "front", True)]
    return force, edges, touchdown_s


class Feeder:
    """Feeds a pipeline what a live source would have read by each time."""

    def __init__(self, pipeline, force, edges):
        self.pipeline, self.force, self.edges = pipeline, force, edges
        self.fed_s = -1.0

    def until(self, until_s):
        keep = (self.force.time_s > self.fed_s) & (self.force.time_s <= until_s)
        batch = [e for e in self.edges if self.fed_s < e.time_s <= until_s]
        batch.append(ForceBlock(self.force.time_s[keep], self.force.fz_n[keep]))
        self.fed_s = until_s
        return self.pipeline.feed(batch) + self.pipeline.advance(until_s)


def started():
    pipeline = Pipeline()
    pipeline.start(MatStart(0.0, {"front": True, "back": False}), has_force=True)
    return pipeline


def test_a_landing_is_reported_once_its_window_has_passed_while_still_on_the_mat():
    force, edges, touchdown_s = landing_session(rebound_contact_s=0.5)
    # The mat is believed bounce_s late, so the window is known that much after it ends.
    known_s = touchdown_s + ForceRules().landing_window_s + TimingRules().bounce_s
    feeder = Feeder(started(), force, edges)
    before = feeder.until(known_s - 0.002)  # 2 ms: two samples at 1 kHz
    assert not [e for e in before if isinstance(e, Landing)]
    after = feeder.until(known_s + 0.002)
    landings = [e for e in after if isinstance(e, Landing)]
    assert len(landings) == 1
    assert landings[0].touchdown_s == pytest.approx(touchdown_s)
    assert landings[0].landing["peak_force_bw"] == pytest.approx(3.0, rel=0.02)
    assert not [e for e in after if isinstance(e, Contact) and e.start_s == touchdown_s]


def test_a_contact_shorter_than_the_window_is_rated_as_early_as_a_long_one():
    """Its take-off is not believed until min_flight_s later; the window ends at
    that take-off edge, and the landing is still reported on time."""
    force, edges, touchdown_s = landing_session(rebound_contact_s=0.08)
    known_s = touchdown_s + ForceRules().landing_window_s + TimingRules().bounce_s
    feeder = Feeder(started(), force, edges)
    events = feeder.until(known_s + 0.002)
    landings = [e for e in events if isinstance(e, Landing)]
    assert [landing.touchdown_s for landing in landings] == [pytest.approx(touchdown_s)]
    assert not [e for e in events if isinstance(e, Contact) and e.start_s == touchdown_s]
    later = feeder.until(6.0)
    contact = next(e for e in later if isinstance(e, Contact) and e.start_s == touchdown_s)
    assert contact.end_s == pytest.approx(touchdown_s + 0.08)
    assert contact.landing == landings[0].landing


def test_a_landing_window_reaching_the_next_landing_is_refused():
    rules = TimingRules()
    too_long_s = rules.min_contact_s + rules.min_flight_s
    with pytest.raises(ValueError, match="landing_window_s must be shorter"):
        Pipeline(rules, ForceRules(landing_window_s=too_long_s))
    Pipeline(rules, ForceRules(landing_window_s=too_long_s - 0.001))


def test_every_landed_contact_gets_one_landing_first_with_the_same_numbers():
    events, _, _ = run_session(seed=3, duration_s=60)
    landings = {e.contact_index: e for e in events if isinstance(e, Landing)}
    landed = [e for e in events if isinstance(e, Contact) and e.landed and e.landing]
    assert len(landed) > 40
    assert set(landings) == {c.index for c in landed}
    for contact in landed:
        assert landings[contact.index].landing == contact.landing
        assert events.index(landings[contact.index]) < events.index(contact)


def test_without_force_no_landing_is_reported():
    start, readings, _ = simulate(2, 30.0, zones=("front", "back"), force=False)
    pipeline = Pipeline()
    events = pipeline.start(start) + pipeline.feed(readings) + pipeline.finish(30.0)
    assert not [e for e in events if isinstance(e, Landing)]
    assert any(isinstance(e, Contact) and e.landed for e in events)


def test_stepping_on_is_not_a_landing():
    force = plate([(0.0, 1.0, 0.0), (1.0, 4.0, WEIGHT_N)])
    pipeline = Pipeline()
    events = pipeline.start(MatStart(0.0, {"front": False, "back": False}), has_force=True)
    events += pipeline.feed([MatEdge(1.0, "front", True), force]) + pipeline.finish(4.0)
    assert not [e for e in events if isinstance(e, Landing)]


def test_a_batch_with_its_mat_edges_before_its_force_waits_for_that_force():
    """A live source may hand over a whole step's mat edges and then its force:
    the mat must not be judged unplugged for the force still in the batch."""
    start, readings, _ = simulate(0, 20.0, zones=("front", "back"), force=True)
    edges = [r for r in readings if isinstance(r, MatEdge)]
    force = next(r for r in readings if isinstance(r, ForceBlock))
    pipeline = Pipeline()
    events = pipeline.start(start, has_force=True)
    for step_start_s in np.arange(0.0, 20.0, 0.6):  # steps longer than force_wait_s
        step_end_s = step_start_s + 0.6
        keep = (force.time_s >= step_start_s) & (force.time_s < step_end_s)
        batch = [e for e in edges if step_start_s < e.time_s <= step_end_s]
        batch.append(ForceBlock(force.time_s[keep], force.fz_n[keep], force.corners_n[keep]))
        events += pipeline.feed(batch) + pipeline.advance(step_end_s)
    events += pipeline.finish(20.0)
    assert not [e for e in events if isinstance(e, Fault)]
    whole = Pipeline()
    offline = whole.start(start, has_force=True) + whole.feed(readings) + whole.finish(20.0)
    assert [e for e in events if isinstance(e, Contact)] == [e for e in offline if isinstance(e, Contact)]
