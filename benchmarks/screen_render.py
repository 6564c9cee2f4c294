"""How long the live screen takes to draw a frame, per window size.

    .venv/bin/python benchmarks/screen_render.py               # pygame's dummy driver
    DISPLAY=:1 SDL_VIDEODRIVER=x11 .venv/bin/python benchmarks/screen_render.py   # a real window

The board is filled from a simulated session's real events. "steady" is a
frame with nothing new (all text cached); "new rep" is the frame right after a
rep arrives (its numbers rendered afresh). A 60 Hz frame has 16.7 ms.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from station.analysis.events import Rep  # noqa: E402
from station.analysis.pipeline import Pipeline  # noqa: E402
from station.kiosk.board import LiveBoard  # noqa: E402
from station.kiosk.screen import KioskScreen  # noqa: E402
from station.sources.simulated import simulate  # noqa: E402

SIZES = [(800, 480), (1280, 720), (1920, 1080)]
FRAMES = 300


def session_events():
    start, readings, _ = simulate(seed=3, duration_s=180, force=False)
    pipeline = Pipeline()
    return pipeline.start(start) + pipeline.feed(readings) + pipeline.finish(180.0)


def median_ms(samples):
    return statistics.median(samples) * 1000


def measure(size, events):
    screen = KioskScreen(size)
    board = LiveBoard(simulated=True)
    reps = [e for e in events if isinstance(e, Rep)]
    for event in events[: len(events) // 2]:
        board.apply(event)
    screen.draw(board)
    steady = []
    for _ in range(FRAMES):
        began = time.perf_counter()
        screen.draw(board)
        steady.append(time.perf_counter() - began)
    after_rep = []
    for rep in reps[len(reps) // 2:][:50]:
        board.apply(rep)
        began = time.perf_counter()
        screen.draw(board)
        after_rep.append(time.perf_counter() - began)
    screen.close()
    return median_ms(steady), max(steady) * 1000, median_ms(after_rep), max(after_rep) * 1000


def main():
    events = session_events()
    print(f"SDL video driver: {os.environ['SDL_VIDEODRIVER']}; {FRAMES} steady frames per size")
    for size in SIZES:
        steady, steady_max, new_rep, new_rep_max = measure(size, events)
        print(f"{size[0]}x{size[1]}: steady median {steady:.2f} ms (max {steady_max:.2f}), "
              f"new rep median {new_rep:.2f} ms (max {new_rep_max:.2f})")


if __name__ == "__main__":
    main()
