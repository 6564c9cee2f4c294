"""The display test of `station doctor --display`: can this screen hold 60 frames a second?

The kiosk's live page (a simulated athlete, so the force trace moves every
frame, the costliest steady screen) runs on the display the kiosk would use
for a few seconds, in a child process (a hanging driver stays there). It
reports the frame intervals and the child's CPU; ``verdict`` turns them into
doctor lines, with what to do when the screen cannot keep up.

    python -m station.service.display_test SECONDS WxH|fullscreen    # one JSON line
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from station.service.checks import NOTE, OK, PROBLEM, try_in_child

#: A 60 Hz frame is 16.7 ms; a median within 5 % of it is 60 fps held.
HELD_MEDIAN_MS = 17.5
#: A frame that took two frames' time was a dropped frame.
DROPPED_MS = 33.4
#: A few dropped frames in a test (a background job) are not a screen that cannot keep up.
MAX_DROPPED_SHARE = 0.01
#: Above this, the screen leaves too little of a core for the sensors and the network.
HIGH_CPU_SHARE = 0.5
ADVICE = ("see \"The screen on a Pi 4 and Pi 5\" in docs/install.md: the kiosk's SDL_VIDEODRIVER=kmsdrm "
          "on the console, and a 1920x1080 or 1280x720 mode (video=HDMI-A-1:1920x1080@60 in "
          "/boot/firmware/cmdline.txt) rather than a TV's 4K")


def measure(seconds: float, size: tuple[int, int] | None) -> dict:
    """Run the live page for ``seconds`` in a window of ``size`` (None: the whole screen)."""
    import threading

    from station.analysis.pipeline import Pipeline
    from station.app import StationLoop, drive
    from station.kiosk.app import KioskApp
    from station.kiosk.screen import KioskScreen
    from station.kiosk.state.board import LiveBoard
    from station.readings import TWO_ZONES
    from station.sources.athlete import SimulatedAthlete
    from station.sources.simulated import SimulatedSource

    app = KioskApp(KioskScreen(size, fullscreen=size is None), LiveBoard(simulated=True, has_force=True))
    source = SimulatedSource(SimulatedAthlete(0), zones=TWO_ZONES, force=True)
    loop = StationLoop(source, Pipeline(), app.on_event, duration_s=seconds, on_readings=app.readings_too(None))
    frames_at: list[float] = []
    stop = threading.Event()

    def between_steps():
        frames_at.append(time.monotonic())
        app.between_steps(loop, stop)

    import pygame
    driver, shown_size = pygame.display.get_driver(), app.screen.size
    began_cpu = time.process_time()
    try:
        drive(loop, stop, between_steps)
    finally:
        app.close()
    cpu_s = time.process_time() - began_cpu
    wall_s = frames_at[-1] - frames_at[0] if len(frames_at) > 1 else seconds
    return {"driver": driver, "size": list(shown_size), "cpu_share": cpu_s / wall_s,
            "intervals_ms": [(b - a) * 1000 for a, b in zip(frames_at, frames_at[1:])]}


def verdict(result: dict) -> list[tuple[str, str]]:
    """Doctor lines for a measured run: whether it held 60 fps, and its CPU."""
    intervals = result["intervals_ms"]
    width, height = result["size"]
    where = f"display: {result['driver']} at {width}x{height}"
    if len(intervals) < 2:
        return [(PROBLEM, f"{where}: no frames were drawn; {ADVICE}")]
    median_ms = statistics.median(intervals)
    dropped = sum(interval > DROPPED_MS for interval in intervals)
    fps = 1000 / median_ms
    cpu = f"{result['cpu_share'] * 100:.0f} % of a core"
    numbers = (f"median frame {median_ms:.1f} ms ({fps:.0f} fps), {dropped} of {len(intervals)} frames "
               f"dropped, the station's CPU {cpu}")
    if median_ms > HELD_MEDIAN_MS or dropped > MAX_DROPPED_SHARE * len(intervals):
        return [(PROBLEM, f"{where} does not hold 60 fps: {numbers}; {ADVICE}")]
    lines = [(OK, f"{where} holds 60 fps: {numbers}")]
    if result["cpu_share"] > HIGH_CPU_SHARE:
        lines.append((NOTE, f"{where}: the screen alone takes {cpu}, leaving little for the sensors; {ADVICE}"))
    return lines


def check_display_rate(seconds: float, size: tuple[int, int] | None, env: dict) -> list[tuple[str, str]]:
    """Open the display the kiosk would use (``env``'s SDL_VIDEODRIVER) for ``seconds`` and judge it."""
    what = "fullscreen" if size is None else f"{size[0]}x{size[1]}"
    script = f"from station.service.display_test import main; main({seconds!r}, {what!r})"
    worked, said = try_in_child(script, env, timeout_s=seconds + 30)
    if not worked:
        return [(PROBLEM, f"display: no window with the {env.get('SDL_VIDEODRIVER') or 'default'} driver "
                          f"({said}); run it from the Pi's console (the user needs the video and render "
                          "groups), or use `station run --headless`")]
    return verdict(json.loads(said))


def main(seconds: float, what: str) -> None:
    size = None if what == "fullscreen" else tuple(int(v) for v in what.split("x"))
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    print(json.dumps(measure(seconds, size)))


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2])
