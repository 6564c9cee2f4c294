"""The tag reader of a run: a thread that owns the device and queues taps.

As pyserial's ``ReaderThread`` does, a daemon thread reads the device (a
serial port or an evdev keyboard), its decoder finds tags, the debouncer
keeps one tap per card held, and taps wait in a queue until the main loop
takes them (a deque append is atomic, as for the kiosk's buttons). A reader
unplugged is opened again every ``RETRY_S``; no reader at all is not an
error: the kiosk and the command line work without one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from station.identity.config import IdentityConfig, reader_problem
from station.identity.counts import ReadCounts
from station.identity.debounce import TapDebouncer
from station.errors import UserError

LOG = logging.getLogger("station.identity")

#: A reader plugged back in works again within this (the issue asks for 5 s).
RETRY_S = 1.0


class TagReader:
    """Taps from one reader ``device`` (station.identity.serial_reader or
    evdev_reader), debounced with ``same_tap_s``. ``counts``: the decoder's
    good and bad reads; ``connected``; ``problem``: one sentence while a
    reader named in the config is missing, else None.

        reader = TagReader(SerialTagPort("/dev/ttyUSB0"))
        reader.start()
        for tag in reader.take():     # once a frame or a step; never waits
            print(tag)
        reader.close()
    """

    def __init__(self, device, same_tap_s: float = 1.5, quiet_when_missing: bool = False) -> None:
        self.device = device
        self.debouncer = TapDebouncer(same_tap_s)
        self.quiet_when_missing = quiet_when_missing
        self.connected = False
        self.problem: str | None = None
        self.reconnects = 0
        self._taps: deque[tuple[str, float]] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._opened_once = False

    @property
    def name(self) -> str:
        return self.device.name

    @property
    def counts(self) -> ReadCounts:
        return self.device.decoder.counts

    def start(self) -> "TagReader":
        self._thread = threading.Thread(target=self._run, name="tag-reader", daemon=True)
        self._thread.start()
        return self

    @property
    def queued(self) -> int:
        """How many taps wait to be taken."""
        return len(self._taps)

    def take(self) -> list[str]:
        """The taps since the last call, oldest first; never waits."""
        return [tag for tag, _ in self.take_timed()]

    def take_timed(self) -> list[tuple[str, float]]:
        """The taps since the last call with their ``time.monotonic()``, oldest first."""
        taken = []
        while self._taps:
            taken.append(self._taps.popleft())
        return taken

    def wait_connected(self, timeout_s: float) -> bool:
        """Wait until the device is open (True) or ``timeout_s`` passes (False)."""
        deadline_s = time.monotonic() + timeout_s
        while not self.connected and time.monotonic() < deadline_s and not self._stop.is_set():
            self._stop.wait(0.02)
        return self.connected

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        handle = None
        while not self._stop.is_set():
            if handle is None:
                handle = self._open()
                if handle is None:
                    self._stop.wait(RETRY_S)
                    continue
            try:
                reads = self.device.read(handle)
            except OSError as error:
                LOG.warning("The %s was unplugged (%s); plug it back in.", self.name, error.strerror or error)
                self._lost(handle)
                handle = None
                continue
            for tag, time_s in reads:
                if self.debouncer.is_new(tag, time_s):
                    self._taps.append((tag, time_s))
        if handle is not None:
            self._lost(handle)

    def _open(self):
        try:
            handle = self.device.open()
        except OSError as error:
            missing = f"The {self.name} cannot be read ({error.strerror or error}); plug it in."
            if not self.quiet_when_missing and self.problem != missing:
                LOG.warning("%s", missing)
            self.problem = None if self.quiet_when_missing else missing
            return None
        if self._opened_once:
            self.reconnects += 1
            LOG.warning("The %s is back.", self.name)
        self._opened_once = True
        self.connected, self.problem = True, None
        return handle

    def _lost(self, handle) -> None:
        self.connected = False
        try:
            self.device.close(handle)
        except OSError:
            pass


def open_reader(spec: str | None, config: IdentityConfig) -> TagReader | None:
    """The reader ``spec`` names (``--reader``; None: the config's), started;
    None for "none". A spec that names no reader is a UserError.

        reader = open_reader("serial:/dev/ttyUSB0", config.identity)
    """
    spec = config.reader if spec is None else spec
    problem = reader_problem(spec)
    if problem:
        raise UserError(f"The tag {problem}; see docs/identity.md.")
    if spec == "none":
        return None
    kind, _, where = spec.partition(":")
    if kind == "serial":
        from station.identity.serial_reader import SerialTagPort
        return TagReader(SerialTagPort(where, config.baud), config.same_tap_s).start()
    from station.identity import evdev_reader
    if evdev_reader.evdev is None:
        if kind == "evdev":
            LOG.warning("%s; install it (pip install evdev) or use a serial reader.", evdev_reader.EVDEV_MISSING)
        return None
    if kind == "evdev":
        return TagReader(evdev_reader.KeyboardTagReader(where), config.same_tap_s).start()
    device = evdev_reader.AutoKeyboardReader(config.auto_names, config.auto_usb_ids)
    return TagReader(device, config.same_tap_s, quiet_when_missing=True).start()
