"""From a rep completed at a station to that rep visible in the hub's API.

    .venv/bin/python benchmarks/class_latency.py                   # 24 stations, 60 s
    .venv/bin/python benchmarks/class_latency.py --stations 8 --seconds 30

A real `station hub` with its own mosquitto, and N real `station run
--headless` processes at real speed (a simulated athlete on a simulated mat,
no load cells, to keep 24 of them on a small machine), each publishing its
outbox as it does in a gym. This process polls `GET /api/v1/reps?after=`
every 10 ms; a rep's latency is the moment it first shows up there minus its
`completed_at` (the station's wall clock when the rep completed and was
committed; one machine, one clock). The poll adds 5 ms on average. Target:
p95 <= 100 ms on loopback.

With ``--paho`` the stations are paho clients in this process instead, each
publishing a rep every 1.5 s (an athlete's pace) stamped with the moment it
is published: the hub and the broker alone, without 24 stations' own work.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hub_common import Hub, SimulatedStation  # noqa: E402
from station.log.db import iso_utc  # noqa: E402
from this_machine import describe_machine  # noqa: E402

POLL_S = 0.010
WARM_UP_S = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--paho", action="store_true",
                        help="paho clients publishing reps instead of station processes")
    args = parser.parse_args()
    hub = Hub()
    stations = []
    stop = threading.Event()
    try:
        if args.paho:
            threading.Thread(target=paced_reps, args=(hub, args.stations, stop),
                             daemon=True).start()
        for n in range(1, 0 if args.paho else args.stations + 1):
            folder = hub.folder / f"mat-{n}"
            stations.append(subprocess.Popen(
                [sys.executable, "-m", "station", "run", "--headless", "--mat", "simulated",
                 "--force", "none", "--broker", f"mqtt://127.0.0.1:{hub.mqtt_port}",
                 "--station-id", f"mat-{n}", "--data-dir", str(folder), "--seed", str(n)],
                stdout=subprocess.DEVNULL, stderr=open(hub.folder / f"mat-{n}.err", "wb")))
        latencies_s = measure(hub, args.seconds)
    finally:
        stop.set()
        for station in stations:
            station.terminate()
        for station in stations:
            station.wait(timeout=30)
        hub.stop()
    latencies_s.sort()
    if not latencies_s:
        raise SystemExit("no reps arrived")
    p95 = latencies_s[min(len(latencies_s) - 1, int(0.95 * len(latencies_s)))]
    print(describe_machine())
    kind = "paho clients" if args.paho else "station processes"
    print(f"{args.stations} {kind}, {len(latencies_s)} reps over {args.seconds:g} s: "
          f"rep completed -> in the API p50 {statistics.median(latencies_s) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, worst {latencies_s[-1] * 1000:.0f} ms "
          f"(target p95 <= 100 ms)")


def paced_reps(hub: Hub, count: int, stop: threading.Event, every_s: float = 1.5) -> None:
    """One rep per station every ``every_s``, the stations spread over it."""
    stations = [SimulatedStation(hub.mqtt_port, f"paho-{n}") for n in range(count)]
    next_s = time.monotonic()
    turn = 0
    while not stop.is_set():
        stations[turn % count].rep(iso_utc(time.time()))
        turn += 1
        next_s += every_s / count
        time.sleep(max(0.0, next_s - time.monotonic()))  # the athletes' pace
    for station in stations:
        station.close()


def measure(hub: Hub, seconds: float) -> list[float]:
    """Latencies of the reps completed after the warm-up, for ``seconds``."""
    cursor, latencies_s = None, []
    begin_s = time.time() + WARM_UP_S
    while time.time() < begin_s + seconds:
        page = hub.get("/api/v1/reps?limit=1000" + (f"&after={cursor}" if cursor else ""))
        seen_s = time.time()
        for rep in page["reps"]:
            completed_s = datetime.fromisoformat(rep["completed_at"]).timestamp()
            if completed_s >= begin_s:
                latencies_s.append(seen_s - completed_s)
        if page["reps"]:
            cursor = page["reps"][-1]["cursor"]
        time.sleep(POLL_S)  # the poll's own pace
    return latencies_s


if __name__ == "__main__":
    main()
