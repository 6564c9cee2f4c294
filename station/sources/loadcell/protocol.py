"""The front-end's wire protocol: frames, their bytes, and a stream decoder.

hardware/PROTOCOL.md is the specification and hardware/protocol-vectors.json
its test vectors. The pieces live in frames (what each kind carries, and
``encode``) and decoder (``FrameDecoder``, which finds frames in the bytes a
serial port delivers); this is the one place to import them from.
"""

from station.sources.loadcell.decoder import DecoderStats, FrameDecoder
from station.sources.loadcell.frames import (
    CHANNELS, COUNT_MAX, COUNT_MIN, MAX_FRAME_BYTES, MAX_PAYLOAD, MAX_SAMPLES_PER_FRAME, SYNC,
    VERSION, Command, Frame, Identity, Kind, MatEdgeFrame, Samples, Status, crc16_ccitt_false,
    encode)

__all__ = ["CHANNELS", "COUNT_MAX", "COUNT_MIN", "MAX_FRAME_BYTES", "MAX_PAYLOAD",
           "MAX_SAMPLES_PER_FRAME", "SYNC", "VERSION", "Command", "DecoderStats", "Frame",
           "FrameDecoder", "Identity", "Kind", "MatEdgeFrame", "Samples", "Status",
           "crc16_ccitt_false", "encode"]
