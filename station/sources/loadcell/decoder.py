"""Finding frames in the bytes a serial port delivers.

``FrameDecoder`` is the Packetizer half of pyserial's ReaderThread/Packetizer
split: a reader thread owns the port and feeds it whatever arrived, so framing
is tested with plain byte strings. The rules it follows (scan for the sync,
resume right after a rejected frame's sync, count sequence gaps) are the host
rules of hardware/PROTOCOL.md.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from station.sources.loadcell.frames import (
    CRC_BYTES, CRC_LAYOUT, HEADER_BYTES, HEADER_LAYOUT, KINDS, MAX_PAYLOAD, SEQUENCE_MODULO, SYNC,
    VERSION, Frame, crc16_ccitt_false, parse_payload)


@dataclass
class DecoderStats:
    """What a decoder saw, cumulative since it was made.

    ``frames`` decoded and returned; ``crc_errors``, ``bad_versions`` and
    ``oversize`` (a length over MAX_PAYLOAD) count rejected frame starts;
    ``discarded_bytes`` every byte skipped while looking for a frame;
    ``lost_frames`` the sequence numbers never seen between good frames;
    ``duplicates`` good frames whose sequence number was seen among the last
    ``REORDER_WINDOW``, and ``reordered`` good frames that came after a later
    one (both dropped: neither is lost, and neither is handed on out of
    order); ``unknown_kinds`` good frames of a kind this host does not know,
    and ``malformed`` frames that passed their CRC but whose payload breaks
    its kind's layout (rejected like a CRC mismatch: see ``feed``).
    """

    frames: int = 0
    crc_errors: int = 0
    bad_versions: int = 0
    oversize: int = 0
    discarded_bytes: int = 0
    lost_frames: int = 0
    unknown_kinds: int = 0
    malformed: int = 0
    duplicates: int = 0
    reordered: int = 0


#: How far behind the newest sequence number a frame may come and still be
#: known for a duplicate or a late frame rather than a jump of the count:
#: a USB serial link reorders nothing in practice, a faulty hub repeats a
#: few packets; 64 frames are 0.64 s of samples.
REORDER_WINDOW = 64


class FrameDecoder:
    """Bytes in, in any chunking, frames out: the Packetizer half of
    pyserial's ReaderThread/Packetizer split, with no I/O.

    It holds back at most one unfinished frame (under MAX_FRAME_BYTES), so
    garbage can never grow its buffer. Make a new decoder whenever the port is
    opened again: the sequence count starts over with the device.

        >>> decoder = FrameDecoder()
        >>> decoder.feed(bytes.fromhex("00a55a0182020000008bc0"))
        [Command(sequence=2, kind=<Kind.START: 130>, rate_hz=None)]
        >>> decoder.stats.discarded_bytes
        1
    """

    def __init__(self) -> None:
        self.stats = DecoderStats()
        self._pending = b""
        self._next_sequence: int | None = None
        # The last REORDER_WINDOW sequence numbers seen, and those skipped.
        self._seen: deque[int] = deque(maxlen=REORDER_WINDOW)
        self._missing: deque[int] = deque(maxlen=REORDER_WINDOW)

    @property
    def buffered_bytes(self) -> int:
        """Bytes held back until the rest of their frame arrives."""
        return len(self._pending)

    def feed(self, data: bytes) -> list[Frame]:
        """The frames completed by ``data``, in order."""
        buffer = self._pending + bytes(data)
        view = memoryview(buffer)
        frames: list[Frame] = []
        start = self._skip_to_sync(buffer, 0)
        while len(buffer) - start >= HEADER_BYTES:
            _, version, kind, sequence, length = HEADER_LAYOUT.unpack_from(buffer, start)
            payload_end = start + HEADER_BYTES + length
            if version != VERSION:
                self.stats.bad_versions += 1
            elif length > MAX_PAYLOAD:
                self.stats.oversize += 1
            elif payload_end + CRC_BYTES > len(buffer):
                break  # the rest of the frame is still on its way
            elif (CRC_LAYOUT.unpack_from(buffer, payload_end)[0]
                  != crc16_ccitt_false(view[start + len(SYNC):payload_end])):
                self.stats.crc_errors += 1
            else:
                frame = (parse_payload(kind, sequence, view[start + HEADER_BYTES:payload_end])
                         if kind in KINDS else None)
                if kind not in KINDS or frame is not None:
                    if self._in_sequence(sequence):
                        if frame is None:  # a later firmware's kind: its CRC shows its length is right
                            self.stats.unknown_kinds += 1
                        else:
                            self.stats.frames += 1
                            frames.append(frame)
                    start = self._skip_to_sync(buffer, payload_end + CRC_BYTES)
                    continue
                # Its CRC passed, yet its layout is broken: most likely a false
                # sync in the data whose CRC matched by chance (1 in 65 536),
                # reaching over good frames. Its sequence number means nothing.
                self.stats.malformed += 1
            # A rejected frame: look again right after its sync, not after the
            # length it claims, so a corrupted length cannot swallow the good
            # frames behind it.
            self.stats.discarded_bytes += len(SYNC)
            start = self._skip_to_sync(buffer, start + len(SYNC))
        self._pending = buffer[start:]
        return frames

    def _skip_to_sync(self, buffer: bytes, position: int) -> int:
        """Where the next sync starts at or after ``position``, or where the
        bytes that cannot start one end; the bytes in between are discarded."""
        start = buffer.find(SYNC, position)
        if start < 0:
            # A last 0xA5 may be the first half of the next sync.
            start = len(buffer) - 1 if buffer.endswith(SYNC[:1]) and len(buffer) > position else len(buffer)
        self.stats.discarded_bytes += start - position
        return start

    def _in_sequence(self, sequence: int) -> bool:
        """Whether a frame that passed its CRC and its layout comes in order:
        its sequence number counts the frames lost before it; a duplicate or
        a late frame is counted as such and dropped."""
        if self._next_sequence is not None:
            ahead = (sequence - self._next_sequence) % SEQUENCE_MODULO
            if ahead >= SEQUENCE_MODULO - REORDER_WINDOW:  # behind the newest
                if sequence in self._seen:
                    self.stats.duplicates += 1
                else:
                    self.stats.reordered += 1
                    self._seen.append(sequence)
                    if sequence in self._missing:  # counted missing when it was skipped
                        self._missing.remove(sequence)
                        self.stats.lost_frames -= 1
                return False
            self.stats.lost_frames += ahead
            self._missing.extend((self._next_sequence + i) % SEQUENCE_MODULO
                                 for i in range(max(0, ahead - REORDER_WINDOW), ahead))
        self._next_sequence = (sequence + 1) % SEQUENCE_MODULO
        self._seen.append(sequence)
        return True
