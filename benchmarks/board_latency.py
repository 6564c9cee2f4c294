"""From a rep completed at a station to that rep on the TV board, in a real
browser's page.

    .venv/bin/python benchmarks/board_latency.py                  # 24 stations, 60 s
    .venv/bin/python benchmarks/board_latency.py --stations 8 --seconds 30
    .venv/bin/python benchmarks/board_latency.py --paho           # the hub and broker alone

A real `station hub` with its own mosquitto, N real `station run --headless`
processes at real speed (a simulated athlete on a simulated mat, no load
cells, to keep 24 of them on a small machine), and a real headless Chromium
on /board. A MutationObserver in the page notes each change of a station's
tile (its rep count, and the page's clock); afterwards each count is matched
with the rep at that place in its set in the station's own log, and a rep's
latency is the moment the tile showed it minus the rep's `completed_at` (the
station's wall clock when the rep completed and was committed; one machine,
one clock). Also the page's weight on first load: the HTML and every file it
loaded, as the browser received them. Targets: p95 <= 250 ms; page weight
<= 300 kB.

With ``--paho`` the stations are paho clients in this process instead, each
publishing a rep every 1.5 s (an athlete's pace) stamped with the moment it
is published: the hub, the broker and the board without the stations' own
work.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from browser import quit_browser, start_browser  # noqa: E402
from hub_common import Hub, SimulatedStation  # noqa: E402
from this_machine import describe_machine  # noqa: E402

WARM_UP_S = 10.0
EVERY_S = 1.5

#: Every change of a tile: [station, rep count shown, the page's Date.now()].
OBSERVER = """
window.__shown = [];
const last = {};
new MutationObserver(() => {
  const now = Date.now();
  for (const tile of document.querySelectorAll('.tile')) {
    const count = tile.querySelector('.tile-reps').textContent;
    if (last[tile.dataset.station] !== count) {
      last[tile.dataset.station] = count;
      window.__shown.push([tile.dataset.station, count, now]);
    }
  }
}).observe(document.getElementById('tiles'), {childList: true, subtree: true});
"""

WEIGHT = """
const nav = performance.getEntriesByType('navigation')[0];
return [nav.transferSize || nav.encodedBodySize].concat(
  performance.getEntriesByType('resource').map(r => r.transferSize || r.encodedBodySize))
  .reduce((a, b) => a + b, 0);
"""


def paced_reps(hub: Hub, count: int, stop: threading.Event, logged: dict) -> None:
    """``--paho``: one rep per station every EVERY_S, the stations spread over it;
    ``logged``: {station: [(set place, completed_at Unix s)]}, as a log would have them."""
    from station.log.db import iso_utc
    stations = [SimulatedStation(hub.mqtt_port, f"mat-{n + 1}") for n in range(count)]
    next_s, turn = time.monotonic(), 0
    while not stop.is_set():
        station = stations[turn % count]
        now_s = time.time()
        station.rep(iso_utc(now_s))
        logged.setdefault(station.station_id, []).append((station.seq, now_s))
        turn += 1
        next_s += EVERY_S / count
        time.sleep(max(0.0, next_s - time.monotonic()))  # the athletes' pace
    for station in stations:
        station.close()


def start_stations(hub: Hub, count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen(
        [sys.executable, "-m", "station", "run", "--headless", "--mat", "simulated",
         "--force", "none", "--broker", f"mqtt://127.0.0.1:{hub.mqtt_port}",
         "--station-id", f"mat-{n}", "--data-dir", str(hub.folder / f"mat-{n}"), "--seed", str(n)],
        stdout=subprocess.DEVNULL, stderr=open(hub.folder / f"mat-{n}.err", "wb"))
        for n in range(1, count + 1)]


def logged_reps(hub: Hub, count: int) -> dict:
    """{station: [(place in its set, completed_at Unix s)]} from each station's own log."""
    out = {}
    for n in range(1, count + 1):
        conn = sqlite3.connect(f"file:{hub.folder / f'mat-{n}' / 'station.db'}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT set_id, completed_at FROM reps ORDER BY id").fetchall()
        finally:
            conn.close()
        places, reps = {}, []
        for set_id, completed_at in rows:
            places[set_id] = places.get(set_id, 0) + 1
            reps.append((places[set_id], datetime.fromisoformat(completed_at).timestamp()))
        out[f"mat-{n}"] = reps
    return out


def latencies(shown: list, logged: dict, begin_s: float) -> list[float]:
    """Each tile change matched with the newest rep at that place in its set
    completed before it was shown."""
    out = []
    for station, count, seen_ms in shown:
        if not count.isdigit() or count == "0":
            continue
        seen_s = seen_ms / 1000
        done = [at for place, at in logged.get(station, ()) if place == int(count) and at <= seen_s]
        if done and max(done) >= begin_s:
            out.append(seen_s - max(done))
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--paho", action="store_true",
                        help="paho clients publishing reps instead of station processes")
    args = parser.parse_args()
    hub = Hub()
    browser = start_browser(1920, 1080)
    stop, paho_logged, stations = threading.Event(), {}, []
    try:
        browser.get(f"http://127.0.0.1:{hub.http_port}/board")
        weight_b = browser.execute_script(WEIGHT)
        browser.execute_script(OBSERVER)
        if args.paho:
            threading.Thread(target=paced_reps, args=(hub, args.stations, stop, paho_logged),
                             daemon=True).start()
        else:
            stations = start_stations(hub, args.stations)
        begin_s = time.time() + WARM_UP_S
        time.sleep(WARM_UP_S + args.seconds)  # the run's length: the measurement itself
        stop.set()
        for station in stations:
            station.terminate()
        for station in stations:
            station.wait(timeout=30)
        time.sleep(2.0)  # the last reps reach the page
        shown = browser.execute_script("return window.__shown;")
    finally:
        stop.set()
        quit_browser(browser)
        hub.stop()
    logged = paho_logged if args.paho else logged_reps(hub, args.stations)
    latencies_s = latencies(shown, logged, begin_s)
    if not latencies_s:
        raise SystemExit("no rep reached the board")
    p95 = latencies_s[min(len(latencies_s) - 1, int(0.95 * len(latencies_s)))]
    kind = "paho clients" if args.paho else "station processes"
    print(describe_machine())
    print(f"/board first load: {weight_b / 1000:.1f} kB (target <= 300 kB)")
    print(f"{args.stations} {kind}, {len(latencies_s)} reps shown over {args.seconds:g} s: "
          f"rep completed -> in the board's DOM p50 {statistics.median(latencies_s) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, worst {latencies_s[-1] * 1000:.0f} ms "
          f"(target p95 <= 250 ms)")


if __name__ == "__main__":
    main()
