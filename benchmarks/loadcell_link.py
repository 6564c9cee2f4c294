"""The load-cell link end to end: the device emulator on a pseudo-terminal,
read by the real serial driver, the reader thread and LoadCellSource.

    .venv/bin/python benchmarks/loadcell_link.py [--seconds 10] [--rate 2000]

Prints the machine, then, for a stream at real speed: how far the sample
times are from the emulator's true times (ms), how long ``read`` takes (ms),
and the CPU the host side and emulator used together; then how long force
takes to come back after the device is unplugged and plugged back in.
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np

from this_machine import describe_machine
from station.readings import ForceBlock
from station.sources.loadcell.emulator import EMULATED_CALIBRATION, DeviceEmulator
from station.sources.loadcell.link import FrontEndLink
from station.sources.loadcell.source import LoadCellSource

#: The main loop of a headless run reads every 10 ms.
POLL_S = 0.01


def stream(seconds: float, rate_hz: int) -> None:
    emulator = DeviceEmulator(seed=1, drift_ppm=80.0)
    emulator.start()
    source = LoadCellSource(FrontEndLink(emulator.path, rate_hz=rate_hz), EMULATED_CALIBRATION)
    cpu_began = time.process_time()
    source.start()
    blocks, read_s = [], []
    end_s = time.monotonic() + seconds
    while time.monotonic() < end_s:
        began = time.perf_counter()
        blocks += [r for r in source.read(float("inf")) if isinstance(r, ForceBlock)]
        read_s.append(time.perf_counter() - began)
        time.sleep(POLL_S)
    cpu_s = time.process_time() - cpu_began
    source.close()
    truth = emulator.truth()
    emulator.stop()

    # A block is one frame (or the end of one): its frame is the one sent
    # within a few ms whose forces it has; line the samples up from the end.
    last_s = np.array([sent.host_time_s[-1] for sent in truth]) - source.origin_s
    errors_ms, times_s, unmatched = [], [], 0
    for block in blocks:
        n = len(block.fz_n)
        near = np.flatnonzero(np.abs(last_s - block.time_s[-1]) < 0.005)
        sent = min((truth[k] for k in near), default=None,
                   key=lambda sent: np.abs(sent.fz_n[-n:] - block.fz_n).max())
        if sent is None or not np.allclose(sent.fz_n[-n:], block.fz_n, atol=0.01):
            unmatched += 1
            continue
        true_s = sent.host_time_s[-len(block.time_s):] - source.origin_s
        errors_ms.append((block.time_s - true_s) * 1e3)
        times_s.append(block.time_s)
    errors_ms, time_s = np.abs(np.concatenate(errors_ms)), np.concatenate(times_s)
    status = source.status()
    print(f"{seconds:g} s at {rate_hz} Hz, 80 ppm drift: {len(time_s)} samples, "
          f"{status.frames} frames, {status.crc_errors} CRC errors, {status.lost_frames} lost, "
          f"{unmatched} blocks not matched to the truth")
    print(f"  sample time error: median {np.median(errors_ms):.3f} ms, "
          f"max {errors_ms.max():.3f} ms, max after 1 s {errors_ms[time_s > 1.0].max():.3f} ms")
    print(f"  read(): median {np.median(read_s) * 1e3:.3f} ms, max {max(read_s) * 1e3:.3f} ms")
    print(f"  CPU (host side and emulator): {cpu_s / seconds * 100:.1f} % of one core")


def replug(times: int) -> None:
    resumed_s = []
    for attempt in range(times):
        emulator = DeviceEmulator(seed=2)
        emulator.start()
        source = LoadCellSource(FrontEndLink(emulator.path), EMULATED_CALIBRATION)
        source.start()
        time.sleep(0.5)
        emulator.unplug()
        # Unplugged for a different time each go, so the replug falls at
        # different points of the link's retry cycle.
        time.sleep(0.3 + 0.5 * attempt / times)
        source.read(float("inf"))
        emulator.replug()
        began = time.monotonic()
        while not any(isinstance(r, ForceBlock) for r in source.read(float("inf"))):
            time.sleep(0.001)
        resumed_s.append(time.monotonic() - began)
        source.close()
        emulator.stop()
    print(f"force back after a replug: median {np.median(resumed_s) * 1e3:.0f} ms, "
          f"max {max(resumed_s) * 1e3:.0f} ms over {times}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, choices=(1000, 2000), default=2000)
    parser.add_argument("--replugs", type=int, default=10)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the replugs would warn each time
    print(describe_machine())
    stream(args.seconds, args.rate)
    if args.replugs:
        replug(args.replugs)


if __name__ == "__main__":
    main()
