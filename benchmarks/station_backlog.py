"""How fast a station sends a backlog to a real mosquitto on loopback: a log
with N outbox entries (as an hour of jumping without the broker leaves),
sent at QoS 1 and marked sent on each acknowledgement.

    .venv/bin/python benchmarks/station_backlog.py [--entries 20000]

Prints the machine, then entries per second from the first connection to the
last entry marked sent.
"""

from __future__ import annotations

import argparse
import queue
import sys
import tempfile
import time
from pathlib import Path

from this_machine import describe_machine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from broker import Broker  # noqa: E402  (the tests' own real broker)

from station.log.athletes import add_athlete  # noqa: E402
from station.log.db import DB_FILE, open_log, transaction  # noqa: E402
from station.log.outbox import add_entry, counts  # noqa: E402
from station.network.config import Network, parse_broker  # noqa: E402
from station.network.publisher import Publisher  # noqa: E402

REP_BODY = {"session": "5b2f0000-0000-4000-8000-000000000000", "set_index": 1, "index": 0,
            "athlete": "Ann", "completed_at": "2026-12-04T18:00:00.000+00:00", "back_flight_s": 0.41,
            "rebound_contact_s": 0.22, "forward_flight_s": 0.43, "jump_height_m": 0.22, "rsi": 1.0,
            "landing_peak_force_n": 2100.0, "loading_rate_bw_per_s": 55.0, "softness": 61.0,
            "rating": "firm", "valid": True, "reason": None, "fatigue": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20000)
    args = parser.parse_args()
    print(describe_machine())
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        conn = open_log(data_dir)
        add_athlete(conn, "Ann")
        with transaction(conn):
            for index in range(args.entries - 1):
                add_entry(conn, "rep", {**REP_BODY, "index": index})
        broker = Broker(Path(folder) / "broker")
        try:
            network = Network(parse_broker(broker.url), broker.url, "bench", "gym", "", None, None)
            publisher = Publisher(network, data_dir / DB_FILE, queue.Queue(), dict)
            began = time.perf_counter()
            publisher.start()
            while counts(conn)[2] > 0:
                time.sleep(0.05)  # a benchmark's poll of its own progress
            took_s = time.perf_counter() - began
            publisher.stop()
        finally:
            broker.stop()
        conn.close()
    print(f"backlog of {args.entries} entries sent and acknowledged in {took_s:.2f} s: "
          f"{args.entries / took_s:,.0f} entries/s")


if __name__ == "__main__":
    main()
