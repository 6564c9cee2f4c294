"""How long the kiosk takes to draw a frame, per screen and window size.

    .venv/bin/python benchmarks/screen_render.py               # pygame's dummy driver
    DISPLAY=:1 SDL_VIDEODRIVER=x11 .venv/bin/python benchmarks/screen_render.py   # a real window
    .venv/bin/python benchmarks/screen_render.py --xvfb        # also under Xvfb, if installed

Every screen is drawn from a board filled with a simulated session's real
events and force readings. For each screen and size: the median and the worst
of ``FRAMES`` frames, including putting the frame on the screen (flip). The
live screen is timed twice: steady frames (nothing new, all text cached) and
the frame right after each new rep (its numbers rendered afresh, the force
trace moved on). A screen's first frame, which renders all its text, is not
timed. A 60 Hz frame has 16.7 ms.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from station.analysis.events import Rep, SetEnd  # noqa: E402
from station.analysis.pipeline import Pipeline  # noqa: E402
from station.kiosk.app import KioskApp  # noqa: E402
from station.kiosk.state.board import LiveBoard  # noqa: E402
from station.kiosk.flow import Screen  # noqa: E402
from station.kiosk.screen import KioskScreen  # noqa: E402
from station.readings import ForceBlock  # noqa: E402
from station.sources.simulated import simulate  # noqa: E402

SIZES = [(800, 480), (1280, 720), (1920, 1080)]
FRAMES = 200
SESSION_S = 120.0


def session():
    """A simulated session's events and force readings, in time order."""
    start, readings, _ = simulate(seed=1, duration_s=SESSION_S)
    pipeline = Pipeline()
    events = pipeline.start(start, has_force=True) + pipeline.feed(readings) + pipeline.finish(SESSION_S)
    force = next(r for r in readings if isinstance(r, ForceBlock))
    return events, force


def force_until(force: ForceBlock, until_s: float) -> ForceBlock:
    shown = (force.time_s > until_s - 3.0) & (force.time_s <= until_s)
    return ForceBlock(force.time_s[shown], force.fz_n[shown])


def event_time_s(event) -> float:
    for name in ("end_s", "landing_s", "touchdown_s", "time_s", "start_s"):
        value = getattr(event, name, None)
        if value is not None:
            return value
    if isinstance(event, Rep):
        part = event.forward_flight or event.rebound_contact or event.back_flight
        return event_time_s(part)
    return 0.0


def timed_ms(draw, frames: int = FRAMES) -> list[float]:
    """``frames`` draws after one untimed one (a screen's first frame renders all its text)."""
    draw()
    samples = []
    for _ in range(frames):
        began = time.perf_counter()
        draw()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def measure(size, events, force) -> dict[str, list[float]]:
    app = KioskApp(KioskScreen(size), LiveBoard(simulated=True, has_force=True))
    first_set_end = next(i for i, e in enumerate(events) if isinstance(e, SetEnd))
    for event in events[:first_set_end]:
        app.on_event(event)
    now_s = event_time_s(events[first_set_end - 1])
    app.board.on_readings([force_until(force, now_s)])

    def shown(screen):
        def draw():
            app.draw(screen, now_s)
            app.screen.show()
        return draw

    results = {"live steady": timed_ms(shown(Screen.LIVE))}
    results["live new rep"] = _after_each_rep(app, events[first_set_end:], force)
    app.flow.choices = [(None, "Guest")] + [(i, f"Athlete {i}") for i in range(1, 30)]
    for screen in (Screen.WEIGH_IN, Screen.SUMMARY, Screen.PICKER):
        results[screen.value] = timed_ms(shown(screen))
    clock = iter(range(10**6))
    results["attract"] = timed_ms(lambda: (app.draw(Screen.ATTRACT, next(clock) / 60), app.screen.show()))
    app.close()
    return results


def _after_each_rep(app: KioskApp, events, force) -> list[float]:
    """The frame after each rep of the rest of the session (text of new numbers rendered)."""
    samples = []
    for event in events:
        app.on_event(event)
        if isinstance(event, Rep):
            now_s = event_time_s(event)
            app.board.on_readings([force_until(force, now_s)])
            began = time.perf_counter()
            app.draw(Screen.LIVE, now_s)
            app.screen.show()
            samples.append((time.perf_counter() - began) * 1000)
    return samples


def report(events, force) -> None:
    print(f"SDL video driver: {os.environ['SDL_VIDEODRIVER']}; median / worst frame in ms "
          f"({FRAMES} frames a screen; every rep of a {SESSION_S:.0f} s session for 'live new rep')")
    for size in SIZES:
        results = measure(size, events, force)
        cells = ", ".join(f"{name} {statistics.median(ms):.2f} / {max(ms):.2f}" for name, ms in results.items())
        print(f"{size[0]}x{size[1]}: {cells}")


def under_xvfb() -> None:
    """Run this script again in a real X window on a virtual display."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        print("Xvfb is not installed: no real-window numbers")
        return
    server = subprocess.Popen([xvfb, "-displayfd", "1", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        display = ":" + server.stdout.readline().strip()
        env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11")
        subprocess.run([sys.executable, __file__], env=env, check=True)
    finally:
        server.kill()
        server.wait()


def main():
    events, force = session()
    report(events, force)
    if "--xvfb" in sys.argv[1:]:
        under_xvfb()


if __name__ == "__main__":
    main()
