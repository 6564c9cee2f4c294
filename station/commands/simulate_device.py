"""`station simulate-device`: a load-cell front-end emulated on a pseudo-terminal.

Prints the path to open, then streams the simulated athlete to whoever opens
it, until Ctrl-C. A station, or any serial tool, talks to it as to the real
front-end.
"""

from __future__ import annotations

import argparse
import sys

from station.sources.loadcell.calibration import CELL_NAMES
from station.sources.loadcell.emulator import DeviceEmulator
from station.sources.loadcell.link import RATES_HZ


def add_parser(subparsers) -> argparse.ArgumentParser:
    from station.commands.arguments import positive_float

    parser = subparsers.add_parser(
        "simulate-device", help="emulate the load-cell front-end on a pseudo-terminal")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="which simulated athlete (default 0)")
    parser.add_argument("--rate", type=int, choices=RATES_HZ, default=1000,
                        help="samples per second until the host sets one (default 1000)")
    parser.add_argument("--speed", type=positive_float, default=1.0, metavar="N",
                        help="run the athlete and the device clock N times faster")
    parser.add_argument("--link", metavar="PATH",
                        help="the symlink to make for the port (default: one in a new temporary folder)")
    parser.add_argument("--corrupt-every", type=_positive_int, metavar="N",
                        help="flip a byte in every Nth samples frame")
    parser.add_argument("--drop-every", type=_positive_int, metavar="N",
                        help="never send every Nth samples frame (a sequence gap)")
    parser.add_argument("--drift-ppm", type=float, default=0.0, metavar="X",
                        help="run the device clock X ppm fast (negative: slow)")
    parser.add_argument("--stuck-cell", choices=CELL_NAMES, metavar="CELL",
                        help=f"freeze one cell's counts ({', '.join(CELL_NAMES)})")
    parser.add_argument("--saturated-cell", choices=CELL_NAMES, metavar="CELL",
                        help="hold one cell at the top of the converter's range")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def simulate_device(args) -> int:
    from station.commands.run import stop_on_signals
    from station.errors import UserError

    emulator = DeviceEmulator(
        args.seed, rate_hz=args.rate, speed=args.speed, drift_ppm=args.drift_ppm,
        corrupt_every=args.corrupt_every, drop_every=args.drop_every, stuck_cell=args.stuck_cell,
        saturated_cell=args.saturated_cell, link_path=args.link)
    with stop_on_signals() as stop:
        try:
            emulator.start()
        except FileExistsError:
            raise UserError(f"{emulator.path} already exists and is not a symlink: give --link "
                            "a new path.") from None
        except OSError as error:
            raise UserError(f"Cannot make the port at {emulator.path} ({error.strerror or error}): "
                            "give --link a path in a folder you can write to.") from None
        try:
            print(emulator.path, flush=True)
            print("Emulated load-cell front-end running; open the path above. Ctrl-C stops it.",
                  file=sys.stderr, flush=True)
            while not stop.wait(0.5):
                pass
        finally:
            emulator.stop()
    return 0
