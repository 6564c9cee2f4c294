"""How many reps a second the hub stores: 50 simulated stations publishing as
fast as they can.

    .venv/bin/python benchmarks/hub_ingest.py                 # 50 stations x 400 reps
    .venv/bin/python benchmarks/hub_ingest.py --stations 50 --reps 1000

A real `station hub` with its own mosquitto (loopback); each station is a
paho-mqtt client (MQTT 5, QoS 1, 20 in flight, as the station's publisher)
in this process, all publishing at once. The hub checks every message,
stores it in hub.db (fsync per batch) and acknowledges it only after the
commit. Measured: from the first publish to the last rep in hub.db (read
from the file itself), all reps over that time. The target is >= 2 000
reps/s.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hub_common import Hub, SimulatedStation  # noqa: E402
from this_machine import describe_machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--reps", type=int, default=400, help="reps per station")
    args = parser.parse_args()
    hub = Hub()
    try:
        stations = [SimulatedStation(hub.mqtt_port, f"bench-{n}") for n in range(args.stations)]
        total = args.stations * args.reps
        go = threading.Event()

        def flood(station):
            go.wait()
            for _ in range(args.reps):
                station.rep()

        threads = [threading.Thread(target=flood, args=(s,)) for s in stations]
        for thread in threads:
            thread.start()
        start_s = time.monotonic()
        go.set()
        stored, last_change_s = 0, start_s
        while stored < total:
            time.sleep(0.05)  # sampling the count, not synchronising
            now_stored = hub.reps_stored()
            if now_stored != stored:
                stored, last_change_s = now_stored, time.monotonic()
            if time.monotonic() - last_change_s > 30:
                raise SystemExit(f"stuck at {stored} of {total} reps")
        elapsed_s = time.monotonic() - start_s
        for thread in threads:
            thread.join()
        for station in stations:
            station.close()
        print(describe_machine())
        print(f"{args.stations} stations x {args.reps} reps = {total} reps stored in "
              f"{elapsed_s:.2f} s: {total / elapsed_s:.0f} reps/s (target >= 2000)")
    finally:
        hub.stop()


if __name__ == "__main__":
    main()
