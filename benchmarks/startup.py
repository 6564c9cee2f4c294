"""From process start to the first frame on the screen.

    .venv/bin/python benchmarks/startup.py            # under Xvfb if installed, else the dummy driver

Starts ``station run --simulate --frame-stats FILE`` as a fresh process
(``RUNS`` times; the first run also warms the disk cache, and is reported on
its own) and waits for the first row of FILE, which is written as the first
frame is presented. Also with a Chronopic on an emulator's pseudo-terminal,
the hardware path: the sensor opened, started and checked once, then the
kiosk. Target on this machine: <= 1.5 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

RUNS = 5
TARGET_S = 1.5


def first_frame_s(env: dict, options: list[str], folder: Path) -> float:
    stats = folder / f"frames-{time.monotonic_ns()}.csv"
    began = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "station", "run", *options, "--duration", "30",
                                "--size", "1920x1080", "--frame-stats", str(stats)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if stats.exists() and stats.read_text().count("\n") >= 2:
                return time.monotonic() - began
            if process.poll() is not None:
                raise RuntimeError(f"the station ended (exit code {process.returncode}) before a frame")
            if time.monotonic() - began > 60:
                raise RuntimeError("no frame within 60 s")
            time.sleep(0.002)
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    from this_machine import describe_machine
    from xvfb import virtual_display

    from station.sources.athlete import SimulatedAthlete
    from station.sources.chronopic_emulator import ChronopicEmulator
    print(describe_machine())
    with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, SDL_AUDIODRIVER="dummy", JUMPMAT_DATA_DIR=folder)
        try:
            display, _ = stack.enter_context(virtual_display("1920x1080"))
            env.update(DISPLAY=display, SDL_VIDEODRIVER="x11")
        except FileNotFoundError:
            env.update(SDL_VIDEODRIVER="dummy")
        emulator = ChronopicEmulator(SimulatedAthlete(1).phases())
        emulator.start()
        stack.callback(emulator.stop)
        for name, options in (("simulated", ["--simulate"]),
                              ("chronopic", ["--mat", f"chronopic:{emulator.path}", "--force", "none"])):
            times_s = [first_frame_s(env, options, Path(folder)) for _ in range(RUNS + 1)]
            print(f"{name}, {env['SDL_VIDEODRIVER']} 1920x1080: process start -> first frame "
                  f"median {statistics.median(times_s[1:]):.2f} s, worst {max(times_s[1:]):.2f} s "
                  f"({RUNS} runs; the first, cold, {times_s[0]:.2f} s); target {TARGET_S} s")


if __name__ == "__main__":
    main()
