"""A Chronopic in software, on a pseudo-terminal.

``ChronopicEmulator`` plays a one-zone contact platform under a simulated
athlete and speaks the Chronopic protocol (docs/chronopic.md) on the master
side of a pseudo-terminal, so the station opens its slave side with pyserial
as it would a real /dev/ttyUSB0. It is written from the protocol alone and
encodes its own frames, so a test of the reader against it checks the reader
against the protocol, not against itself.

Like the firmware, it sends one change per true change of the platform,
after the debounce time, with the duration of the state that ended counted
in whole 8 µs ticks; the first change after power-up counts 0.
"""

from __future__ import annotations

import os
import random
import select
import threading
import time
import tty
from collections.abc import Iterable, Iterator

from station.sources.athlete import CONTACT, TruePhase

TICK_S = 8e-6
MAX_TICKS = 0xFFFFFF
#: The firmware reports a change once it has held this long.
DEBOUNCE_S = 0.050
#: Five bytes of 10 bits at 9600 baud: the last byte of a change arrives this
#: long after the first leaves. The emulator writes a frame at once, at the
#: moment its last byte would have arrived.
FRAME_S = 5 * 10 / 9600
#: The emulator wakes at least this often (s) to answer and to see whether it should stop.
WAKE_S = 0.02
#: Bytes that can be garbage: anything but the two frame headers ('X', 'E'),
#: so every burst is skipped and counted, none taken for a frame.
GARBAGE_BYTES = bytes(value for value in range(256) if value not in b"XE")


class ChronopicEmulator:
    """A Chronopic on a pseudo-terminal: open ``path`` with pyserial.

    ``phases`` is what the athlete does (``SimulatedAthlete(seed).phases()``
    or a list): contacts close the platform, flights and steps off open it.
    ``speed`` sends the changes that many times sooner than they happened;
    the counted durations stay true. ``garbage_chance`` is the chance of a
    burst of 1-8 bytes of line noise after a change (``seed`` draws them).
    ``truth`` holds the phases played to their end; ``started_s`` is the
    host ``time.monotonic()`` of the phases' time 0.

        emulator = ChronopicEmulator(SimulatedAthlete(seed=3).phases(), speed=10)
        emulator.start()
        chronopic = Chronopic(emulator.path)
    """

    def __init__(self, phases: Iterable[TruePhase], speed: float = 1.0,
                 garbage_chance: float = 0.0, seed: int = 0) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed}")
        self.speed = speed
        self.garbage_chance = garbage_chance
        self.path: str | None = None
        self.started_s: float | None = None
        self.truth: list[TruePhase] = []
        self.changes_sent = 0
        self.garbage_sent = 0
        self._phases: Iterator[TruePhase] = iter(phases)
        self._random = random.Random(seed)
        self._contact = False
        self._master: int | None = None
        self._slave: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Plug in: open the pseudo-terminal and start playing the phases."""
        self._master, self._slave = os.openpty()
        # Raw, as pyserial leaves it: no echo, no newline translation.
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self.started_s = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="chronopic-emulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Unplug: stop playing and close the pseudo-terminal."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None

    def _run(self) -> None:
        phase = next(self._phases, None)
        if phase is None:
            return
        self._contact = phase.kind == CONTACT
        state_start_s = phase.start_s
        first = True
        for following in self._phases:
            contact = following.kind == CONTACT
            if contact != self._contact:
                if not self._answer_until(following.start_s + DEBOUNCE_S + FRAME_S):
                    return
                ticks = 0 if first else min(int((following.start_s - state_start_s) / TICK_S), MAX_TICKS)
                self._send(contact, ticks)
                state_start_s, first = following.start_s, False
            self.truth.append(phase)
            phase = following
        self._answer_until(float("inf"))

    def _answer_until(self, time_s: float) -> bool:
        """Answer state queries until the phases' clock reaches ``time_s``;
        False if stopped first."""
        while not self._stop.is_set():
            wait_s = self.started_s + time_s / self.speed - time.monotonic()
            if wait_s <= 0:
                return True
            readable, _, _ = select.select([self._master], [], [], min(wait_s, WAKE_S))
            if readable:
                for _ in range(os.read(self._master, 64).count(b"E")):
                    os.write(self._master, b"E" + bytes((self._contact,)))
        return False

    def _send(self, contact: bool, ticks: int) -> None:
        frame = b"X" + bytes((contact,)) + ticks.to_bytes(3, "big")
        self._contact = contact
        self.changes_sent += 1
        if self._random.random() < self.garbage_chance:
            burst = bytes(self._random.choice(GARBAGE_BYTES) for _ in range(self._random.randint(1, 8)))
            frame += burst
            self.garbage_sent += len(burst)
        os.write(self._master, frame)
