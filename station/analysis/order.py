"""A batch of readings put in time order, for the pipeline to feed."""

from __future__ import annotations

import numpy as np

from station.readings import ForceBlock, MatEdge, Reading


def in_time_order(readings: list[Reading]) -> list[Reading]:
    """One batch's readings interleaved by time, force blocks cut at mat edges.

    A source may hand over a whole step's mat edges before that step's force
    (a simulator or a file does, for everything at once); fed that way, the
    mat would look as if force had stopped coming, and the mat check would
    compare a mat far ahead with a plate far behind.
    """
    edges = [r for r in readings if isinstance(r, MatEdge)]
    blocks = [r for r in readings if isinstance(r, ForceBlock)]
    if not edges or not blocks or len(edges) + len(blocks) != len(readings):
        return readings  # nothing to interleave (or not readings: feed says so)
    edges.sort(key=lambda edge: edge.time_s)
    edge_times_s = np.array([edge.time_s for edge in edges])
    keyed = [(edge.time_s, 1, order, edge) for order, edge in enumerate(edges)]
    for block in blocks:
        # Samples at an edge's very time go before it.
        cuts = np.unique(np.searchsorted(block.time_s, edge_times_s, side="right"))
        bounds = [0, *(int(c) for c in cuts if 0 < c < len(block.time_s)), len(block.time_s)]
        for low, high in zip(bounds, bounds[1:]):
            corners = None if block.corners_n is None else block.corners_n[low:high]
            piece = ForceBlock(block.time_s[low:high], block.fz_n[low:high], corners)
            keyed.append((float(piece.time_s[0]), 0, len(keyed), piece))
    keyed.sort(key=lambda item: item[:3])
    return [item[3] for item in keyed]
