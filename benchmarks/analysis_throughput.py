"""How fast the mat analysis runs: a 10-minute two-zone recording, as a
real-time factor (seconds of recording analysed per second of CPU).

    .venv/bin/python benchmarks/analysis_throughput.py [--minutes 10] [--repeat 5]

Prints the machine, then the time to read the file and to analyse it. The
recording is made by the simulated athlete (edges with switch bounce) and
written in recording format 1, so the file read is measured too.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from this_machine import describe_machine
from station.analysis.events import Rep
from station.analysis.pipeline import analyse
from station.readings import MatEdge, MatStart, TWO_ZONES
from station.sources.recording import RecordingSource, read_recording, recording_from_readings, write_recording
from station.sources.simulated import simulate


def best_and_median(run, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times), statistics.median(times)


def measure(duration_s: float, force: bool, repeat: int, mat: bool = True) -> None:
    start, readings, _ = simulate(seed=1, duration_s=duration_s, zones=TWO_ZONES, force=force)
    if not mat:
        readings = [r for r in readings if not isinstance(r, MatEdge)]
        start = MatStart(start.time_s, {})
    edges = sum(1 for r in readings if isinstance(r, MatEdge))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "session.csv"
        write_recording(path, recording_from_readings(start, readings, TWO_ZONES if mat else ()))
        size_mb = path.stat().st_size / 1e6
        recording = read_recording(path)
        read_best, read_median = best_and_median(lambda: read_recording(path), repeat)
    events = analyse(RecordingSource(recording))
    analyse_best, analyse_median = best_and_median(lambda: analyse(RecordingSource(recording)), repeat)
    reps = sum(1 for e in events if isinstance(e, Rep))
    what = ("mat + " if mat else "no mat, ") + "four corner cells at 1 kHz" if force else "mat edges only"
    print(f"\n{duration_s / 60:g} min two-zone recording, {what}: {len(recording.time_s):,} rows, "
          f"{size_mb:.1f} MB, {edges} raw edges (with bounce), {reps} reps")
    print(f"  read file: best {read_best * 1000:.1f} ms, median {read_median * 1000:.1f} ms")
    print(f"  analyse:   best {analyse_best * 1000:.1f} ms, median {analyse_median * 1000:.1f} ms")
    print(f"  real-time factor, analyse only: {duration_s / analyse_median:,.0f}x; "
          f"read + analyse: {duration_s / (read_median + analyse_median):,.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    for force in (False, True):
        measure(args.minutes * 60, force, args.repeat)
    measure(args.minutes * 60, True, args.repeat, mat=False)


if __name__ == "__main__":
    main()
