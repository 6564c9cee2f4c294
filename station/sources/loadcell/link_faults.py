"""Link faults on demand, as the device emulator sends them: for each of the
decoder's counts (station/sources/loadcell/decoder.py), the bytes a flaky
cable, a faulty USB hub or a confused firmware puts between good frames.

Each fault is a STATUS frame (or bytes around one) made with the emulator's
next sequence numbers where the host must see them, so that the fault moves
its own count and no other: a duplicate is a frame sent twice, a reordered
frame comes after the one that followed it, and so on.
"""

from __future__ import annotations

from typing import Callable

from station.sources.loadcell.frames import (
    HEADER_LAYOUT, MAX_PAYLOAD, SYNC, VERSION, Kind, Status, crc16_ccitt_false, encode)

#: The fault's name and the decoder count it moves.
FAULTS = {"garbage": "discarded_bytes", "bad_version": "bad_versions", "oversize": "oversize",
          "unknown_kind": "unknown_kinds", "malformed": "malformed", "duplicate": "duplicates",
          "reordered": "reordered"}
#: Bytes with no sync in them: all of them are discarded.
GARBAGE = bytes(range(0x10, 0x18))
#: A kind no device sends (device kinds are below 0x80).
UNKNOWN_KIND = 0x7E


def fault_bytes(fault: str, status: Callable[[int], Status], next_sequence: Callable[[], int]) -> bytes:
    """The bytes of ``fault`` (a key of FAULTS). ``status(sequence)`` makes
    the device's STATUS frame now; ``next_sequence()`` takes its next number."""
    if fault == "garbage":
        return GARBAGE
    if fault == "bad_version":   # refused before its sequence is read: it takes none
        return _raw(Kind.STATUS, 0, encode(status(0))[HEADER_LAYOUT.size:-2], version=VERSION + 1)
    if fault == "oversize":
        frame = encode(status(0))
        return frame[:6] + (MAX_PAYLOAD + 1).to_bytes(2, "little") + frame[8:]
    if fault == "unknown_kind":
        return _raw(UNKNOWN_KIND, next_sequence(), b"\x00")
    if fault == "malformed":     # a SAMPLES payload too short for its header: refused
        return _raw(Kind.SAMPLES, 0, b"\x00\x01\x02")  # like a CRC mismatch, it takes no number
    if fault == "duplicate":
        return encode(status(next_sequence())) * 2
    if fault == "reordered":
        first, second = next_sequence(), next_sequence()
        return encode(status(second)) + encode(status(first))
    raise ValueError(f"fault must be one of {', '.join(FAULTS)}, not {fault!r}")


def _raw(kind: int, sequence: int, payload: bytes, version: int = VERSION) -> bytes:
    """A frame as hardware/PROTOCOL.md lays it out, whatever its kind and payload."""
    body = HEADER_LAYOUT.pack(SYNC, version, kind, sequence, len(payload))[len(SYNC):] + payload
    return SYNC + body + crc16_ccitt_false(body).to_bytes(2, "little")
