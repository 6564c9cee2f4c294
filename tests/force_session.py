"""Runs the pipeline over a simulated session, with or without the mat."""

import numpy as np

from station.analysis.events import Contact, Flight
from station.analysis.pipeline import Pipeline
from station.readings import ForceBlock, MatEdge, MatStart
from station.sources.athlete import SimulatedAthlete
from station.sources.simulated import simulate


def run_session(seed, duration_s, zones=("front", "back"), use_mat=True, block_samples=50,
                mat_until_s=None, unplugged_s=None, corners=None, landing_x_m=0.0):
    """(events, truth phases, body weight N) of a simulated session.

    ``mat_until_s``: the mat sends no edge after this time (it holds its
    level: stuck). ``unplugged_s``: (from, to or None), the mat reads open
    in between (its cable out). ``corners``: the plate's corner forces instead
    of the simulated ones. ``landing_x_m``: landings off the plate's middle
    line (simulated.py).
    """
    start, readings, truth = simulate(seed, duration_s, zones=zones, force=True, landing_x_m=landing_x_m)
    force = next(r for r in readings if isinstance(r, ForceBlock))
    if corners is not None:
        force = ForceBlock(force.time_s, corners.sum(axis=1), corners)
    edges = [r for r in readings if isinstance(r, MatEdge)] if use_mat else []
    if mat_until_s is not None:
        edges = [e for e in edges if e.time_s <= mat_until_s]
    if unplugged_s is not None:
        start, edges = unplug(start, edges, *unplugged_s)
    blocks = [ForceBlock(force.time_s[i:i + block_samples], force.fz_n[i:i + block_samples],
                         force.corners_n[i:i + block_samples])
              for i in range(0, len(force.time_s), block_samples)]
    stream = sorted(edges + blocks, key=lambda r: r.time_s if isinstance(r, MatEdge) else r.time_s[0])
    pipeline = Pipeline()
    events = pipeline.start(start if use_mat else MatStart(start.time_s, {}), has_force=True)
    events += pipeline.feed(stream)
    events += pipeline.finish(duration_s)
    weight_n = SimulatedAthlete(seed).body_mass_kg * 9.81
    return events, [p for p in truth if p.end_s < duration_s - 0.1], weight_n


def unplug(start, edges, from_s, to_s):
    """The mat's zones read open from ``from_s`` to ``to_s`` (None: to the
    end): (start, edges)."""
    def levels_at(time_s):
        level = dict(start.contact_by_zone)
        for edge in edges:
            if edge.time_s <= time_s:
                level[edge.zone] = edge.contact
        return level
    kept = [e for e in edges if e.time_s < from_s]
    if from_s <= start.time_s:
        start = MatStart(start.time_s, {zone: False for zone in start.contact_by_zone})
    else:
        kept += [MatEdge(from_s, zone, False) for zone, closed in levels_at(from_s).items() if closed]
    if to_s is None:
        return start, kept
    kept += [MatEdge(to_s, zone, True) for zone, closed in levels_at(to_s).items() if closed]
    return start, kept + [e for e in edges if e.time_s > to_s]


def nearest(found, time_s, key):
    times = np.array([key(item) for item in found])
    index = int(np.argmin(np.abs(times - time_s)))
    return found[index], abs(times[index] - time_s)


def flights(events):
    return [e for e in events if isinstance(e, Flight)]


def landed_contacts(events):
    return [e for e in events if isinstance(e, Contact) and e.start_s is not None and e.landing]
