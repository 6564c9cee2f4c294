"""The Chronopic's wire format, and where its changes fall in time.

Pure: bytes in, frames out (``ChronopicDecoder``, split from the port that
reads the bytes, as pyserial's ``Packetizer`` is), and frames in, edge times
out (``ChronopicTimeline``). docs/chronopic.md describes the protocol with
test vectors.

A change frame is ``'X'``, the new state (1 = contact), and a 24-bit
big-endian count of 8 µs ticks: how long the state that just ended lasted.
So the device gives exact durations and no absolute time; the host places
the first change by when it arrived and chains every later one from it.
"""

from __future__ import annotations

from dataclasses import dataclass

BAUD_RATE = 9600
CHANGE_HEADER = 0x58  # 'X'
STATE_QUERY = b"E"
STATE_HEADER = 0x45  # 'E', the reply to STATE_QUERY
CHANGE_BYTES = 5
STATE_BYTES = 2
TICK_US = 8
#: The firmware's 24-bit count stops rising in its top byte: a count there
#: only says the state lasted at least 0xFF0000 ticks (133.7 s).
SATURATED_TICKS = 0xFF0000
#: 8N1: a start bit, eight data bits and a stop bit per byte.
BYTE_S = 10 / BAUD_RATE
#: The firmware sends a change once it has held for its debounce time (50 ms
#: for jumps, the default), then the frame takes 5 bytes on the wire; the
#: host subtracts both from the arrival to find the edge. USB latency (up to
#: the adapter's latency timer) is unknown and stays in.
FIRMWARE_DEBOUNCE_S = 0.050
CHANGE_DELAY_S = FIRMWARE_DEBOUNCE_S + CHANGE_BYTES * BYTE_S


@dataclass(frozen=True, slots=True)
class Change:
    """The platform changed to ``contact`` after ``ticks`` × 8 µs in the other state."""

    contact: bool
    ticks: int

    @property
    def duration_us(self) -> int:
        return self.ticks * TICK_US

    @property
    def saturated(self) -> bool:
        """The state before lasted too long for the count to say how long."""
        return self.ticks >= SATURATED_TICKS


@dataclass(frozen=True, slots=True)
class StateReply:
    """The answer to STATE_QUERY: the platform's current (debounced) state."""

    contact: bool


@dataclass(frozen=True, slots=True)
class DecoderStats:
    """``changes`` and ``replies`` decoded; ``discarded`` bytes that were
    not part of any frame."""

    changes: int = 0
    replies: int = 0
    discarded: int = 0


class ChronopicDecoder:
    """Finds change frames and state replies in a stream of bytes.

    Bytes are fed as they arrive, in any pieces. A frame starts with its
    header followed by a state byte of 0 or 1; anything else is skipped one
    byte at a time until a frame starts again, and counted. While skipping, a
    candidate change must alternate with the last known state, which a
    header forged by line noise often does not. A state reply is only taken
    while one is awaited (``awaiting_state``), since 'E' 0 also occurs inside
    change frames.

        decoder = ChronopicDecoder()
        decoder.feed(bytes.fromhex("58 00 00 c3 50"))   # [Change(contact=False, ticks=50000)]
    """

    def __init__(self) -> None:
        self.awaiting_state = False
        self.last_contact: bool | None = None
        self._buffer = bytearray()
        self._skipping = False
        self._changes = 0
        self._replies = 0
        self._discarded = 0

    @property
    def stats(self) -> DecoderStats:
        return DecoderStats(self._changes, self._replies, self._discarded)

    def reset(self) -> None:
        """Forget a partial frame: the bytes before a reconnect are gone."""
        self._discarded += len(self._buffer)
        self._buffer.clear()
        self.last_contact = None

    def feed(self, data: bytes) -> list[Change | StateReply]:
        self._buffer += data
        frames: list[Change | StateReply] = []
        while self._buffer:
            header = self._buffer[0]
            if header == CHANGE_HEADER:
                size = CHANGE_BYTES
            elif header == STATE_HEADER and self.awaiting_state:
                size = STATE_BYTES
            else:
                self._skip()
                continue
            if len(self._buffer) < 2:
                break
            state = self._buffer[1]
            if state > 1 or (size == CHANGE_BYTES and self._skipping and state == self.last_contact):
                self._skip()
                continue
            if len(self._buffer) < size:
                break
            frames.append(self._take(size, bool(state)))
        return frames

    def _skip(self) -> None:
        del self._buffer[0]
        self._discarded += 1
        self._skipping = True

    def _take(self, size: int, contact: bool) -> Change | StateReply:
        frame_bytes = self._buffer[:size]
        del self._buffer[:size]
        self._skipping = False
        self.last_contact = contact
        if size == STATE_BYTES:
            self.awaiting_state = False
            self._replies += 1
            return StateReply(contact)
        self._changes += 1
        return Change(contact, int.from_bytes(frame_bytes[2:5], "big"))


def encode_change(contact: bool, ticks: int) -> bytes:
    """The five bytes of a change frame (for tests and docs)."""
    if not 0 <= ticks <= 0xFFFFFF:
        raise ValueError(f"ticks must fit in 24 bits, not {ticks}")
    return bytes((CHANGE_HEADER, int(contact))) + ticks.to_bytes(3, "big")


class ChronopicTimeline:
    """Puts the platform's changes on the host's timeline, in whole microseconds.

    The timeline is ``time.monotonic()`` minus ``origin_s``; ``contact`` is
    the state when listening began (the answer to STATE_QUERY). The first
    change is placed at its arrival less CHANGE_DELAY_S: its own duration is
    of a state that began before anyone listened (after power-up it reads
    about 0). Every later change is the previous one plus its duration,
    exactly, in integer microseconds so no rounding builds up. A saturated
    duration is placed by arrival again. A change that repeats the state
    means one was lost: it is placed by arrival, and the lost one its
    duration before. Times never go back, nor before ``floor_s``.

        timeline = ChronopicTimeline(origin_s=0.0, floor_s=0.0, contact=True)
        timeline.place(Change(False, 0), received_s=2.0)        # [(1.944792, False)]
        timeline.place(Change(True, 62_500), received_s=2.6)    # [(2.444792, True)]
    """

    def __init__(self, origin_s: float, floor_s: float, contact: bool) -> None:
        self.origin_s = origin_s
        self.anchors = 0
        self.lost_changes = 0
        self._last_us = round(floor_s * 1e6)
        self._chained = False
        self._contact = contact

    def restart(self) -> None:
        """The device may have restarted (a reconnect): place the next change by arrival."""
        self._chained = False

    def place(self, change: Change, received_s: float) -> list[tuple[float, bool]]:
        """The (time_s, contact) edges this change makes, in time order."""
        repeated = change.contact == self._contact
        if self._chained and not change.saturated and not repeated:
            edges = [(self._last_us + change.duration_us, change.contact)]
        else:
            self.anchors += 1
            arrival_us = self._arrival_us(received_s, CHANGE_DELAY_S)
            edges = [(arrival_us, change.contact)]
            missed_us = arrival_us - change.duration_us
            if repeated:
                self.lost_changes += 1
                if self._chained and not change.saturated and missed_us > self._last_us:
                    edges.insert(0, (missed_us, not change.contact))
        self._chained = True
        return [self._at(time_us, contact) for time_us, contact in edges]

    def state(self, contact: bool, received_s: float) -> list[tuple[float, bool]]:
        """A STATE_QUERY answer (after a reconnect): if the state changed while
        nobody listened, the change is placed at the answer, the first moment
        it is known."""
        self._chained = False
        if contact == self._contact:
            return []
        return [self._at(self._arrival_us(received_s, STATE_BYTES * BYTE_S), contact)]

    def _arrival_us(self, received_s: float, delay_s: float) -> int:
        return round((received_s - delay_s - self.origin_s) * 1e6)

    def _at(self, time_us: int, contact: bool) -> tuple[float, bool]:
        self._last_us = max(time_us, self._last_us)
        self._contact = contact
        return self._last_us / 1e6, contact
