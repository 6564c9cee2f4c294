"""`station run`: the kiosk main loop, on screen or headless."""

from __future__ import annotations

import contextlib
import signal
import threading
import time

from station.analysis.events import Summary
from station.analysis.pipeline import Pipeline
from station.app import StationLoop
from station.cli import print_json
from station.config import load_config
from station.errors import UserError
from station.report import summary_line
from station.sources.choose import choose_sources, open_source as open_chosen

FRAME_RATE_HZ = 60
#: Headless runs have no frame clock; 10 ms keeps the event latency far below
#: anything a person notices while leaving the CPU idle.
HEADLESS_STEP_S = 0.01


def open_source(args, config):
    if args.replay is not None:
        from station.sources.recording import RecordingSource, read_recording
        return RecordingSource(read_recording(args.replay))
    simulated = "simulated" if args.simulate else None
    choice = choose_sources(config, args.mat or simulated, args.force or simulated)
    return open_chosen(config, choice, seed=args.seed, zones_count=args.zones, data_dir=args.data_dir)


def pipeline_for(config) -> Pipeline:
    return Pipeline(config.timing, config.force, plate_depth_m=config.plate.depth_m)


def run(args) -> int:
    config = load_config(args.config)
    source = open_source(args, config)
    with stop_on_signals() as stop:
        if args.headless:
            loop = StationLoop(source, pipeline_for(config), print_json, args.speed, args.duration)
            return drive(loop, stop, lambda: time.sleep(HEADLESS_STEP_S))
        return run_kiosk(source, config, args, stop)


def run_kiosk(source, config, args, stop: threading.Event) -> int:
    from station.kiosk.board import LiveBoard
    from station.kiosk.screen import KioskScreen
    import pygame

    board = LiveBoard(simulated=source.simulated)

    def on_event(event):
        board.apply(event)
        if isinstance(event, Summary):
            print(summary_line(event), flush=True)

    try:
        screen = KioskScreen(None if args.fullscreen else args.size, fullscreen=args.fullscreen)
    except pygame.error as error:
        source.close()
        raise UserError(f"No screen could be opened ({error}); run it from the Pi's console or "
                        "a desktop, or use --headless.") from None
    loop = StationLoop(source, pipeline_for(config), on_event, args.speed, args.duration)
    frames = pygame.time.Clock()

    def frame():
        if screen.poll():
            stop.set()
        board.device_problem = loop.problem
        screen.draw(board)
        frames.tick(FRAME_RATE_HZ)

    try:
        return drive(loop, stop, frame)
    finally:
        screen.close()


@contextlib.contextmanager
def stop_on_signals():
    """An event set by SIGINT or SIGTERM, so the run can end cleanly with its
    summary. Installed before anything is printed, so no signal is missed."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def drive(loop: StationLoop, stop: threading.Event, between_steps) -> int:
    """Step until the data or the duration ends or a stop is asked, then finish."""
    while loop.step() and not stop.is_set():
        between_steps()
    loop.finish()
    return 0
