"""The force plate's load cells, read live through the front-end, as a Source.

Frames come off the link with the host time they arrived; the clock sync puts
every sample on the host's monotonic clock, and the calibration turns raw
counts into newtons. The timeline is ``time.monotonic()`` minus ``origin_s``,
as for every live source, so a mat on the Pi's GPIO given the same origin
shares it.

After each connection the clock fit needs about a second of frames to settle;
until then times can be off by the latency of the first frames (a fraction of
a millisecond on an idle host, a few on a busy one). Time never runs
backwards: a sample the settling fit would put at or before one already
handed on is dropped.
"""

from __future__ import annotations

import bisect
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

import numpy as np

from station.readings import ForceBlock, MatEdge, MatStart, Reading
from station.sources.device_counts import DeviceCounts, grown
from station.sources.loadcell.calibration import DEFAULT_CALIBRATION, Calibration
from station.sources.loadcell.clocksync import DEVICE_CLOCK_HZ, WRAP_US, ClockSync
from station.sources.loadcell.link import FrontEndLink, Received
from station.sources.loadcell.protocol import COUNT_MAX, COUNT_MIN, MatEdgeFrame, Samples, Status

LOG = logging.getLogger("station.loadcell")

#: A sample waits on the device for its frame to fill (10 ms), then for USB and
#: the reader thread, which a busy host can hold up for tens of ms. Readings
#: older than this are complete.
LATENCY_S = 0.05
#: Samples kept for a main loop that has fallen behind (per cell, 20 s at
#: 1 kHz): beyond that new samples are dropped and counted, so memory stays
#: flat however long the loop is stalled.
MAX_BUFFERED_SAMPLES = 20_000
#: The link's error counts (every one the decoder and the link keep, and the
#: samples this source drops), as the screen, the doctor and a headless run
#: say them when they grow.
LINK_ERRORS = {"crc_errors": "frames that failed their check", "lost_frames": "frames lost",
               "duplicates": "frames that came twice", "reordered": "frames out of order",
               "bad_versions": "frames of another protocol version",
               "oversize": "frames longer than allowed", "unknown_kinds": "frames of an unknown kind",
               "malformed": "frames with a broken payload",
               "discarded_bytes": "bytes that were in no frame",
               "overflows": "samples the device dropped",
               "dropped": "frames the station could not keep up with",
               "dropped_samples": "samples the station could not keep up with"}
DEVICE = "load-cell front-end"
#: How long the screen says so after the counts last grew.
LINK_NOTICE_S = 10.0


@dataclass(frozen=True, slots=True)
class LoadCellStatus:
    """What the screen shows of the front-end: whether force is coming,
    what to do if not (one sentence, or None), and the link's counts."""

    connected: bool
    problem: str | None
    frames: int
    crc_errors: int
    lost_frames: int
    overflows: int


class LoadCellSource:
    """Force from the plate's four corner cells, live, through ``link``.

    ``calibration`` turns counts into newtons (cells FL, FR, BL, BR; fz is
    their sum). ``zones`` names the mat zones wired to the front-end rather
    than to the Pi: () for none, ("mat",), or ("front", "back"); their edges
    come in MAT_EDGE frames on the samples' clock. ``origin_s`` is the
    ``time.monotonic()`` that is 0 on the timeline; None means the moment
    ``start`` is called. ``speed`` is how many device seconds pass per host
    second: 1 for the front-end, N for a device emulator run N times faster,
    whose times then come out in emulated seconds.

        source = LoadCellSource(FrontEndLink("/dev/ttyACM0"), load_calibration(path))
        source.start()
        readings = source.read(until_s)
    """

    has_force = True
    simulated = False

    def __init__(self, link: FrontEndLink, calibration: Calibration = DEFAULT_CALIBRATION,
                 zones: tuple[str, ...] = (), origin_s: float | None = None,
                 speed: float = 1.0) -> None:
        if tuple(zones) not in ((), ("mat",), ("front", "back")):
            raise ValueError(f"zones must be (), ('mat',) or ('front', 'back'), not {zones!r}")
        self.link = link
        self.calibration = calibration
        self.zones = tuple(zones)
        self.origin_s = origin_s
        self.speed = speed
        self.latency_s = LATENCY_S * speed
        self.clock = ClockSync(clock_hz=DEVICE_CLOCK_HZ * speed)
        self._connection: int | None = None
        self._edges: list[MatEdge] = []
        self._blocks: deque[ForceBlock] = deque()
        self._last_sample_s = -np.inf
        self._buffered = 0
        self._counts: dict[str, int] = {}
        self._link_notice: tuple[float, str] | None = None
        #: Samples dropped because the main loop did not read them in time.
        self.dropped_samples = 0
        #: ``on_counts(time_s, counts)`` hears every sample's raw counts (n, 4)
        #: and timeline times (n,) as ``read`` takes them in: a calibration
        #: at the kiosk reads the plate through it. None: nobody listens.
        self.on_counts: Callable[[np.ndarray, np.ndarray], None] | None = None

    @property
    def cell_range_n(self) -> tuple[tuple[float, float], ...]:
        """Each cell's (lowest, highest) force its converter can read, in
        newtons, with this calibration: a cell there is saturated."""
        limits = self.calibration.to_newtons(np.array([[COUNT_MIN] * 4, [COUNT_MAX] * 4]))
        return tuple((float(min(limits[:, cell])), float(max(limits[:, cell]))) for cell in range(4))

    def start(self) -> MatStart:
        """Open the link. A mat on the front-end has no way to report its
        levels before its first change, so its zones start open."""
        if self.origin_s is None:
            self.origin_s = time.monotonic()
        start_s = (time.monotonic() - self.origin_s) * self.speed
        self.link.start()
        return MatStart(start_s, {zone: False for zone in self.zones})

    def read(self, until_s: float) -> list[Reading]:
        for received in self.link.get_frames():
            self._take(received)
        edges = [edge for edge in self._edges if edge.time_s <= until_s]
        self._edges = self._edges[len(edges):]
        blocks = []
        while self._blocks and self._blocks[0].time_s[0] <= until_s:
            block = self._blocks.popleft()
            cut = int(np.searchsorted(block.time_s, until_s, side="right"))
            if cut < len(block.time_s):
                self._blocks.appendleft(_slice(block, cut, None))
                block = _slice(block, 0, cut)
            blocks.append(block)
            self._buffered -= len(block.time_s)
        return [*edges, *blocks]

    def end_s(self) -> None:
        return None

    def close(self) -> None:
        self.link.close()

    @property
    def problem(self) -> str | None:
        """One sentence for the screen while force is not coming, or for
        ``LINK_NOTICE_S`` after the link's error counts last grew; else None."""
        if self.link.problem:
            return self.link.problem
        [counted] = self.device_counts()
        more = grown(self._counts, counted.counts)
        self._counts = counted.counts
        now_s = time.monotonic()
        if more:
            self._link_notice = (now_s + LINK_NOTICE_S, "The load-cell link had trouble: "
                                 + counted.describe(more) + "; if it goes on, check the USB cable.")
        if self._link_notice is not None and now_s < self._link_notice[0]:
            return self._link_notice[1]
        return None

    def device_counts(self) -> list[DeviceCounts]:
        """The link's error counts since it was made (station.sources.device_counts)."""
        stats = self.link.stats
        counts = {key: getattr(stats, key) for key in LINK_ERRORS if key != "dropped_samples"}
        return [DeviceCounts(DEVICE, {**counts, "dropped_samples": self.dropped_samples}, LINK_ERRORS)]

    def status(self) -> LoadCellStatus:
        stats = self.link.stats
        return LoadCellStatus(self.link.connected, self.link.problem, stats.frames,
                              stats.crc_errors, stats.lost_frames, stats.overflows)

    def _take(self, received: Received) -> None:
        if received.connection != self._connection:
            # A new connection is a device that may have restarted its clock.
            if self._connection is not None:
                self.clock.restart()
            self._connection = received.connection
        frame = received.frame
        if isinstance(frame, Samples):
            # The frame leaves after its last sample is taken: that is the
            # send time its arrival bounds.
            last_us = (frame.device_time_us + (len(frame.counts) - 1) * frame.period_us) % WRAP_US
            self.clock.observe(last_us, received.received_s)
            self._samples(frame, last_us)
        elif isinstance(frame, (MatEdgeFrame, Status)):
            self.clock.observe(frame.device_time_us, received.received_s)
            if isinstance(frame, MatEdgeFrame):
                self._edge(frame)

    def _samples(self, frame: Samples, last_us: int) -> None:
        first_s = self._timeline_s(frame.device_time_us)
        last_s = self._timeline_s(last_us)
        time_s = np.linspace(first_s, last_s, len(frame.counts))
        corners_n = self.calibration.to_newtons(frame.counts)
        # While the fit settles after a connection it can find a lower latency
        # bound and move the line back by more than a sample; the samples it
        # would put at or before ones already given are left out, so time
        # never runs backwards.
        keep = time_s > self._last_sample_s
        counts = frame.counts
        if not keep.all():
            LOG.debug("Dropped %d samples that the clock fit moved back in time.", int((~keep).sum()))
            time_s, corners_n, counts = time_s[keep], corners_n[keep], counts[keep]
        if self.on_counts is not None and len(time_s):
            self.on_counts(time_s, counts)
        if self._buffered + len(time_s) > MAX_BUFFERED_SAMPLES:
            self.dropped_samples += len(time_s)
            return
        if len(time_s):
            self._last_sample_s = float(time_s[-1])
            self._buffered += len(time_s)
            self._blocks.append(ForceBlock(time_s, corners_n.sum(axis=1), corners_n))

    def _edge(self, frame: MatEdgeFrame) -> None:
        if frame.zone >= len(self.zones):
            return
        edge = MatEdge(self._timeline_s(frame.device_time_us), self.zones[frame.zone], frame.contact)
        bisect.insort(self._edges, edge, key=lambda each: each.time_s)

    def _timeline_s(self, device_time_us: int) -> float:
        return (self.clock.to_host_s(device_time_us) - self.origin_s) * self.speed


def _slice(block: ForceBlock, start: int | None, stop: int | None) -> ForceBlock:
    part = slice(start, stop)
    return ForceBlock(block.time_s[part], block.fz_n[part], block.corners_n[part])
