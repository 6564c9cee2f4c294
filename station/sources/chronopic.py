"""A Chronopic contact platform (Chronojump's interface) on a serial port, as a Source.

A daemon thread owns the port, as pyserial's ``serial.threaded.ReaderThread``
does: it reads whatever bytes arrive, a ``ChronopicDecoder`` finds the frames,
and each goes on a queue with the host time it was read. ``read`` drains the
queue and never waits; ``ChronopicTimeline`` turns the frames into edge times.

The timeline is ``time.monotonic()`` minus ``origin_s``, as for every live
source, so a Chronopic and load cells built with the same origin share it. The
device only counts durations (8 µs ticks): the first change is placed by its
arrival (less the firmware's debounce and the frame's time on the wire), and
every later one chained from it by the counted durations, exactly. Durations
are therefore exact to a tick; absolute times carry the USB adapter's latency
(a few ms) and, over a long unbroken chain, the Chronopic crystal's error
(about 50 ppm: 0.2 s an hour). A change reaches the host about
CHANGE_DELAY_S after it happened.

Unplugged, the source says so in ``problem`` and opens the port again every
RETRY_S; on return it asks the state again and anchors anew.
"""

from __future__ import annotations

import errno
import logging
import queue
import threading
import time
from dataclasses import dataclass

import serial

from station.errors import UserError
from station.readings import MAT, MatEdge, MatStart, Reading
from station.sources.device_counts import DeviceCounts
from station.sources.chronopic_protocol import (
    BAUD_RATE, CHANGE_DELAY_S, STATE_QUERY, Change, ChronopicDecoder, ChronopicTimeline, StateReply)

LOG = logging.getLogger("station.chronopic")

#: The reader wakes at least this often (s) to see whether it should stop.
READ_TIMEOUT_S = 0.05
WRITE_TIMEOUT_S = 0.5
#: How often to try the port again while it is gone (s).
RETRY_S = 0.5
#: The firmware answers 'E' at once; a query lost to a glitch is asked
#: again, and after STATE_TRIES × STATE_WAIT_S (about 1 s) nobody is there.
STATE_TRIES = 3
STATE_WAIT_S = 0.35
#: A Chronopic changes at most every debounce (50 ms): a minute of changes
#: is more than any main loop leaves unread.
QUEUE_FRAMES = 1200
#: The counts of trouble, as the doctor and a headless run say them.
CHRONOPIC_COUNTS = {"discarded": "bytes that were in no frame", "lost_changes": "changes lost",
                    "reconnects": "reconnects", "dropped": "changes the station could not keep up with"}


class ChronopicError(UserError):
    """The Chronopic cannot be used; the message says what to do."""


@dataclass(frozen=True, slots=True)
class ChronopicStats:
    """Counts since the source started: ``changes`` and ``replies`` decoded,
    ``discarded`` bytes that were in no frame, ``lost_changes`` detected from
    a state that did not alternate, ``anchors`` changes placed by arrival
    rather than chained, ``reconnects`` after the first connection, and
    ``dropped`` frames nobody read in time."""

    changes: int
    replies: int
    discarded: int
    lost_changes: int
    anchors: int
    reconnects: int
    dropped: int


class Chronopic:
    """A Chronopic contact platform at serial ``port`` (9600 baud 8N1), one zone "mat".

    ``origin_s`` is the ``time.monotonic()`` that is 0 on the timeline; None
    means the moment ``start`` is called. ``start`` opens the port and asks
    the platform's state; a missing or silent device is a ChronopicError.
    Afterwards ``connected`` says whether the port is open, and ``problem``
    is one sentence for the screen, or None.

        chronopic = Chronopic("/dev/ttyUSB0")
        start = chronopic.start()
        edges = chronopic.read(until_s)
    """

    zones = (MAT,)
    has_force = False
    simulated = False
    #: A change leaves the Chronopic once its firmware debounce has passed
    #: and takes 5 bytes at 9600 baud; a margin covers USB and the reader.
    latency_s = CHANGE_DELAY_S + 0.03

    def __init__(self, port: str, origin_s: float | None = None) -> None:
        self.port = port
        self.origin_s = origin_s
        self.connected = False
        self.problem: str | None = None
        self._decoder = ChronopicDecoder()
        self._timeline: ChronopicTimeline | None = None
        self._frames: queue.Queue[tuple[Change | StateReply, float, int]] = queue.Queue(QUEUE_FRAMES)
        self._pending: list[MatEdge] = []
        self._connection = 0
        self._placed_connection = 0
        self._dropped = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> MatStart:
        if self._thread is not None:
            raise RuntimeError("the Chronopic was already started")
        if self.origin_s is None:
            self.origin_s = time.monotonic()
        port = self._open()
        self._connection = self._placed_connection = 1
        try:
            contact = self._ask_state(port)
        except (serial.SerialException, OSError) as error:
            port.close()
            raise ChronopicError(self._unplugged()) from error
        if contact is None:
            port.close()
            raise ChronopicError(f"No Chronopic answered on {self.port}; check the cable and that no "
                                 "other program (Chronojump) has the port open.")
        start_s = time.monotonic() - self.origin_s
        self._timeline = ChronopicTimeline(self.origin_s, start_s, contact)
        self.connected = True
        self._thread = threading.Thread(target=self._run, args=(port,), name="chronopic", daemon=True)
        self._thread.start()
        return MatStart(start_s, {MAT: contact})

    def read(self, until_s: float) -> list[Reading]:
        """Edges not yet returned with time <= until_s; never waits."""
        while True:
            try:
                frame, received_s, connection = self._frames.get_nowait()
            except queue.Empty:
                break
            self._place(frame, received_s, connection)
        ready = [edge for edge in self._pending if edge.time_s <= until_s]
        self._pending = self._pending[len(ready):]
        return ready

    def end_s(self) -> None:
        return None

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def device_counts(self) -> list[DeviceCounts]:
        """The link's counts of trouble (station.sources.device_counts)."""
        stats = self.stats
        return [DeviceCounts(f"Chronopic at {self.port}",
                             {key: getattr(stats, key) for key in CHRONOPIC_COUNTS}, CHRONOPIC_COUNTS)]

    @property
    def stats(self) -> ChronopicStats:
        decoded = self._decoder.stats
        timeline = self._timeline
        return ChronopicStats(
            changes=decoded.changes, replies=decoded.replies, discarded=decoded.discarded,
            lost_changes=timeline.lost_changes if timeline else 0,
            anchors=timeline.anchors if timeline else 0,
            reconnects=max(self._connection - 1, 0), dropped=self._dropped)

    # -- placing frames on the timeline (the caller's thread) ---------------

    def _place(self, frame: Change | StateReply, received_s: float, connection: int) -> None:
        if connection != self._placed_connection:
            self._placed_connection = connection
            self._timeline.restart()
        if isinstance(frame, StateReply):
            edges = self._timeline.state(frame.contact, received_s)
        else:
            edges = self._timeline.place(frame, received_s)
        self._pending += [MatEdge(time_s, MAT, contact) for time_s, contact in edges]

    # -- the port (start, then the reader thread) ----------------------------

    def _open(self) -> serial.Serial:
        try:
            port = serial.Serial(self.port, BAUD_RATE, timeout=READ_TIMEOUT_S,
                                 write_timeout=WRITE_TIMEOUT_S, exclusive=True)
        except (serial.SerialException, OSError) as error:
            raise ChronopicError(self._cannot_open(error)) from error
        try:
            # USB serial adapters hold bytes back for up to 16 ms by default;
            # low latency mode sends them at once. Ports that are not USB
            # adapters (a pseudo-terminal) have no such mode.
            port.set_low_latency_mode(True)
        except (ValueError, OSError):
            pass
        port.reset_input_buffer()
        return port

    def _cannot_open(self, error: Exception) -> str:
        number = getattr(error, "errno", None)
        if number == errno.EACCES:
            return (f"The station may not open {self.port}: add its user to the dialout group "
                    "and restart it.")
        if number in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EBUSY):
            return (f"Another program has {self.port} open: close it (Chronojump?), or stop "
                    "the other station.")
        return f"No Chronopic at {self.port}: plug it in, or check the port in the config."

    def _unplugged(self) -> str:
        return f"The Chronopic at {self.port} was unplugged; plug it back in."

    def _ask_state(self, port: serial.Serial) -> bool | None:
        """Ask 'E' until it answers; frames after the answer go on the queue."""
        for _ in range(STATE_TRIES):
            self._decoder.awaiting_state = True
            port.write(STATE_QUERY)
            deadline_s = time.monotonic() + STATE_WAIT_S
            while time.monotonic() < deadline_s:
                data = port.read(port.in_waiting or 1)
                received_s = time.monotonic()
                frames = self._decoder.feed(data) if data else []
                replies = [index for index, frame in enumerate(frames) if isinstance(frame, StateReply)]
                if replies:
                    # Changes before the answer are already in its state.
                    for frame in frames[replies[0] + 1:]:
                        self._put(frame, received_s, self._connection)
                    return frames[replies[0]].contact
        self._decoder.awaiting_state = False
        return None

    def _run(self, port: serial.Serial | None) -> None:
        while not self._stop.is_set():
            if port is None:
                port = self._reopen()
                if port is None:
                    self._stop.wait(RETRY_S)
                    continue
            try:
                data = port.read(port.in_waiting or 1)
            except (serial.SerialException, OSError) as error:
                LOG.info("Lost the Chronopic at %s: %s", self.port, error)
                self.connected = False
                self.problem = self._unplugged()
                port.close()
                port = None
                self._stop.wait(RETRY_S)
                continue
            received_s = time.monotonic()
            for frame in self._decoder.feed(data) if data else ():
                self._put(frame, received_s, self._connection)
        if port is not None:
            port.close()

    def _reopen(self) -> serial.Serial | None:
        """Open the port again and ask the state; None while it is still gone."""
        try:
            port = self._open()
        except ChronopicError as error:
            if self.problem is None:
                self.problem = str(error)
            return None
        self._decoder.reset()
        self._decoder.awaiting_state = True
        try:
            port.write(STATE_QUERY)
        except (serial.SerialException, OSError):
            port.close()
            return None
        self._connection += 1
        self.connected = True
        self.problem = None
        LOG.info("The Chronopic at %s is back.", self.port)
        return port

    def _put(self, frame: Change | StateReply, received_s: float, connection: int) -> None:
        try:
            self._frames.put_nowait((frame, received_s, connection))
        except queue.Full:
            self._dropped += 1
