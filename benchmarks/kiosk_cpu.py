"""What the kiosk costs in a real window: CPU of the station and of the X server, and frame cadence.

    .venv/bin/python benchmarks/kiosk_cpu.py                 # 60 s a size, under Xvfb
    .venv/bin/python benchmarks/kiosk_cpu.py --seconds 20    # quicker

For each window size (1280x720 and 1920x1080, in a 1920x1080 Xvfb screen):

- a live run: ``station run --simulate`` at speed 1 (what ``station run``
  runs: the simulated athlete, the pipeline, the session log, the kiosk with
  its sound cues on the dummy audio driver) for ``--seconds``;
- an idle attract screen: the same kiosk with no sensor and nobody on the mat.

Each in its own process, so nothing is shared. Measured from the first frame
to the end: the station process's and the Xvfb server's CPU as a share of one
core (user + system time from /proc/PID/stat over the wall time), their CPU
per frame, and the interval between frames (``KioskApp.frame`` calls: the
loop's cadence, whether or not a frame had anything new to present; frames
presented are counted from ``--frame-stats``). On a machine that others load,
the CPU per frame is the steadier number.

Targets at 1920x1080: station + X server <= 25 % of a core, median frame
interval <= 17.5 ms, no frame over 33 ms; idle attract screen <= 3 %.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SIZES = ("1280x720", "1920x1080")


def child(kind: str, size: str, seconds: float) -> None:
    """One run in this process; prints its numbers as one JSON line."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from xvfb import cpu_s
    from station.cli import build_parser
    from station.commands.run import run, run_kiosk, stop_on_signals
    from station.commands.run_options import RunOptions
    from station.commands.waiting import NoSensors
    from station.config import load_config
    from station.kiosk.app import KioskApp

    server = int(os.environ["XVFB_PID"])
    frames_at: list[float] = []
    first: dict = {}
    frame = KioskApp.frame

    def timed_frame(app, now_s):
        frames_at.append(time.monotonic())
        if not first:
            first.update(cpu=cpu_s(), x=cpu_s(server))
        return frame(app, now_s)

    KioskApp.frame = timed_frame
    stats = Path(tempfile.mkdtemp()) / "frames.csv"
    argv = ["run", "--simulate", "--seed", "0", "--duration", str(seconds), "--size", size,
            "--frame-stats", str(stats)]
    args = build_parser().parse_args(argv)
    if kind == "live":
        run(args)
    else:
        with stop_on_signals() as stop:
            config = load_config()
            run_kiosk(NoSensors(None), config, RunOptions.from_args(args, config), stop)
    ended, cpu, x = time.monotonic(), cpu_s(), cpu_s(server)
    presented = len(stats.read_text().splitlines()) - 1
    print(json.dumps({"wall_s": ended - frames_at[0], "cpu_s": cpu - first["cpu"], "x_s": x - first["x"],
                      "intervals_s": [b - a for a, b in zip(frames_at, frames_at[1:])],
                      "presented": presented}))


def measure(kind: str, size: str, seconds: float, display: str, server_pid: int, data_dir: str) -> dict:
    env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy",
               XVFB_PID=str(server_pid), JUMPMAT_DATA_DIR=data_dir)
    done = subprocess.run([sys.executable, __file__, "--child", kind, size, str(seconds)], env=env,
                          capture_output=True, text=True, check=True, timeout=seconds * 5 + 120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(kind: str, size: str, result: dict) -> None:
    import numpy as np
    wall_s = result["wall_s"]
    own, x = result["cpu_s"] / wall_s * 100, result["x_s"] / wall_s * 100
    intervals_ms = np.asarray(result["intervals_s"]) * 1000
    frames = len(intervals_ms) + 1
    per_frame_ms = (result["cpu_s"] + result["x_s"]) / frames * 1000
    print(f"{kind:6s} {size:9s}: station {own:5.1f} % + X server {x:4.1f} % = {own + x:5.1f} % of a core; "
          f"{per_frame_ms:.2f} ms CPU a frame; {frames} frames ({result['presented']} presented) in {wall_s:.1f} s; "
          f"interval median {np.median(intervals_ms):.2f} ms, p99 {np.percentile(intervals_ms, 99):.2f} ms, "
          f"worst {intervals_ms.max():.1f} ms, over 16.7 ms {int((intervals_ms > 1000 / 60).sum())}, "
          f"over 18 ms {int((intervals_ms > 18).sum())}, over 33 ms {int((intervals_ms > 33).sum())}")


def main() -> None:
    from this_machine import describe_machine
    from xvfb import virtual_display
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long each run lasts (default 60)")
    args = parser.parse_args()
    print(describe_machine())
    with tempfile.TemporaryDirectory() as data_dir, virtual_display("1920x1080") as (display, server_pid):
        for size in SIZES:
            for kind in ("live", "idle"):
                report(kind, size, measure(kind, size, args.seconds, display, server_pid, data_dir))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        main()
