"""From touchdown to the screen: how soon the kiosk shows a landing and a rep.

    .venv/bin/python benchmarks/feedback_latency.py                      # 60 s, a simulated athlete
    .venv/bin/python benchmarks/feedback_latency.py --source-latency-s 0.05   # as the GPIO mat and load cells

Runs what ``station run`` runs, on the real clock at speed 1: the simulated
athlete on a two-zone mat with four load cells, through the configured
pipeline (``pipeline_for(load_config())``) and the main loop (``StationLoop``
driven by ``drive``), and the kiosk (``KioskApp``: the flow of screens, the
live page, the board, the force trace) drawing 60 frames a second into a
``KioskScreen`` on SDL's dummy video driver and playing the sound cues (dummy
audio driver). Session times map to wall time through the loop's session
clock. Two latencies, each to the end of the first frame of the live page
that shows it (``pygame.display.flip`` returned):

- landing: a backward jump's touchdown, the rebound landing (the ``Landing``
  event's ``touchdown_s``), to the frame showing that landing's rating;
- rep: the final landing (the forward flight's ``landing_s``) to the frame
  showing the rep counted (or not).

Where the time goes (docs/architecture.md, "Latency"):

- the pipeline decides a phase only once the readings show it lasted its
  minimum: a landing ``min_contact_s`` + ``bounce_s`` (55 ms) after
  touchdown, which is when the forward flight, and with it the rep, completes;
- a landing's rating is final ``landing_window_s`` (120 ms) plus
  ``bounce_s`` after touchdown, however short the contact: a take-off not
  yet believed ends the window without being waited for;
- a live source's ``latency_s``: the loop decides only that far behind the
  clock (0 for the simulator, 50 ms for the GPIO mat and for the load-cell
  front-end, which ``--source-latency-s`` stands in for);
- between frames the kiosk keeps stepping the loop every 4 ms and draws at
  once when a landing or a rep is decided, so a decision waits up to 4 ms
  for its step, then about 1 ms for its frame.
"""

from __future__ import annotations

import argparse
import os
import threading
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
from this_machine import describe_machine  # noqa: E402

from station.analysis.events import Flight, Landing, Rep  # noqa: E402
from station.app import StationLoop, drive  # noqa: E402
from station.commands.run import pipeline_for  # noqa: E402
from station.config import load_config  # noqa: E402
from station.kiosk.app import KioskApp  # noqa: E402
from station.kiosk.state.board import LiveBoard  # noqa: E402
from station.kiosk.flow import Screen  # noqa: E402
from station.kiosk.screen import KioskScreen  # noqa: E402
from station.kiosk.sound import Cues  # noqa: E402
from station.readings import TWO_ZONES  # noqa: E402
from station.sources.athlete import SimulatedAthlete  # noqa: E402
from station.sources.simulated import SimulatedSource  # noqa: E402

TARGET_S = 0.2
KINDS = ("landing", "rep")


class Stopwatch:
    """Notes when each event is handed on and when a frame of the live page has shown it."""

    def __init__(self) -> None:
        #: time.monotonic() minus session time, once the loop's clock runs.
        self.offset_s = 0.0
        self.last_flight: Flight | None = None
        self.waiting: list[tuple[str, float, float]] = []  # (kind, happened_s, handed-on wall time)
        self.latency_s: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.handed_on_s: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.on_event_s: list[float] = []  # the board's and the cues' share of each event

    def wall_of(self, session_s: float) -> float:
        return session_s + self.offset_s

    def event(self, event) -> None:
        if isinstance(event, Flight):
            self.last_flight = event
        elif isinstance(event, Landing) and event.landing.get("rating") and self._rebound(event):
            self.waiting.append(("landing", event.touchdown_s, time.monotonic()))
        elif isinstance(event, Rep) and event.forward_flight is not None:
            self.waiting.append(("rep", event.forward_flight.landing_s, time.monotonic()))

    def _rebound(self, landing: Landing) -> bool:
        """The landing of a backward jump (the last flight ended in it)."""
        flight = self.last_flight
        return flight is not None and flight.direction == "backward" \
            and abs(flight.landing_s - landing.touchdown_s) < 1e-6

    def shown(self, live_page: bool) -> None:
        """A frame has just been flipped; on the live page, everything waiting is on it."""
        if not live_page:
            return
        now = time.monotonic()
        for kind, happened_s, handed_on in self.waiting:
            self.latency_s[kind].append(now - self.wall_of(happened_s))
            self.handed_on_s[kind].append(handed_on - self.wall_of(happened_s))
        self.waiting = []


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run (default 60)")
    parser.add_argument("--seed", type=int, default=3, help="which simulated athlete (default 3)")
    parser.add_argument("--size", default="1280x720", help="window size (default 1280x720)")
    parser.add_argument("--source-latency-s", type=float, default=0.0,
                        help="run the loop this far behind the clock, as a live source asks (default 0)")
    return parser.parse_args()


def open_kiosk(config, size: tuple[int, int]) -> KioskApp:
    """The kiosk as ``station run`` opens it, with its sound cues."""
    board = LiveBoard(simulated=True, has_force=True, weigh_in_s=config.force.weigh_in_s)
    return KioskApp(KioskScreen(size), board, config.kiosk, cues=Cues(config.sound))


def run(args) -> tuple[Stopwatch, list[float], list[float]]:
    config = load_config()
    source = SimulatedSource(SimulatedAthlete(args.seed), zones=TWO_ZONES, force=True)
    source.latency_s = args.source_latency_s
    watch = Stopwatch()
    app = open_kiosk(config, tuple(int(v) for v in args.size.split("x")))

    def on_event(event):
        began = time.perf_counter()
        app.on_event(event)
        watch.on_event_s.append(time.perf_counter() - began)
        watch.event(event)

    loop = StationLoop(source, pipeline_for(config), on_event, speed=1.0, duration_s=args.seconds,
                       on_readings=app.readings_too(None))
    watch.offset_s = time.monotonic() - loop.session_time_s()
    frame_s, flip_at = [], []

    def between_steps():  # KioskApp.between_steps, with a stopwatch
        app.board.device_problem = loop.problem
        began = time.perf_counter()
        app.frame(loop.now_s)
        frame_s.append(time.perf_counter() - began)
        watch.shown(app.flow.screen is Screen.LIVE)
        flip_at.append(time.monotonic())
        app.wait_for_next_frame(loop)

    try:
        drive(loop, threading.Event(), between_steps)
    finally:
        app.close()
        app.cues.close()
    return watch, frame_s, list(np.diff(flip_at))


def stats_ms(samples) -> str:
    ms = np.asarray(samples) * 1000
    return (f"median {np.median(ms):.1f} ms, 95th percentile {np.percentile(ms, 95):.1f} ms, "
            f"worst {ms.max():.1f} ms")


def main():
    args = parse_args()
    print(describe_machine())
    print(f"{args.seconds:.0f} s of athlete {args.seed} at speed 1, {args.size}, "
          f"SDL video driver {os.environ['SDL_VIDEODRIVER']}, source latency {args.source_latency_s * 1000:.0f} ms")
    watch, frame_s, interval_s = run(args)
    for kind, what in (("landing", "rebound touchdown -> its rating on screen"),
                       ("rep", "final landing -> rep count on screen")):
        shown = watch.latency_s[kind]
        if not shown:
            print(f"{what}: none seen")
            continue
        within = sum(latency <= TARGET_S for latency in shown)
        print(f"{what} ({len(shown)}): {stats_ms(shown)}; {within}/{len(shown)} within "
              f"{TARGET_S * 1000:.0f} ms")
        print(f"    of which until the loop handed the event on: {stats_ms(watch.handed_on_s[kind])}")
    print(f"frames ({len(frame_s)}): input, flow, drawing and flip {stats_ms(frame_s)}; "
          f"between flips {stats_ms(interval_s)}")
    print(f"events to the board and the sound cues ({len(watch.on_event_s)}): {stats_ms(watch.on_event_s)}")


if __name__ == "__main__":
    main()
