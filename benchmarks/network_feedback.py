"""A station's rep feedback with the class network's broker up and frozen:
the main loop never waits for the network, so reps come out as soon.

    .venv/bin/python benchmarks/network_feedback.py               # 60 s each way
    .venv/bin/python benchmarks/network_feedback.py --seconds 20

A real mosquitto on a free loopback port (tests/broker.py) and a real
``station run --simulate --headless --broker`` at speed 1, twice: with the
broker up, then stopped (SIGSTOP) for the whole run. Each line the station
prints is timestamped as it arrives on its standard output; a rep's lag is
that moment minus its forward flight's ``landing_s``. The session clock's
zero is not printed, so each run's lags are given over its fastest rep,
whose lag is the pipeline's decision (``min_contact_s`` + ``bounce_s``, 55
ms) and the loop's step: anything the network added to the main loop would
show up as lag over the fastest. Prints p50, p95 and the worst, each way,
and the reps counted (the same simulated athlete both times).

tests/test_network_feedback.py checks the same thing structurally (the main
loop makes no network call, the reps are identical); this is the number.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from broker import Broker  # noqa: E402
from this_machine import describe_machine  # noqa: E402


def run_station(broker: Broker, data_dir: Path, seconds: float) -> list[tuple[float, dict]]:
    """(arrival on the monotonic clock, event) of every line a headless run printed."""
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    child = subprocess.Popen(
        [sys.executable, "-m", "station", "run", "--simulate", "--headless", "--seed", "3",
         "--duration", str(seconds), "--data-dir", str(data_dir), "--broker", broker.url,
         "--station-id", "mat-1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=env)
    lines = []

    def read() -> None:
        for line in child.stdout:
            if line.startswith("{"):
                lines.append((time.monotonic(), json.loads(line)))
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    child.wait(timeout=seconds + 120)
    reader.join(timeout=10)
    return lines


def extra_lags_s(lines: list[tuple[float, dict]]) -> np.ndarray:
    """Each rep's lag over the run's fastest rep."""
    landings = {event["index"]: event["landing_s"] for _, event in lines
                if event["type"] == "flight"}
    lags = np.array([arrived - landings[event["forward_flight"]] for arrived, event in lines
                     if event["type"] == "rep" and event["forward_flight"] in landings])
    return lags - lags.min()


def describe(name: str, extra_s: np.ndarray) -> str:
    p50, p95 = np.percentile(extra_s * 1000, [50, 95])
    return (f"{name}: {len(extra_s)} reps, lag over the fastest rep p50 {p50:.1f} ms, "
            f"p95 {p95:.1f} ms, worst {extra_s.max() * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="each run (default 60)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jumpmat-network-feedback-"))
    broker = Broker(folder / "broker")
    try:
        up = extra_lags_s(run_station(broker, folder / "up", args.seconds))
        broker.freeze()
        frozen = extra_lags_s(run_station(broker, folder / "frozen", args.seconds))
    finally:
        broker.stop()
    print(describe_machine())
    print(describe("broker up    ", up))
    print(describe("broker frozen", frozen))


if __name__ == "__main__":
    main()
