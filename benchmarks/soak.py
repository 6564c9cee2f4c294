"""A long unattended run: memory and the longest step over simulated hours.

    .venv/bin/python benchmarks/soak.py                     # 24 simulated hours, as fast as it goes
    .venv/bin/python benchmarks/soak.py --hours 2 --speed 100

Runs what ``station run --headless --simulate`` runs: the simulated athlete
(two zones, four cells at 1 kHz) through the configured pipeline and the main
loop (``StationLoop`` on the real clock), every event logged to a session log
on disk (SQLite, a commit per rep, each set's raw recording) and turned into
its JSON line. With the default ``--speed`` the clock runs far ahead of what
the machine can analyse, so the loop is always behind and reads one
``MAX_SLICE_S`` slice per step, as fast as the machine allows: the highest
speed it sustains, printed at the end.

The resident set size (``VmRSS``) is sampled every ``--sample-s`` seconds of
wall time. Growth is counted from the first sample after the first simulated
hour (the allocator's pools and SQLite's cache have filled by then) to the
highest sample after it; the target is at most 10 MB. The growth from the
start (the first sample, taken before the first step) to the highest sample
of the run is printed too, warm-up included, with no target of its own.
Every step's wall time is measured; the bound is ``STEP_BOUND_S``.
"""

from __future__ import annotations

import argparse
import array
import json
import statistics
import tempfile
import time
from pathlib import Path

from this_machine import describe_machine
from station.app import MAX_SLICE_S, StationLoop
from station.commands.run import pipeline_for
from station.config import Config
from station.log.run_log import open_run_log
from station.sources.choose import choose_sources, open_source

#: The longest a step may take: one slice of data analysed and logged, with
#: a commit (fsync) per rep in it, on a loaded 2-core machine.
STEP_BOUND_S = 0.5
GROWTH_TARGET_MB = 10.0
WARM_UP_S = 3600.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def soak(hours: float, speed: float, sample_s: float, data_dir: Path) -> int:
    config = Config()
    source = open_source(config, choose_sources(config, "simulated", "simulated"), seed=0)
    log = open_run_log(data_dir, config, source, ("simulated", "simulated"))
    lines = [0]

    def show(event) -> None:
        json.dumps(event.to_json())
        lines[0] += 1
    loop = StationLoop(source, pipeline_for(config), log.showing(show), speed, hours * 3600.0,
                       on_readings=log.on_readings)
    log.started(loop, config)
    samples: list[tuple[float, float]] = [(loop.now_s, rss_mb())]  # (session s, RSS MB), from the start
    steps_s = array.array("d")  # 8 bytes a step: a list of floats would itself grow by megabytes
    began = next_sample = time.perf_counter()
    going = True
    while going:
        step_began = time.perf_counter()
        going = loop.step()
        ended = time.perf_counter()
        steps_s.append(ended - step_began)
        if ended >= next_sample:
            next_sample = ended + sample_s
            samples.append((loop.now_s, rss_mb()))
            print(f"  {loop.now_s / 3600:6.2f} h simulated, {ended - began:7.0f} s, RSS {samples[-1][1]:6.1f} MB",
                  flush=True)
        if not loop.behind:
            time.sleep(0.01)
    loop.finish()
    log.close()
    wall_s = time.perf_counter() - began
    samples.append((loop.now_s, rss_mb()))
    after = [mb for session_s, mb in samples if session_s >= min(WARM_UP_S, hours * 3600.0 / 2)]
    growth_mb = max(after) - after[0]
    from_start_mb = max(mb for _, mb in samples) - samples[0][1]
    slowest = sorted(steps_s)
    print(f"\n{describe_machine()}")
    print(f"{hours:g} simulated hours in {wall_s:.0f} s: {hours * 3600 / wall_s:.0f}x real time "
          f"(asked {speed:g}x), {len(steps_s):,} steps of at most {MAX_SLICE_S:g} s, {lines[0]:,} events")
    print(f"RSS: {samples[0][1]:.1f} MB at the start, {after[0]:.1f} MB after the warm-up, "
          f"highest after it {max(after):.1f} MB, {samples[-1][1]:.1f} MB at the end")
    print(f"growth after the warm-up: {growth_mb:.1f} MB (target <= {GROWTH_TARGET_MB:g} MB); "
          f"from the start: {from_start_mb:.1f} MB (the warm-up included)")
    print(f"step wall time: median {statistics.median(steps_s) * 1000:.1f} ms, "
          f"99.9th percentile {slowest[int(0.999 * (len(slowest) - 1))] * 1000:.1f} ms, "
          f"longest {slowest[-1] * 1000:.1f} ms (bound {STEP_BOUND_S * 1000:.0f} ms)")
    ok = growth_mb <= GROWTH_TARGET_MB and slowest[-1] <= STEP_BOUND_S
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours (24)")
    parser.add_argument("--speed", type=float, default=1e6,
                        help="the session clock's speed; the default is beyond any machine, "
                             "so the run goes as fast as it can")
    parser.add_argument("--sample-s", type=float, default=10.0, help="wall seconds between RSS samples")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        return soak(args.hours, args.speed, args.sample_s, Path(folder))


if __name__ == "__main__":
    raise SystemExit(main())
