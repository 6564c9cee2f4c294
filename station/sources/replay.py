"""A recording as a source, and a source's readings as a recording.

RecordingSource plays a Recording back through the same interface as the
hardware, so ``station analyse`` and ``--replay`` run the live code path;
recording_from_readings is the way back, for saving what a live source sent.
"""

from __future__ import annotations

import math

import numpy as np

from station.readings import ForceBlock, MatEdge, MatStart, Reading
from station.sources.recording_file import Recording

#: Ranks readings at the same row: a force sample comes before the mat change
#: of its row, as the edge rows of a saved session come after the sample.
_FORCE_FIRST, _EDGE_AFTER = 0, 1


class RecordingSource:
    """Plays a Recording back as a Source: its mat changes as MatEdges and its
    force samples as ForceBlocks of about ``block_s`` seconds each.

    recording: what to play.
    block_s: the length of the force blocks handed out, in seconds.

        source = RecordingSource(read_recording("session.csv"))
        start = source.start()
        readings = source.read(float("inf"))
    """

    def __init__(self, recording: Recording, block_s: float = 0.05) -> None:
        if not block_s > 0:
            raise ValueError(f"block_s must be positive, not {block_s}")
        self.recording = recording
        self.block_s = block_s
        self.zones = recording.zones
        self.has_force = recording.has_force
        self.simulated = recording.metadata.get("simulated", "").strip().lower() == "yes"
        self._edge_rows, self._edges = _edges(recording)
        self._force_rows = (np.flatnonzero(~np.isnan(recording.fz_n)) if recording.has_force
                            else np.empty(0, int))
        self._next_edge = self._next_force = 0

    def start(self) -> MatStart:
        levels = {zone: bool(self.recording.mat[zone][0]) for zone in self.zones}
        return MatStart(float(self.recording.time_s[0]), levels)

    def read(self, until_s: float) -> list[Reading]:
        """Readings not yet returned with time <= until_s, in time order (a
        force block at the time of its first sample)."""
        stop_row = np.searchsorted(self.recording.time_s, until_s, side="right")
        edge_stop = int(np.searchsorted(self._edge_rows, stop_row))
        force_stop = int(np.searchsorted(self._force_rows, stop_row))
        keyed = [((row, _EDGE_AFTER), edge) for row, edge in zip(
            self._edge_rows[self._next_edge:edge_stop].tolist(),
            self._edges[self._next_edge:edge_stop])]
        keyed += self._blocks(self._force_rows[self._next_force:force_stop])
        self._next_edge, self._next_force = edge_stop, force_stop
        keyed.sort(key=lambda pair: pair[0])
        return [reading for _, reading in keyed]

    def end_s(self) -> float:
        return float(self.recording.time_s[-1])

    def close(self) -> None:
        """Nothing to release: the recording is already in memory."""

    def _blocks(self, rows: np.ndarray) -> list[tuple[tuple[int, int], ForceBlock]]:
        if not len(rows):
            return []
        recording = self.recording
        time_s = recording.time_s[rows]
        # Blocks on one grid from the first sample, so they stay about block_s
        # long whatever times the caller reads up to. The nudge of a millionth
        # of a block puts a sample that is on a boundary (every 50th at 1 kHz)
        # into the next block despite float rounding.
        first_s = recording.time_s[self._force_rows[0]]
        cell = np.floor((time_s - first_s) / self.block_s + 1e-6)
        splits = np.flatnonzero(np.diff(cell)) + 1
        fz_n = np.split(recording.fz_n[rows], splits)
        corners_n = (np.split(recording.corners_n[rows], splits)
                     if recording.corners_n is not None else [None] * len(fz_n))
        firsts = rows[np.concatenate(([0], splits))].tolist()
        return [((first, _FORCE_FIRST), ForceBlock(times, fz, corners))
                for first, times, fz, corners in zip(
                    firsts, np.split(time_s, splits), fz_n, corners_n)]


def _edges(recording: Recording) -> tuple[np.ndarray, list[MatEdge]]:
    """Every level change of every zone, in row order (zones in the order of
    ``recording.zones`` within a row): the rows and the MatEdges."""
    rows, zone_ranks = [], []
    for rank, zone in enumerate(recording.zones):
        level = recording.mat[zone]
        changed = np.flatnonzero(level[1:] != level[:-1]) + 1
        rows.append(changed)
        zone_ranks.append(np.full(len(changed), rank))
    if not rows:
        return np.empty(0, int), []
    rows, zone_ranks = np.concatenate(rows), np.concatenate(zone_ranks)
    order = np.lexsort((zone_ranks, rows))
    rows, zone_ranks = rows[order], zone_ranks[order]
    edges = [MatEdge(float(recording.time_s[row]), recording.zones[rank],
                     bool(recording.mat[recording.zones[rank]][row]))
             for row, rank in zip(rows.tolist(), zone_ranks.tolist())]
    return rows, edges


def recording_from_readings(start: MatStart, readings: list[Reading], zones: tuple[str, ...],
                            metadata: dict[str, str] | None = None) -> Recording:
    """What a live source produced, as a Recording to save.

    One row per force sample, plus one row with no force at each mat edge's
    exact time (after a force sample at the same time), so edges keep their
    precision; with a mat, a first row at ``start`` holds the starting levels.
    Readings before ``start`` or on a zone not in ``zones`` are bugs and raise
    ValueError, as does a recording with neither mat nor force.

        recording = recording_from_readings(source.start(), readings, source.zones)
        write_recording("session.csv", recording)
    """
    edges = [reading for reading in readings if isinstance(reading, MatEdge)]
    blocks = [reading for reading in readings if isinstance(reading, ForceBlock)]
    if not zones and not blocks:
        raise ValueError("nothing to record: no mat zones and no force")
    if any(edge.zone not in zones for edge in edges):
        raise ValueError(f"an edge is on a zone not in {zones}")
    force_s, fz_n, corners_n = _force(blocks)
    starts = [start.time_s] if zones else []
    time_s = np.concatenate((starts, force_s, [edge.time_s for edge in edges]))
    if (time_s < start.time_s).any():
        raise ValueError("a reading is earlier than the start")
    kind = np.repeat([0, 1, 2], [len(starts), len(force_s), len(edges)])
    order = np.lexsort((kind, time_s))

    def sorted_rows(at_start, samples, at_edges) -> np.ndarray:
        return np.concatenate((at_start, samples, at_edges))[order]

    def without_force(samples: np.ndarray) -> np.ndarray:
        width = samples.shape[1:]
        return sorted_rows(np.full((len(starts), *width), math.nan), samples,
                           np.full((len(edges), *width), math.nan))

    mat = {}
    for zone in zones:
        contact = [edge.contact if edge.zone == zone else math.nan for edge in edges]
        mat[zone] = _carried_forward(sorted_rows(
            [float(start.contact_by_zone[zone])], np.full(len(force_s), math.nan), contact))
    fz = without_force(fz_n) if blocks else None
    corners = without_force(corners_n) if corners_n is not None else None
    return Recording(time_s[order], mat, fz, corners, dict(metadata or {}))


def _force(blocks: list[ForceBlock]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The samples of all blocks, in the order given; corners only when every
    block has them (a source either measures corners or it does not)."""
    if not blocks:
        return np.empty(0), np.empty(0), None
    with_corners = [block.corners_n is not None for block in blocks]
    if any(with_corners) and not all(with_corners):
        raise ValueError("some force blocks have corner forces and some do not")
    corners = np.concatenate([block.corners_n for block in blocks]) if all(with_corners) else None
    return (np.concatenate([block.time_s for block in blocks]),
            np.concatenate([block.fz_n for block in blocks]), corners)


def _carried_forward(level: np.ndarray) -> np.ndarray:
    """Each NaN replaced by the last level before it; the first is known."""
    known = np.where(np.isnan(level), 0, np.arange(len(level)))
    return level[np.maximum.accumulate(known)] == 1
