"""A load-cell front-end in software, on a pseudo-terminal.

``DeviceEmulator`` speaks hardware/PROTOCOL.md on the master side of a
pseudo-terminal, so the host opens its slave side with pyserial exactly as it
opens the real front-end's /dev/ttyACM0. What it streams is the simulated
athlete (station.sources.simulated) turned back into raw counts. Faults can be
switched on: corrupted and lost frames, a drifting crystal, a stuck or
saturated cell, a device that never answers, unplugging, and on demand
any fault that moves one of the host's link counts (``inject``). ``place``
sends the athlete away and puts a known mass on the plate instead, where a
coach calibrating would (station.sources.loadcell.emulated_plate).

Like the firmware, it sends a frame the moment its last sample is taken and a
mat edge the moment it happens (as far as the host's scheduler lets a thread
wake on time: a tenth of a millisecond or so late).

The emulated plate's cells are those of EMULATED_CALIBRATION: an empty plate
of about 15 kg with bridges a little out of balance gives each cell an offset
of 60 000 to 110 000 counts, and the gains are the nominal 0.44 mN per count
(about 2 280 counts per newton) give or take 1.5 %, as four real cells differ.
A source reading the emulator should use that calibration.
"""

from __future__ import annotations

import errno
import logging
import os
import select
import shutil
import tempfile
import threading
import time
import tty
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from station.readings import FRONT, ONE_ZONE, ForceBlock, MatEdge
from station.sources.athlete import SimulatedAthlete
from station.sources.loadcell.calibration import CELL_NAMES, NOMINAL_NEWTONS_PER_COUNT, Calibration
from station.sources.loadcell.clocksync import WRAP_US
from station.sources.loadcell.emulated_plate import PlateLoad
from station.sources.loadcell.link import DEVICE_NAME, RATES_HZ
from station.sources.loadcell.link_faults import FAULTS, fault_bytes
from station.sources.loadcell.protocol import (
    CHANNELS, COUNT_MAX, COUNT_MIN, Command, FrameDecoder, Identity, Kind, MatEdgeFrame, Samples,
    Status, encode)
from station.sources.simulated import CELL_NOISE_N, SimulatedSource

LOG = logging.getLogger("station.loadcell")

EMULATED_CALIBRATION = Calibration(
    offsets_counts=(84_210.0, 61_935.0, 109_480.0, 92_017.0),
    newtons_per_count=tuple(NOMINAL_NEWTONS_PER_COUNT * factor
                            for factor in (1.012, 0.991, 1.004, 0.985)),
)
FIRMWARE = "1.0.0-emulated"
#: A frame holds a hundredth of a second of samples at either rate
#: (PROTOCOL.md, "Batches").
FRAMES_PER_S = 100
STATUS_EVERY_S = 1.0
#: The device's buffer for a host that does not read: past this many bytes
#: waiting, it drops samples and counts them as overflows, as the firmware does.
BUFFER_BYTES = 16 * 1024
#: Frames kept as the truth of what was sent: a few minutes, enough for any
#: test, bounded so an emulator left running does not grow.
TRUTH_FRAMES = 30_000
#: Athlete seconds rendered at a time while catching up (after a replug or a
#: change of rate): a few megabytes of samples.
SKIP_STEP_S = 60.0
#: The emulator wakes at least this often (s) to see whether it should stop.
WAKE_S = 0.05
SYMLINK_NAME = "frontend"
#: The random stream of an empty plate's noise (apart from the athlete's).
EMPTY_NOISE_STREAM = 7
#: Samples an injected "overflows" fault reports dropped: a tenth of a second at 1 kHz.
OVERFLOW_FAULT_SAMPLES = 100


@dataclass(frozen=True, slots=True)
class SentSamples:
    """The truth of one good SAMPLES frame the emulator wrote: its sequence
    and device time, the true host monotonic time each sample was taken (s),
    and the true total force of each (N, before it became counts)."""

    sequence: int
    device_time_us: int
    period_us: int
    host_time_s: np.ndarray
    fz_n: np.ndarray


class DeviceEmulator:
    """A load-cell front-end on a pseudo-terminal: open ``path`` with pyserial.

    It streams simulated athlete ``seed`` at ``rate_hz`` once told to START.
    ``zones`` () sends no mat edges; ("mat",) or ("front", "back") sends the
    athlete's mat as MAT_EDGE frames. ``speed`` runs the athlete and the
    device clock that many times faster than real time. The device clock
    starts at ``device_start_us`` (near 2**32 to see it wrap) and runs
    ``drift_ppm`` fast. Faults: every ``corrupt_every``-th SAMPLES frame has a
    byte flipped; every ``drop_every``-th is never sent (a sequence gap);
    ``stuck_cell`` (a name from CELL_NAMES) keeps its first count;
    ``saturated_cell`` reads the top of the 24-bit range; ``negative_cell``
    reads ``negative_n`` below its true force (a zero far off, or a cell
    wired backwards); ``zero_drift_n_per_s`` moves every cell's zero, the
    plate's together by that much each athlete second; ``empty_plate``: nobody
    on the plate, the cells read their own noise (an idle station, as
    ``station doctor`` may find it); ``mat_cut_after_s``
    sends no mat edge after that athlete time (a mat whose cable came out
    holds its last level); ``silent`` never
    answers. ``unplug_after_s`` (real seconds after ``start``) pulls the plug,
    and ``replug_after_s`` later plugs it back in, as a new pseudo-terminal
    behind the same ``path`` (``link_path``, or a symlink in a new temporary
    folder), the way udev keeps a device's name over a replug.

    ``rate_hz`` is the rate set now; ``truth()`` what was sent, with the true
    time of every sample; ``corrupted_frames`` and ``dropped_frames`` count
    the faults made so far.

        emulator = DeviceEmulator(seed=3, drop_every=50)
        emulator.start()
        source = LoadCellSource(FrontEndLink(emulator.path), EMULATED_CALIBRATION)
        ...
        emulator.stop()
    """

    def __init__(self, seed: int = 0, *, rate_hz: int = 1000, zones: tuple[str, ...] = (),
                 speed: float = 1.0, drift_ppm: float = 0.0, device_start_us: int = 0,
                 corrupt_every: int | None = None, drop_every: int | None = None,
                 stuck_cell: str | None = None, saturated_cell: str | None = None,
                 negative_cell: str | None = None, negative_n: float = 300.0,
                 zero_drift_n_per_s: float = 0.0, empty_plate: bool = False,
                 mat_cut_after_s: float | None = None,
                 silent: bool = False, unplug_after_s: float | None = None,
                 replug_after_s: float | None = None, link_path: str | os.PathLike | None = None,
                 serial_number: str = "EMULATED00000001") -> None:
        if rate_hz not in RATES_HZ:
            raise ValueError(f"rate_hz must be one of {RATES_HZ}, not {rate_hz}")
        for name, cell in (("stuck_cell", stuck_cell), ("saturated_cell", saturated_cell),
                           ("negative_cell", negative_cell)):
            if cell is not None and cell not in CELL_NAMES:
                raise ValueError(f"{name} must be one of {CELL_NAMES}, not {cell!r}")
        self.seed = seed
        self.athlete = SimulatedAthlete(seed)
        self.zones = tuple(zones)
        self.speed = speed
        self.drift = drift_ppm * 1e-6
        self.corrupt_every = corrupt_every
        self.drop_every = drop_every
        self.stuck_cell = None if stuck_cell is None else CELL_NAMES.index(stuck_cell)
        self.saturated_cell = None if saturated_cell is None else CELL_NAMES.index(saturated_cell)
        self.negative_cell = None if negative_cell is None else CELL_NAMES.index(negative_cell)
        self.negative_n = negative_n
        self.zero_drift_n_per_s = zero_drift_n_per_s
        self.empty_plate = empty_plate
        self._empty_noise = np.random.default_rng([seed, EMPTY_NOISE_STREAM])
        self.mat_cut_after_s = mat_cut_after_s
        self.silent = silent
        self.unplug_after_s = unplug_after_s
        self.replug_after_s = replug_after_s
        self.serial_number = serial_number
        self.calibration = EMULATED_CALIBRATION
        #: What IDENTITY says the firmware is (set an old one to test the host).
        self.firmware = FIRMWARE
        self._power_on_rate_hz = rate_hz
        self._device_start_us = device_start_us
        if link_path is None:
            self._folder = Path(tempfile.mkdtemp(prefix="jumpmat-emulator-"))
            link_path = self._folder / SYMLINK_NAME
        else:
            self._folder = None
        self.path = str(link_path)
        self.corrupted_frames = 0
        self.dropped_frames = 0
        self._sent: deque[SentSamples] = deque(maxlen=TRUTH_FRAMES)
        self._faults: deque[str] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._master: int | None = None
        self._slave: int | None = None
        self._samples_frames = 0
        self._stuck_count: int | None = None
        self._unplugged_s: float | None = None
        self._plate: PlateLoad | None = None
        #: The host monotonic time of the athlete's time 0 (set by ``start``).
        self.athlete_origin_s: float | None = None

    # -- control -----------------------------------------------------------

    def start(self) -> None:
        """Plug the device in and run it in a thread. A ``path`` that is
        something other than a symlink is a FileExistsError: it is never replaced."""
        if os.path.lexists(self.path) and not os.path.islink(self.path):
            raise FileExistsError(errno.EEXIST, "not a symlink; it is left alone", self.path)
        self.athlete_origin_s = time.monotonic()
        with self._lock:
            self._plug(self._device_start_us)
        self._thread = threading.Thread(target=self._run, name="frontend-emulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread, unplug, and remove the symlink and its folder."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self._master is not None:
                self._unplug()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    def unplug(self) -> None:
        """Pull the cable: the host's port fails and the path disappears."""
        with self._lock:
            if self._master is not None:
                self._unplug()
                self._unplugged_s = time.monotonic()

    def replug(self) -> None:
        """Plug it back in: a new pseudo-terminal behind the same path, and a
        device that starts afresh (clock from 0, stopped, sequence 0)."""
        with self._lock:
            if self._master is None:
                self._plug(0)

    def place(self, plate: PlateLoad | None) -> None:
        """From the next frame on, the plate holds ``plate`` alone (the
        athlete stays off, and the mat sends no edges); None brings the
        athlete back."""
        with self._lock:
            self._plate = plate

    def inject(self, fault: str) -> None:
        """Send ``fault`` once, before the next frame: a key of
        link_faults.FAULTS (each moves one of the host decoder's counts), or
        "overflows" (the next STATUS reports OVERFLOW_FAULT_SAMPLES more
        samples dropped, as a device whose host stopped reading does)."""
        if fault != "overflows" and fault not in FAULTS:
            raise ValueError(f"fault must be one of {', '.join(FAULTS)} or overflows, not {fault!r}")
        with self._lock:
            self._faults.append(fault)

    def truth(self) -> list[SentSamples]:
        """The SAMPLES frames a host reading everything decodes (written, not
        corrupted; the newest TRUTH_FRAMES), oldest first."""
        with self._lock:
            return list(self._sent)

    # -- the device --------------------------------------------------------

    def _plug(self, device_start_us: int) -> None:
        master, slave = os.openpty()
        try:
            # Raw, as pyserial would leave it: no echo of commands, no newline
            # translation, every byte as it is.
            tty.setraw(slave)
            os.set_blocking(master, False)
            temporary = f"{self.path}.{os.getpid()}.tmp"
            os.symlink(os.ttyname(slave), temporary)
            os.replace(temporary, self.path)
        except OSError:
            os.close(master)
            os.close(slave)
            raise
        self._master, self._slave = master, slave
        LOG.info("Emulated front-end plugged in at %s -> %s", self.path, os.ttyname(self._slave))
        now_s = time.monotonic()
        self._clock_zero_s, self._clock_zero_us = now_s, device_start_us
        self._decoder = FrameDecoder()
        self._sequence = 0
        self._streaming = False
        self._overflows = 0
        self._out = bytearray()
        self._next_status_s = now_s
        self._set_rate(self._power_on_rate_hz, now_s)

    def _unplug(self) -> None:
        os.close(self._master)
        os.close(self._slave)
        self._master = self._slave = None
        Path(self.path).unlink(missing_ok=True)
        LOG.info("Emulated front-end unplugged from %s", self.path)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                now_s = time.monotonic()
                self._plug_timers(now_s)
                if self._master is not None:
                    self._commands()
                    self._stream(time.monotonic())
                    self._flush()
                wait_s = self._next_wake_s() - time.monotonic()
                master = self._master
            wait_s = min(max(wait_s, 0.0), WAKE_S)
            if master is None:
                self._stop.wait(wait_s)
            else:
                try:
                    select.select([master], [], [], wait_s)
                except (OSError, ValueError):
                    pass  # unplugged from another thread while waiting

    def _plug_timers(self, now_s: float) -> None:
        plugged, ever_unplugged = self._master is not None, self._unplugged_s is not None
        if (plugged and not ever_unplugged and self.unplug_after_s is not None
                and now_s - self.athlete_origin_s >= self.unplug_after_s):
            self._unplug()
            self._unplugged_s = now_s
        elif (not plugged and ever_unplugged and self.replug_after_s is not None
                and now_s - self._unplugged_s >= self.replug_after_s):
            self._plug(0)

    def _next_wake_s(self) -> float:
        if self._master is None or not self._streaming:
            return time.monotonic() + WAKE_S
        frame_due_s = self._host_s(self._pending_index + self._per_frame - 1)
        edge_due_s = min((self._athlete_host_s(edge.time_s) for edge in self._pending_edges),
                         default=frame_due_s)
        render_s = self._render_at_s if len(self._pending_n) < self._per_frame else frame_due_s
        return min(frame_due_s, edge_due_s, render_s, self._next_status_s)

    def _commands(self) -> None:
        try:
            data = os.read(self._master, 4096)
        except (BlockingIOError, OSError):
            return
        for frame in self._decoder.feed(data):
            if isinstance(frame, Command) and not self.silent:
                self._obey(frame)

    def _obey(self, command: Command) -> None:
        now_s = time.monotonic()
        if command.kind == Kind.IDENTIFY:
            fields = {"fw": self.firmware, "serial": self.serial_number, "adc": "ADS131M04"}
            self._send(Identity(self._next_sequence(), DEVICE_NAME, fields))
        elif command.kind == Kind.START and not self._streaming:
            self._streaming = True
            self._skip_to(now_s)
        elif command.kind == Kind.STOP and self._streaming:
            self._send_taken(now_s)
            self._streaming = False
        elif command.kind == Kind.SET_RATE and command.rate_hz in RATES_HZ \
                and command.rate_hz != self.rate_hz:
            if self._streaming:
                self._send_taken(now_s)
            self._set_rate(command.rate_hz, now_s)
        self._send_status(now_s)

    def _set_rate(self, rate_hz: int, now_s: float) -> None:
        """The athlete sampled at ``rate_hz`` on this device's crystal: as the
        crystal runs fast by ``drift``, the ADC takes rate_hz * (1 + drift)
        samples per true second."""
        self.rate_hz = rate_hz
        self._period_us = 1_000_000 // rate_hz
        self._per_frame = rate_hz // FRAMES_PER_S
        self._true_rate_hz = rate_hz * (1.0 + self.drift)
        self._athlete = SimulatedSource(self.athlete, zones=self.zones or ONE_ZONE, force=True,
                                        rate_hz=self._true_rate_hz, seed=self.seed)
        self._athlete.start()
        self._athlete_s = 0.0
        self._next_index = 0
        self._skip_to(now_s)

    def _skip_to(self, now_s: float) -> None:
        """Take the samples up to now and throw them away: the ADC runs, nobody
        listens. In steps, so catching up after hours stays small in memory."""
        target_s = self._athlete_time_s(now_s)
        while target_s - self._athlete_s > SKIP_STEP_S:
            self._read_athlete(self._athlete_s + SKIP_STEP_S)
        self._read_athlete(target_s)
        self._pending_n = np.empty((0, CHANNELS))
        self._pending_index = self._next_index
        self._pending_edges: list[MatEdge] = []
        self._render_at_s = now_s

    def _read_athlete(self, athlete_s: float) -> tuple[list[MatEdge], ForceBlock | None]:
        """The athlete's edges and samples up to ``athlete_s``, since the last read."""
        readings = self._athlete.read(athlete_s)
        self._athlete_s = athlete_s
        edges = [reading for reading in readings if isinstance(reading, MatEdge)]
        blocks = [reading for reading in readings if isinstance(reading, ForceBlock)]
        block = blocks[0] if blocks else None
        if block is not None:
            self._next_index += len(block.time_s)
        return edges, block

    def _stream(self, now_s: float) -> None:
        """Send what is due, as a device sends a frame the moment its last
        sample is in; render the next frame ahead half a frame later, so the
        rendering never holds up the host's reader in this same process."""
        if not self._streaming:
            return
        self._send_faults(now_s)
        self._send_edges(now_s)
        sent = False
        while (len(self._pending_n) >= self._per_frame
               and self._host_s(self._pending_index + self._per_frame - 1) <= now_s):
            self._frame(self._per_frame)
            sent = True
        if now_s >= self._next_status_s:
            self._send_status(now_s)
        if sent:
            self._render_at_s = now_s + 0.5 / (FRAMES_PER_S * self.speed)
        elif now_s >= self._render_at_s:
            self._render_next_frame()

    def _render_next_frame(self) -> None:
        last_index = self._pending_index + self._per_frame - 1
        if self._next_index <= last_index:
            edges, block = self._read_athlete(last_index / self._true_rate_hz)
            if self._plate is not None:
                edges = []
                if block is not None:
                    corners_n = self._plate.corners_n(block.time_s)
                    block = ForceBlock(block.time_s, corners_n.sum(axis=1), corners_n)
            if self.zones:
                self._pending_edges += [edge for edge in edges if self.mat_cut_after_s is None
                                        or edge.time_s <= self.mat_cut_after_s]
            if block is not None:
                corners_n = block.corners_n
                if self.empty_plate:
                    corners_n = self._empty_noise.normal(0.0, CELL_NOISE_N, size=corners_n.shape)
                self._pending_n = np.concatenate((self._pending_n, corners_n))

    def _send_edges(self, now_s: float) -> None:
        due = [edge for edge in self._pending_edges if self._athlete_host_s(edge.time_s) <= now_s]
        self._pending_edges = self._pending_edges[len(due):]
        for edge in due:
            zone = 0 if edge.zone in (FRONT, *ONE_ZONE) else 1
            device_us = self._device_us(self._athlete_host_s(edge.time_s))
            self._send(MatEdgeFrame(self._next_sequence(), device_us, zone, edge.contact))

    def _send_taken(self, now_s: float) -> None:
        """Before a STOP or a new rate: send what was taken by now, in a
        shorter frame if need be, and forget what was rendered ahead."""
        self._send_edges(now_s)
        taken_s = self._host_s(self._pending_index + np.arange(len(self._pending_n)))
        taken = int(np.sum(taken_s <= now_s))
        while taken > 0:
            count = min(taken, self._per_frame)
            self._frame(count)
            taken -= count
        self._pending_n = self._pending_n[:0]
        self._pending_index = self._next_index
        self._pending_edges = []

    def _frame(self, n: int) -> None:
        """Frame the first ``n`` pending samples, or drop them when the host
        has not read what was sent before."""
        corners_n, self._pending_n = self._pending_n[:n], self._pending_n[n:]
        first, self._pending_index = self._pending_index, self._pending_index + n
        if len(self._out) > BUFFER_BYTES:
            self._overflows += n
            return
        host_s = self._host_s(first + np.arange(n))
        frame = Samples(self._next_sequence(), self._device_us(host_s[0]), self._period_us,
                        self._counts(corners_n, host_s))
        self._samples_frames += 1
        if self.drop_every and self._samples_frames % self.drop_every == 0:
            self.dropped_frames += 1
            return
        data = bytearray(encode(frame))
        if self.corrupt_every and self._samples_frames % self.corrupt_every == 0:
            data[len(data) // 2] ^= 0xFF
            self.corrupted_frames += 1
            self._write(data)
            return
        self._write(data)
        self._sent.append(SentSamples(frame.sequence, frame.device_time_us, frame.period_us,
                                      host_s, corners_n.sum(axis=1)))

    def _counts(self, corners_n: np.ndarray, host_s: np.ndarray) -> np.ndarray:
        """The inverse of the calibration: counts = newtons / gain + offset."""
        calibration = self.calibration
        corners_n = np.array(corners_n, dtype=float)
        if self.zero_drift_n_per_s:
            athlete_s = (host_s - self.athlete_origin_s) * self.speed
            corners_n += (self.zero_drift_n_per_s * athlete_s / 4)[:, None]
        if self.negative_cell is not None:
            corners_n[:, self.negative_cell] -= self.negative_n
        counts = np.rint(corners_n / np.asarray(calibration.newtons_per_count)
                         + np.asarray(calibration.offsets_counts))
        counts = np.clip(counts, COUNT_MIN, COUNT_MAX).astype(np.int32)
        if self.stuck_cell is not None:
            if self._stuck_count is None:
                self._stuck_count = int(counts[0, self.stuck_cell])
            counts[:, self.stuck_cell] = self._stuck_count
        if self.saturated_cell is not None:
            counts[:, self.saturated_cell] = COUNT_MAX
        return counts

    def _send_faults(self, now_s: float) -> None:
        while self._faults:
            fault = self._faults.popleft()
            if fault == "overflows":
                self._overflows += OVERFLOW_FAULT_SAMPLES
                continue
            self._write(fault_bytes(fault, lambda sequence: Status(
                sequence, self._device_us(now_s), self.rate_hz, self._overflows, self._streaming,
                adc_fault=False), self._next_sequence))

    def _send_status(self, now_s: float) -> None:
        self._send(Status(self._next_sequence(), self._device_us(now_s), self.rate_hz,
                          self._overflows, self._streaming, adc_fault=False))
        self._next_status_s = now_s + STATUS_EVERY_S / self.speed

    def _send(self, frame) -> None:
        self._write(encode(frame))

    def _next_sequence(self) -> int:
        sequence, self._sequence = self._sequence, (self._sequence + 1) % (1 << 16)
        return sequence

    def _write(self, data: bytes) -> None:
        if not self.silent:
            self._out += data

    def _flush(self) -> None:
        if not self._out:
            return
        try:
            written = os.write(self._master, self._out)
        except (BlockingIOError, OSError):
            return
        del self._out[:written]

    # -- clocks --------------------------------------------------------------

    def _host_s(self, index):
        """The true host monotonic time of sample ``index`` at the current rate."""
        return self.athlete_origin_s + index / self._true_rate_hz / self.speed

    def _athlete_time_s(self, host_s: float) -> float:
        return (host_s - self.athlete_origin_s) * self.speed

    def _athlete_host_s(self, athlete_s: float) -> float:
        return self.athlete_origin_s + athlete_s / self.speed

    def _device_us(self, host_s: float) -> int:
        """What the device clock read at ``host_s``: it counts speed MHz of
        host time, drift fast, from where it started at its last power-on."""
        elapsed_s = host_s - self._clock_zero_s
        ticks = elapsed_s * 1e6 * self.speed * (1.0 + self.drift)
        return int(round(self._clock_zero_us + ticks)) % WRAP_US

