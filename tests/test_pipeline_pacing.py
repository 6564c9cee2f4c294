"""The pipeline's answer depends on reading times only, never on pacing."""

from hypothesis import given, settings, strategies as st

from force_session import unplug
from mat_script import edges_from_script
from station.analysis.pipeline import Pipeline, analyse
from station.readings import TWO_ZONES, ForceBlock, MatEdge
from station.sources.recording import RecordingSource, recording_from_readings
from station.sources.simulated import simulate

#: The length of the simulated sessions with a dead mat.
DEAD_MAT_S = 30.0

PHASE = st.tuples(st.sampled_from(["front", "back", None]),
                  st.floats(min_value=0.001, max_value=2.0))


def offline(start, edges, end_s):
    pipeline = Pipeline()
    events = pipeline.start(start) + pipeline.feed(edges) + pipeline.finish(end_s)
    return [event.to_json() for event in events]


def paced(start, edges, end_s, cuts, ticks):
    """Feeds edges in chunks with advance() calls at arbitrary times between."""
    pipeline = Pipeline()
    events = pipeline.start(start)
    position = 0
    for cut, tick in zip(sorted(cuts), ticks):
        chunk = edges[position:cut]
        position = max(position, cut)
        events += pipeline.feed(chunk)
        if chunk:
            next_s = edges[position].time_s if position < len(edges) else end_s
            events += pipeline.advance(chunk[-1].time_s + tick * (next_s - chunk[-1].time_s))
    events += pipeline.feed(edges[position:])
    events += pipeline.finish(end_s)
    return [event.to_json() for event in events]


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(PHASE, min_size=2, max_size=30),
       chatter=st.lists(st.floats(min_value=0.0, max_value=0.006), max_size=30),
       cuts=st.lists(st.integers(min_value=0, max_value=80), max_size=20),
       ticks=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=20, max_size=20))
def test_live_pacing_gives_the_offline_events(steps, chatter, cuts, ticks):
    steps = [("front", 1.0)] + steps
    start, edges, end_s = edges_from_script(steps)
    noisy = []
    for edge, bounce_s in zip(edges, chatter + [0.0] * len(edges)):
        noisy.append(edge)
        if bounce_s:
            noisy += [MatEdge(edge.time_s + bounce_s / 2, edge.zone, not edge.contact),
                      MatEdge(edge.time_s + bounce_s, edge.zone, edge.contact)]
    noisy.sort(key=lambda edge: edge.time_s)
    assert paced(start, noisy, end_s, cuts, ticks) == offline(start, noisy, end_s)


def mat_dead_from(cut_s, held):
    """A simulated session with load cells whose mat sends nothing after
    ``cut_s``: it holds its level (``held``) or reads open (unplugged)."""
    start, readings, _ = simulate(1, DEAD_MAT_S, zones=TWO_ZONES, force=True)
    force = next(r for r in readings if isinstance(r, ForceBlock))
    edges = [r for r in readings if isinstance(r, MatEdge)]
    if held:
        return start, [e for e in edges if e.time_s <= cut_s], force
    return (*unplug(start, edges, cut_s, None), force)


def paced_with_force(start, edges, force, sizes, ticks):
    """Force in blocks of ``sizes`` (cycled), each with the edges up to its
    last sample, and advance() at times no later than the next edge."""
    pipeline = Pipeline()
    events = pipeline.start(start, has_force=True)
    position = edge = k = 0
    while position < len(force.time_s):
        size = sizes[k % len(sizes)]
        block = ForceBlock(force.time_s[position:position + size], force.fz_n[position:position + size],
                           force.corners_n[position:position + size])
        last_s = float(block.time_s[-1])
        first_edge = edge
        while edge < len(edges) and edges[edge].time_s <= last_s:
            edge += 1
        events += pipeline.feed(edges[first_edge:edge] + [block])
        next_s = edges[edge].time_s if edge < len(edges) else last_s + 1.0
        events += pipeline.advance(min(last_s + ticks[k % len(ticks)] * 0.05, next_s - 1e-6))
        position, k = position + size, k + 1
    events += pipeline.feed(edges[edge:])
    events += pipeline.finish(DEAD_MAT_S)
    return [event.to_json() for event in events]


@settings(max_examples=15, deadline=None)
@given(cut_s=st.one_of(st.just(0.0), st.floats(min_value=1.0, max_value=DEAD_MAT_S - 5.0)),
       held=st.booleans(),
       sizes=st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=8),
       ticks=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8))
def test_a_dead_mat_handed_to_the_load_cells_gives_the_offline_events_however_paced(cut_s, held, sizes, ticks):
    start, edges, force = mat_dead_from(cut_s, held)
    offline = analyse(RecordingSource(recording_from_readings(start, edges + [force], TWO_ZONES)))
    assert paced_with_force(start, edges, force, sizes, ticks) == [event.to_json() for event in offline]
