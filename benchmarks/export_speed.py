"""How long `export_log` takes for a big session log: 100 000 reps.

    .venv/bin/python benchmarks/export_speed.py [--sessions 100] [--athletes 10] [--sets 2] [--reps 50]

The default log is a busy gym's: 100 class sessions of 10 athletes, each
doing 2 sets of 50 reps (100 reps per athlete and session): 100 000 reps,
402 000 contacts and flights, 100 charts (one per session). A year of a
smaller gym, ~300 sessions of 10 athletes doing 3 sets of 11 reps, is
``--sessions 300 --sets 3 --reps 11`` (99 000 reps, 300 charts). The log is
built in a temporary folder, exported to another folder on the same disk,
and the time of the CSV tables (each, and all), of the charts left after
them (they are rendered alongside), and of the whole export is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from log_rows import fill_log, new_log  # noqa: E402
from this_machine import describe_machine  # noqa: E402
from station.export.exporter import export_log  # noqa: E402

TABLES = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--athletes", type=int, default=10)
    parser.add_argument("--sets", type=int, default=2, help="sets per athlete and session")
    parser.add_argument("--reps", type=int, default=50, help="reps per set")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        start = time.perf_counter()
        conn = new_log(folder / "station.db")
        fill_log(conn, [f"Athlete {i}" for i in range(args.athletes)], sessions=args.sessions,
                 sets_per_athlete=args.sets, reps_per_set=args.reps)
        print(f"built the log in {time.perf_counter() - start:.1f} s "
              f"({(folder / 'station.db').stat().st_size / 1e6:.0f} MB)")
        (folder / "stick").mkdir()
        stamps = []
        start = time.perf_counter()
        result = export_log(conn, folder, folder / "stick",
                            progress=lambda done, total: stamps.append(time.perf_counter()))
        total_s = time.perf_counter() - start
    tables_s = stamps[TABLES - 1] - start
    charts = len(stamps) - TABLES - 1
    charts_s = stamps[-2] - stamps[TABLES - 1]
    print(f"{result.reps} reps, {result.files} files, {result.bytes_written / 1e6:.1f} MB")
    table_s = [b - a for a, b in zip([start, *stamps[:TABLES - 1]], stamps[:TABLES])]
    print("CSV tables: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in
                                     zip(("reps", "phases", "sessions", "challenges"), table_s)))
    # The charts are rendered in a worker thread while the tables are written:
    # what is left of them after the tables is what they add.
    print(f"CSV tables: {tables_s:.2f} s (the charts rendered alongside); "
          f"{charts} charts, what is left after the tables: {charts_s:.2f} s; "
          f"whole export: {total_s:.2f} s")
    print(describe_machine())


if __name__ == "__main__":
    main()
