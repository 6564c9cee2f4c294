"""Builds exact mat edges from a readable script of phases, for timing tests."""

from station.readings import MatEdge, MatStart


def edges_from_script(steps, start_zone="front"):
    """``steps`` is a list of (zone_or_None, duration_s): on a zone, or in the air.

    Returns (MatStart, edges, end_s). The first step is the level at t = 0.
    Zones are "front"/"back" (two zones) or "mat" (one zone).
    """
    zones = ("mat",) if any(zone == "mat" for zone, _ in steps) else ("front", "back")
    first_zone, _ = steps[0]
    start = MatStart(0.0, {zone: zone == first_zone for zone in zones})
    edges, time_s, current = [], 0.0, first_zone
    for zone, duration_s in steps:
        if zone != current:
            if current is not None:
                edges.append(MatEdge(time_s, current, False))
            if zone is not None:
                edges.append(MatEdge(time_s, zone, True))
            current = zone
        time_s += duration_s
    return start, edges, time_s


def backward_jumps(reps, flight_s=0.3, rebound_s=0.2, front_s=0.6, zone_front="front", zone_back="back"):
    """A standing start then ``reps`` clean backward jumps, as script steps."""
    steps = [(zone_front, 1.0)]
    for _ in range(reps):
        steps += [(None, flight_s), (zone_back, rebound_s), (None, flight_s), (zone_front, front_s)]
    return steps
