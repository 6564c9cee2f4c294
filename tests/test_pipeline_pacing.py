"""The pipeline's answer depends on reading times only, never on pacing."""

from hypothesis import given, settings, strategies as st

from mat_script import edges_from_script
from station.analysis.pipeline import Pipeline
from station.readings import MatEdge

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
