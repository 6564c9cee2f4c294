"""How fast the host decodes the front-end's stream, in samples per second.

    .venv/bin/python benchmarks/frame_decode.py [--seconds 600] [--repeat 5]

Prints the machine, then for the 1 kHz stream (10 samples a frame) and the
2 kHz stream (20 a frame): the decode time of that many seconds of stream,
fed in 4 kB chunks as a serial port hands them over, as decoded samples per
second and as a real-time factor. The stream is what a device sends: SAMPLES
frames of four noisy channels, and a STATUS frame every second.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from this_machine import describe_machine
from station.sources.loadcell.protocol import CHANNELS, FrameDecoder, Samples, Status, encode

CHUNK_BYTES = 4096
FRAMES_PER_S = 100


def device_stream(rate_hz: int, duration_s: float) -> bytes:
    """What a device streaming at ``rate_hz`` sends in ``duration_s``."""
    rng = np.random.default_rng(1)
    per_frame = rate_hz // FRAMES_PER_S
    period_us = 1_000_000 // rate_hz
    frames = []
    for index in range(int(duration_s * FRAMES_PER_S)):
        time_us = (index * per_frame * period_us) % 2**32
        counts = rng.normal(400_000, 300, (per_frame, CHANNELS)).astype(np.int32)
        frames.append(Samples(len(frames) % 2**16, time_us, period_us, counts))
        if index % FRAMES_PER_S == FRAMES_PER_S - 1:
            frames.append(Status(len(frames) % 2**16, time_us, rate_hz, 0, streaming=True, adc_fault=False))
    return b"".join(encode(frame) for frame in frames)


def decode(chunks: list[bytes]) -> int:
    decoder = FrameDecoder()
    samples = 0
    for chunk in chunks:
        for frame in decoder.feed(chunk):
            if isinstance(frame, Samples):
                samples += len(frame.counts)
    assert decoder.stats.lost_frames == decoder.stats.crc_errors == 0
    return samples


def measure(rate_hz: int, duration_s: float, repeat: int) -> None:
    stream = device_stream(rate_hz, duration_s)
    chunks = [stream[i:i + CHUNK_BYTES] for i in range(0, len(stream), CHUNK_BYTES)]
    samples = decode(chunks)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        decode(chunks)
        times.append(time.perf_counter() - began)
    best, median = min(times), statistics.median(times)
    print(f"\n{rate_hz} Hz, {rate_hz // FRAMES_PER_S} samples a frame: {duration_s:g} s of stream, "
          f"{len(stream) / 1e6:.1f} MB, {samples:,} samples of {CHANNELS} channels")
    print(f"  decode: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")
    print(f"  {samples / median:,.0f} samples/s, {len(stream) / median / 1e6:.1f} MB/s, "
          f"real-time factor {duration_s / median:,.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    for rate_hz in (1000, 2000):
        measure(rate_hz, args.seconds, args.repeat)


if __name__ == "__main__":
    main()
