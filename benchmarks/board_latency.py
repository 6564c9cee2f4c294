"""From a rep completed at a station to that rep on the TV board, in a real
browser's page.

    .venv/bin/python benchmarks/board_latency.py                  # 24 stations, 60 s
    .venv/bin/python benchmarks/board_latency.py --stations 8 --seconds 30

A real `station hub` with its own mosquitto, 24 simulated stations (paho
clients in this process, each publishing a rep every 1.5 s, an athlete's
pace, the stations spread over it), and a real headless Chromium on /board.
A MutationObserver in the page notes when each station's tile first shows
each new rep count; a rep's latency is that moment minus the moment it was
published (one machine, one clock). Also the page's weight on first load:
the HTML and every file it loaded, as the browser received them. Targets:
p95 <= 250 ms; page weight <= 300 kB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from browser import quit_browser, start_browser  # noqa: E402
from hub_common import Hub, SimulatedStation  # noqa: E402
from machine import describe_machine  # noqa: E402

WARM_UP_S = 5.0
EVERY_S = 1.5

OBSERVER = """
window.__seen = {};
new MutationObserver(() => {
  const now = Date.now();
  for (const tile of document.querySelectorAll('.tile')) {
    const key = tile.dataset.station + ':' + tile.querySelector('.tile-reps').textContent;
    if (!(key in window.__seen)) window.__seen[key] = now;
  }
}).observe(document.getElementById('tiles'), {childList: true, subtree: true});
"""

WEIGHT = """
const nav = performance.getEntriesByType('navigation')[0];
return [nav.transferSize || nav.encodedBodySize].concat(
  performance.getEntriesByType('resource').map(r => r.transferSize || r.encodedBodySize))
  .reduce((a, b) => a + b, 0);
"""


def publish(hub: Hub, count: int, stop: threading.Event, sent: dict) -> None:
    stations = [SimulatedStation(hub.mqtt_port, f"mat-{n + 1}") for n in range(count)]
    next_s, turn = time.monotonic(), 0
    from station.log.db import iso_utc
    while not stop.is_set():
        station = stations[turn % count]
        now_s = time.time()
        station.rep(iso_utc(now_s))
        sent[f"{station.station_id}:{station.seq}"] = now_s
        turn += 1
        next_s += EVERY_S / count
        time.sleep(max(0.0, next_s - time.monotonic()))  # the athletes' pace
    for station in stations:
        station.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    hub = Hub()
    browser = start_browser(1920, 1080)
    stop, sent = threading.Event(), {}
    try:
        browser.get(f"http://127.0.0.1:{hub.http_port}/board")
        weight_b = browser.execute_script(WEIGHT)
        browser.execute_script(OBSERVER)
        publisher = threading.Thread(target=publish, args=(hub, args.stations, stop, sent),
                                     daemon=True)
        publisher.start()
        time.sleep(WARM_UP_S + args.seconds)  # the run's length: the measurement itself
        stop.set()
        publisher.join(timeout=30)
        time.sleep(2.0)  # the last reps reach the page
        seen = browser.execute_script("return window.__seen;")
    finally:
        quit_browser(browser)
        hub.stop()
    begin_s = min(sent.values()) + WARM_UP_S
    latencies_s = sorted(seen[key] / 1000 - sent_s for key, sent_s in sent.items()
                         if sent_s >= begin_s and key in seen)
    missing = sum(1 for key, sent_s in sent.items() if sent_s >= begin_s and key not in seen)
    if not latencies_s:
        raise SystemExit("no rep reached the board")
    p95 = latencies_s[min(len(latencies_s) - 1, int(0.95 * len(latencies_s)))]
    print(describe_machine())
    print(f"/board first load: {weight_b / 1000:.1f} kB (target <= 300 kB)")
    print(f"{args.stations} stations, {len(latencies_s)} reps over {args.seconds:g} s "
          f"({missing} never shown as their own count: a later rep came first): rep published "
          f"-> in the board's DOM p50 {statistics.median(latencies_s) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, worst {latencies_s[-1] * 1000:.0f} ms "
          f"(target p95 <= 250 ms)")


if __name__ == "__main__":
    main()
