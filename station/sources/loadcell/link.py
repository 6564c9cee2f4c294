"""The USB serial link to the load-cell front-end.

``FrontEndLink`` owns the port in a daemon reader thread, as pyserial's
``serial.threaded.ReaderThread`` does: the thread reads whatever bytes arrive,
a ``FrameDecoder`` finds the frames in them, and each frame goes on a bounded
queue with the host time it was read. The caller only ever drains that queue,
so nothing the device or the cable does can block it.

The thread also keeps the link up: it finds the port (by path, or by USB
VID:PID and serial number), checks that the device is the front-end
(IDENTIFY), sets the rate and starts the stream (hardware/PROTOCOL.md, "A
session"). When the device is unplugged it says so in ``problem`` and tries to
open it again every RETRY_S, so force comes back by itself when it is plugged
back in.
"""

from __future__ import annotations

import errno
import logging
import queue
import threading
import time
from dataclasses import dataclass, fields, replace

import serial
import serial.tools.list_ports

from station.sources.loadcell.protocol import (
    Command, Frame, FrameDecoder, Identity, Kind, Status, encode)

LOG = logging.getLogger("station.loadcell")

#: A Raspberry Pi Pico's USB ids, as the front-end's RP2040 enumerates.
PICO_VID_PID = (0x2E8A, 0x000A)
DEVICE_NAME = "jumpmat-frontend"
#: Firmware of another major version may frame or mean things differently.
FIRMWARE_MAJOR = "1"
RATES_HZ = (1000, 2000)
#: The reader wakes at least this often (s) to see whether it should stop.
READ_TIMEOUT_S = 0.05
#: A command is a few bytes; a port that cannot take them in this long is gone.
WRITE_TIMEOUT_S = 0.5
#: How often to look for the device again while it is missing (s): a replug
#: is noticed within this, well inside the 2 s in which force should return.
RETRY_S = 0.5
#: Another device on the port will not become the front-end soon; asking it
#: every RETRY_S would only disturb it.
WRONG_DEVICE_RETRY_S = 5.0
#: A device answers IDENTIFY at once and sends a STATUS every second while
#: streaming: this long without a frame means it does not answer.
ANSWER_S = 1.5
#: 20 s of frames at 100 a second: the main loop reads many times a second,
#: so only a stalled program fills it, and then the oldest data is kept.
QUEUE_FRAMES = 2000

UNPLUGGED = ("The load-cell front-end was unplugged; timing continues from the mat. "
             "Plug it back in.")
ADC_FAULT = "The load-cell front-end's converter stopped: unplug the front-end and plug it back in."


class _OldFirmware(Exception):
    """The front-end's firmware is of a major version this station does not speak."""


class _WrongDevice(Exception):
    """The port answered IDENTIFY with another device's name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True, slots=True)
class Received:
    """A frame, the host monotonic time (s) its last byte was read, and the
    number of the connection it came over (a new one after every reconnect,
    and after every IDENTITY: the device's clock may have restarted)."""

    frame: Frame
    received_s: float
    connection: int


@dataclass(frozen=True, slots=True)
class LinkStats:
    """Counts since the link was made, over every connection.

    ``frames`` decoded; ``crc_errors`` and ``lost_frames`` (sequence gaps) from
    the decoder; ``overflows`` the samples the device reported dropping;
    ``reconnects`` connections after the first; ``dropped`` frames the host
    threw away because nobody drained the queue; the rest are the decoder's
    other counts (station.sources.loadcell.decoder.DecoderStats).
    """

    frames: int = 0
    crc_errors: int = 0
    lost_frames: int = 0
    overflows: int = 0
    reconnects: int = 0
    dropped: int = 0
    bad_versions: int = 0
    oversize: int = 0
    discarded_bytes: int = 0
    unknown_kinds: int = 0
    malformed: int = 0
    duplicates: int = 0
    reordered: int = 0


class FrontEndLink:
    """The load-cell front-end on a USB serial port, read in a thread.

    ``port`` is a path (``/dev/ttyACM0``, a udev symlink); without one, the
    port is the USB device with ``vid_pid`` (a Pico's by default) and, if
    given, ``serial_number``. ``rate_hz`` (1000 or 2000) is set on every
    connection. ``connected`` is True while the device has identified itself
    and streams; ``problem`` is one sentence for the screen, or None.

        link = FrontEndLink("/dev/ttyACM0")
        link.start()
        for received in link.get_frames():
            print(received.frame)
    """

    def __init__(self, port: str | None = None, *, vid_pid: tuple[int, int] = PICO_VID_PID,
                 serial_number: str | None = None, rate_hz: int = 1000) -> None:
        if rate_hz not in RATES_HZ:
            raise ValueError(f"rate_hz must be one of {RATES_HZ}, not {rate_hz}")
        self.port = port
        self.vid_pid = vid_pid
        self.serial_number = serial_number
        self.rate_hz = rate_hz
        self.connected = False
        self.problem: str | None = None
        self.identity: Identity | None = None
        self._frames: queue.Queue[Received] = queue.Queue(QUEUE_FRAMES)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._finished = LinkStats()  # the counts of connections that ended
        self._decoder: FrameDecoder | None = None
        self._overflows = 0
        self._connections = 0
        self._dropped = 0
        self._sequence = 0

    def start(self) -> None:
        """Start the reader thread; it opens the port and keeps it open."""
        if self._thread is not None:
            raise RuntimeError("the link was already started")
        self._thread = threading.Thread(target=self._run, name="loadcell-link", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the stream and the thread, and close the port."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def get_frames(self) -> list[Received]:
        """Every frame received since the last call, oldest first; never waits."""
        frames = []
        while True:
            try:
                frames.append(self._frames.get_nowait())
            except queue.Empty:
                return frames

    @property
    def stats(self) -> LinkStats:
        with self._lock:
            done, decoder = self._finished, self._decoder
            live = decoder.stats if decoder is not None else None
            return replace(_with_decoder(done, live), overflows=done.overflows + self._overflows,
                           reconnects=max(self._connections - 1, 0), dropped=self._dropped)

    # -- the reader thread -------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            port = self._open()
            if port is None:
                self._stop.wait(RETRY_S)
                continue
            retry_s = RETRY_S
            try:
                self._serve(port)
            except _WrongDevice as error:
                self._set_problem(f"The device at {port.port} is not the load-cell front-end (it "
                                  f"calls itself {error.name!r}): check the port in the config.")
                retry_s = WRONG_DEVICE_RETRY_S
            except _OldFirmware as error:
                self._set_problem(f"The load-cell front-end at {port.port} runs firmware {error}; "
                                  f"this station needs firmware {FIRMWARE_MAJOR}.x: install it as "
                                  "hardware/firmware/README.md says.")
                retry_s = WRONG_DEVICE_RETRY_S
            except (serial.SerialException, OSError) as error:
                LOG.info("Lost the load-cell front-end at %s: %s", port.port, error)
                self._set_problem(UNPLUGGED)
            finally:
                self.connected = False
                self._end_connection()
                port.close()
            self._stop.wait(retry_s)

    def _open(self) -> serial.Serial | None:
        path = self.port or self._find()
        if path is None:
            if self.problem != UNPLUGGED:
                self._set_problem(self._not_found())
            return None
        try:
            port = serial.Serial(path, timeout=READ_TIMEOUT_S, write_timeout=WRITE_TIMEOUT_S,
                                 exclusive=True)
        except (serial.SerialException, OSError) as error:
            if error.errno == errno.EACCES:
                self._set_problem(f"The station may not open {path}: add its user to the dialout "
                                  "group and restart it.")
            elif error.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                self._set_problem(f"Another program has {path} open: close it, or stop the "
                                  "other station.")
            elif self.problem != UNPLUGGED:
                self._set_problem(self._not_found())
            return None
        return port

    def _find(self) -> str | None:
        vid, pid = self.vid_pid
        for info in serial.tools.list_ports.comports():
            if (info.vid, info.pid) != (vid, pid):
                continue
            if self.serial_number in (None, info.serial_number):
                return info.device
        return None

    def _not_found(self) -> str:
        if self.port is not None:
            return (f"The load-cell front-end is not at {self.port}: plug it in, or check "
                    "the port in the config.")
        wanted = f"USB {self.vid_pid[0]:04X}:{self.vid_pid[1]:04X}"
        if self.serial_number is not None:
            wanted += f" with serial number {self.serial_number}"
        return f"The load-cell front-end ({wanted}) is not plugged in: plug it in."

    def _serve(self, port: serial.Serial) -> None:
        """Read the port until it fails or the link is closed."""
        # Whatever waited in the port is from before this connection.
        port.reset_input_buffer()
        decoder = FrameDecoder()
        with self._lock:
            self._decoder = decoder
        asked_s = self._identify(port)
        last_frame_s = asked_s
        while not self._stop.is_set():
            data = port.read(port.in_waiting or 1)
            now_s = time.monotonic()
            for frame in decoder.feed(data) if data else ():
                last_frame_s = now_s
                if isinstance(frame, Identity):
                    self._identified(port, frame)
                elif isinstance(frame, Status):
                    self._status(frame)
                if self.connected:
                    self._put(Received(frame, now_s, self._connections))
            # Ask again when IDENTIFY went unanswered (or its answer was lost),
            # or when a device that streamed goes quiet: it may have restarted.
            unanswered = not self.connected and now_s - asked_s > ANSWER_S
            if unanswered or (self.connected and now_s - last_frame_s > ANSWER_S):
                self.connected = False
                self._set_problem(f"The load-cell front-end at {port.port} does not answer: "
                                  "unplug it and plug it back in.")
                asked_s = self._identify(port)
        self._send(port, Command(self._next_sequence(), Kind.STOP))

    def _identify(self, port: serial.Serial) -> float:
        self._send(port, Command(self._next_sequence(), Kind.IDENTIFY))
        return time.monotonic()

    def _identified(self, port: serial.Serial, identity: Identity) -> None:
        if identity.name != DEVICE_NAME:
            raise _WrongDevice(identity.name)
        if (identity.firmware or "").split(".")[0] != FIRMWARE_MAJOR:
            raise _OldFirmware(identity.firmware or "of no stated version")
        self._send(port, Command(self._next_sequence(), Kind.SET_RATE, self.rate_hz))
        self._send(port, Command(self._next_sequence(), Kind.START))
        self.identity = identity
        with self._lock:
            self._connections += 1
        self.connected = True
        LOG.info("Load-cell front-end at %s: firmware %s, serial %s, %d Hz.",
                 port.port, identity.firmware, identity.serial, self.rate_hz)
        self._set_problem(None)

    def _status(self, status: Status) -> None:
        with self._lock:
            self._overflows = max(self._overflows, status.overflows)
        if status.adc_fault:
            self._set_problem(ADC_FAULT)
        elif self.problem == ADC_FAULT:
            self._set_problem(None)

    def _put(self, received: Received) -> None:
        try:
            self._frames.put_nowait(received)
        except queue.Full:
            with self._lock:
                self._dropped += 1

    def _send(self, port: serial.Serial, command: Command) -> None:
        port.write(encode(command))

    def _next_sequence(self) -> int:
        sequence, self._sequence = self._sequence, (self._sequence + 1) % (1 << 16)
        return sequence

    def _end_connection(self) -> None:
        """Fold the ended connection's counts into the totals."""
        with self._lock:
            if self._decoder is not None:
                live, done = self._decoder.stats, self._finished
                self._finished = replace(_with_decoder(done, live),
                                         overflows=done.overflows + self._overflows)
            self._decoder = None
            self._overflows = 0

    def _set_problem(self, problem: str | None) -> None:
        if problem != self.problem:
            if problem is not None:
                LOG.warning("%s", problem)
            self.problem = problem


def _with_decoder(done: LinkStats, live) -> LinkStats:
    """``done`` plus every count of a live decoder's stats (or None)."""
    if live is None:
        return done
    return replace(done, **{f.name: getattr(done, f.name) + getattr(live, f.name)
                            for f in fields(live)})
