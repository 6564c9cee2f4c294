"""The front-end's frames: what each kind carries and its bytes, both ways.

hardware/PROTOCOL.md is the specification. ``encode`` turns any frame into its
bytes, sync to CRC (the host encodes commands; a device emulator and the tests
encode device frames); ``parse_payload`` reads one payload whose frame has
already passed its CRC. Finding frames in a stream of bytes is decoder.py's job.
"""

from __future__ import annotations

import binascii
import struct
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

SYNC = b"\xa5\x5a"
VERSION = 1
#: Bounds the decoder's buffer, and how long a corrupted length can hold up
#: the frames behind it: a whole frame is 1034 bytes, 40 ms of the 2 kHz stream.
MAX_PAYLOAD = 1024
#: The ADS131M04 samples the four corner cells at once, in the order
#: front-left, front-right, back-left, back-right.
CHANNELS = 4

HEADER_LAYOUT = struct.Struct("<2sBBHH")  # sync, version, kind, sequence, payload length
CRC_LAYOUT = struct.Struct("<H")
HEADER_BYTES = HEADER_LAYOUT.size
CRC_BYTES = CRC_LAYOUT.size
MAX_FRAME_BYTES = HEADER_BYTES + MAX_PAYLOAD + CRC_BYTES

#: The range of the ADC's signed 24-bit word.
COUNT_MIN = -(1 << 23)
COUNT_MAX = (1 << 23) - 1
_COUNT_BYTES = 3
#: Ten or twenty samples make a normal frame; up to 64 lets a device catch up
#: after a stall, and 64 x 4 x 3 bytes still fit in MAX_PAYLOAD.
MAX_SAMPLES_PER_FRAME = 64
SEQUENCE_MODULO = 1 << 16

_SAMPLES_HEAD = struct.Struct("<IHBB")  # device_time_us, period_us, channels, count
_MAT_EDGE = struct.Struct("<IBB")  # device_time_us, zone, state
_STATUS = struct.Struct("<IHIB")  # device_time_us, rate_hz, overflows, flags
_RATE = struct.Struct("<H")
#: The high bit of a kind says which way it travels, so a frame sent the
#: wrong way (an echo, a loopback) is recognisable.
_FIRST_COMMAND = 0x80
_STREAMING = 0x01
_ADC_FAULT = 0x02


class Kind(IntEnum):
    """What a frame carries. Device frames are below 0x80, commands above."""

    SAMPLES = 0x01
    MAT_EDGE = 0x02
    STATUS = 0x03
    IDENTITY = 0x04
    IDENTIFY = 0x81
    START = 0x82
    STOP = 0x83
    SET_RATE = 0x84


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no
    reflection, no final xor; ``b"123456789"`` gives 0x29B1.

    binascii's CRC-CCITT is this polynomial unreflected, in C.
    """
    return binascii.crc_hqx(data, 0xFFFF)


@dataclass(frozen=True, slots=True, eq=False)
class Samples:
    """Consecutive samples of the four corner cells, as raw ADC counts.

    ``device_time_us`` is when the first sample was taken, on the device's
    free-running microsecond clock (u32, wraps every 71.6 minutes); sample
    ``i`` was taken ``i * period_us`` later. ``counts`` is (n, 4) int32, the
    columns front-left, front-right, back-left, back-right.

        >>> frame = Samples(sequence=0, device_time_us=0, period_us=1000,
        ...                 counts=np.zeros((10, CHANNELS), np.int32))
        >>> len(encode(frame))
        138
    """

    sequence: int
    device_time_us: int
    period_us: int
    counts: np.ndarray

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Samples):
            return NotImplemented
        return ((self.sequence, self.device_time_us, self.period_us)
                == (other.sequence, other.device_time_us, other.period_us)
                and np.array_equal(self.counts, other.counts))


@dataclass(frozen=True, slots=True)
class MatEdgeFrame:
    """A change of a mat zone wired to the front-end rather than to the Pi.

    ``zone`` is 0 for the front zone (or a one-zone mat's only zone) and 1 for
    the back zone; ``contact`` is the level after the change (True = closed).

        >>> encode(MatEdgeFrame(sequence=3, device_time_us=123_456, zone=0, contact=True)).hex()
        'a55a01020300060040e2010000013165'
    """

    sequence: int
    device_time_us: int
    zone: int
    contact: bool


@dataclass(frozen=True, slots=True)
class Status:
    """The device's state: sent every second while streaming, and after
    every command.

    ``overflows`` counts the samples the device dropped because its buffer
    was full, since it started; ``adc_fault`` says the ADC stopped answering.

        >>> len(encode(Status(sequence=9, device_time_us=0, rate_hz=1000, overflows=0,
        ...                   streaming=True, adc_fault=False)))
        21
    """

    sequence: int
    device_time_us: int
    rate_hz: int
    overflows: int
    streaming: bool
    adc_fault: bool


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the device is: its name, then ``key=value`` fields.

        >>> me = Identity(sequence=1, name="jumpmat-frontend",
        ...               fields={"fw": "1.0.0", "serial": "E66118604B1F2A27"})
        >>> me.firmware, me.serial
        ('1.0.0', 'E66118604B1F2A27')
    """

    sequence: int
    name: str
    fields: dict[str, str]

    @property
    def firmware(self) -> str | None:
        return self.fields.get("fw")

    @property
    def serial(self) -> str | None:
        return self.fields.get("serial")


@dataclass(frozen=True, slots=True)
class Command:
    """A command from the host: IDENTIFY, START, STOP, or SET_RATE with its
    ``rate_hz`` (1000 or 2000). ``sequence`` is the host's own frame counter.

        >>> encode(Command(sequence=2, kind=Kind.START)).hex()
        'a55a0182020000008bc0'
    """

    sequence: int
    kind: Kind
    rate_hz: int | None = None


Frame = Samples | MatEdgeFrame | Status | Identity | Command
KINDS = frozenset(Kind)


# --- Encoding -----------------------------------------------------------------

def encode(frame: Frame) -> bytes:
    """The bytes of one frame, sync to CRC. A field out of its range is a
    ValueError, and so is a count that does not fit 24 bits."""
    kind, payload = _payload(frame)
    _check_unsigned("sequence", frame.sequence, 16)
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes; at most {MAX_PAYLOAD}")
    head = HEADER_LAYOUT.pack(SYNC, VERSION, kind, frame.sequence, len(payload))
    return head + payload + CRC_LAYOUT.pack(crc16_ccitt_false(head[len(SYNC):] + payload))


def _payload(frame: Frame) -> tuple[int, bytes]:
    match frame:
        case Samples():
            return Kind.SAMPLES, _samples_payload(frame)
        case MatEdgeFrame():
            return Kind.MAT_EDGE, _mat_edge_payload(frame)
        case Status():
            return Kind.STATUS, _status_payload(frame)
        case Identity():
            return Kind.IDENTITY, _identity_payload(frame)
        case Command():
            return Kind(frame.kind), _command_payload(frame)
    raise TypeError(f"not a frame: {frame!r}")


def _samples_payload(frame: Samples) -> bytes:
    _check_unsigned("device_time_us", frame.device_time_us, 32)
    _check_unsigned("period_us", frame.period_us, 16)
    counts = np.asarray(frame.counts)
    if counts.ndim != 2 or counts.shape[1] != CHANNELS or not np.issubdtype(counts.dtype, np.integer):
        raise ValueError(f"counts must be integers shaped (n, {CHANNELS}), not {counts.dtype} {counts.shape}")
    n = len(counts)
    if not 1 <= n <= MAX_SAMPLES_PER_FRAME:
        raise ValueError(f"{n} samples in a frame; 1 to {MAX_SAMPLES_PER_FRAME}")
    if counts.min() < COUNT_MIN or counts.max() > COUNT_MAX:
        raise ValueError(f"a count outside the 24-bit range {COUNT_MIN}..{COUNT_MAX}")
    words = counts.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :_COUNT_BYTES]
    return _SAMPLES_HEAD.pack(frame.device_time_us, frame.period_us, CHANNELS, n) + words.tobytes()


def _mat_edge_payload(frame: MatEdgeFrame) -> bytes:
    _check_unsigned("device_time_us", frame.device_time_us, 32)
    if frame.zone not in (0, 1):
        raise ValueError(f"mat zone {frame.zone}; the zones are 0 (front) and 1 (back)")
    return _MAT_EDGE.pack(frame.device_time_us, frame.zone, int(bool(frame.contact)))


def _status_payload(frame: Status) -> bytes:
    _check_unsigned("device_time_us", frame.device_time_us, 32)
    _check_unsigned("rate_hz", frame.rate_hz, 16)
    _check_unsigned("overflows", frame.overflows, 32)
    flags = (_STREAMING if frame.streaming else 0) | (_ADC_FAULT if frame.adc_fault else 0)
    return _STATUS.pack(frame.device_time_us, frame.rate_hz, frame.overflows, flags)


def _identity_payload(frame: Identity) -> bytes:
    for text in (frame.name, *frame.fields):
        if not text or ";" in text or "=" in text:
            raise ValueError(f"identity name or key {text!r} is empty or holds ';' or '='")
    if any(";" in value for value in frame.fields.values()):
        raise ValueError("an identity value holds ';'")
    items = [frame.name, *(f"{key}={value}" for key, value in frame.fields.items())]
    return ";".join(items).encode("ascii")


def _command_payload(frame: Command) -> bytes:
    kind = Kind(frame.kind)
    if kind < _FIRST_COMMAND:
        raise ValueError(f"{kind.name} is a device frame, not a command")
    if kind is Kind.SET_RATE:
        if frame.rate_hz is None:
            raise ValueError("SET_RATE needs rate_hz")
        _check_unsigned("rate_hz", frame.rate_hz, 16)
        return _RATE.pack(frame.rate_hz)
    if frame.rate_hz is not None:
        raise ValueError(f"{kind.name} takes no rate_hz")
    return b""


def _check_unsigned(name: str, value: int, bits: int) -> None:
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{name} {value} does not fit {bits} bits unsigned")


# --- Parsing ------------------------------------------------------------------

def _parse_samples(kind: int, sequence: int, payload: memoryview) -> Samples | None:
    if len(payload) < _SAMPLES_HEAD.size:
        return None
    time_us, period_us, channels, n = _SAMPLES_HEAD.unpack_from(payload)
    words = n * channels * _COUNT_BYTES
    if (channels != CHANNELS or not 1 <= n <= MAX_SAMPLES_PER_FRAME or period_us == 0
            or len(payload) != _SAMPLES_HEAD.size + words):
        return None
    return Samples(sequence, time_us, period_us, _counts_from_words(payload[_SAMPLES_HEAD.size:], n))


def _counts_from_words(words: bytes, n: int) -> np.ndarray:
    """(n, 4) int32 from n x 4 little-endian signed 24-bit words: each word
    goes into the top three bytes of an int32, and an arithmetic shift right
    by 8 brings it down with its sign."""
    wide = np.zeros((n * CHANNELS, 4), np.uint8)
    wide[:, 1:] = np.frombuffer(words, np.uint8).reshape(-1, _COUNT_BYTES)
    counts = (wide.view("<i4") >> 8).reshape(n, CHANNELS)
    counts.flags.writeable = False
    return counts


def _parse_mat_edge(kind: int, sequence: int, payload: memoryview) -> MatEdgeFrame | None:
    if len(payload) != _MAT_EDGE.size:
        return None
    time_us, zone, state = _MAT_EDGE.unpack(payload)
    if zone not in (0, 1) or state not in (0, 1):
        return None
    return MatEdgeFrame(sequence, time_us, zone, state == 1)


def _parse_status(kind: int, sequence: int, payload: memoryview) -> Status | None:
    if len(payload) != _STATUS.size:
        return None
    time_us, rate_hz, overflows, flags = _STATUS.unpack(payload)
    # Flag bits 2-7 are for later firmware; this host reads bits 0 and 1.
    return Status(sequence, time_us, rate_hz, overflows, bool(flags & _STREAMING), bool(flags & _ADC_FAULT))


def _parse_identity(kind: int, sequence: int, payload: memoryview) -> Identity | None:
    try:
        name, *items = bytes(payload).decode("ascii").split(";")
    except UnicodeDecodeError:
        return None
    pairs = [item.partition("=") for item in items]
    if not name or "=" in name or any(not key or not equals for key, equals, _ in pairs):
        return None
    return Identity(sequence, name, {key: value for key, _, value in pairs})


def _parse_command(kind: int, sequence: int, payload: memoryview) -> Command | None:
    if kind == Kind.SET_RATE:
        if len(payload) != _RATE.size:
            return None
        return Command(sequence, Kind.SET_RATE, _RATE.unpack(payload)[0])
    return Command(sequence, Kind(kind)) if len(payload) == 0 else None


def parse_payload(kind: int, sequence: int, payload: memoryview) -> Frame | None:
    """The frame a payload of a known kind holds, or None when it breaks its
    kind's layout (a length, a count or a field value that cannot be)."""
    return _PARSERS[kind](kind, sequence, payload)


_PARSERS = {
    Kind.SAMPLES: _parse_samples,
    Kind.MAT_EDGE: _parse_mat_edge,
    Kind.STATUS: _parse_status,
    Kind.IDENTITY: _parse_identity,
    Kind.IDENTIFY: _parse_command,
    Kind.START: _parse_command,
    Kind.STOP: _parse_command,
    Kind.SET_RATE: _parse_command,
}
