"""The `station` command: run the kiosk, or analyse a recording.

User mistakes (a bad file, a bad option, a bad config) end with one sentence
on stderr and exit code 2; nothing a user does prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from station import __version__
from station.errors import UserError


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def window_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1280x720") from None
    if width < 320 or height < 240:
        raise argparse.ArgumentTypeError(f"{text!r} is too small; at least 320x240")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="station", description="Jump Mat Station.")
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the station (kiosk screen, or --headless)")
    what = run.add_mutually_exclusive_group()
    what.add_argument("--simulate", action="store_true",
                      help="a simulated athlete on a simulated mat and plate "
                           "(the default while no hardware is configured)")
    what.add_argument("--replay", type=Path, metavar="FILE",
                      help="play a recording back as if it were live")
    run.add_argument("--mat", metavar="SOURCE",
                     help="the mat: gpio, chronopic:PORT, frontend[:PORT], simulated or none "
                          "(default: [sources] mat in the config)")
    run.add_argument("--force", metavar="SOURCE",
                     help="the load cells: frontend[:PORT], simulated or none "
                          "(default: [sources] force in the config)")
    run.add_argument("--data-dir", type=Path, metavar="DIR",
                     help="where the calibration and logs are kept")
    run.add_argument("--headless", action="store_true",
                     help="no screen: print one JSON line per event as it happens")
    run.add_argument("--fullscreen", action="store_true", help="fill the whole screen")
    run.add_argument("--size", type=window_size, default=(1280, 720), metavar="WxH",
                     help="window size (default 1280x720)")
    run.add_argument("--screenshots", type=Path, metavar="DIR",
                     help="save the first frame of every screen state in DIR, as numbered PNGs")
    run.add_argument("--speed", type=positive_float, default=1.0, metavar="N",
                     help="run simulated or replayed time N times faster")
    run.add_argument("--duration", type=positive_float, metavar="S",
                     help="stop after S seconds of session time")
    run.add_argument("--seed", type=int, default=0, metavar="N",
                     help="which simulated athlete and session (default 0)")
    run.add_argument("--zones", type=int, choices=(1, 2), default=2,
                     help="simulate a one- or two-zone mat (default 2)")
    run.add_argument("--challenge", metavar="NAME|FILE",
                     help="run a class challenge (tabata, amrap-60, emom-10, ladder, relay, "
                          "or a .toml file; docs/challenges.md): on the kiosk, or with --headless")
    run.add_argument("--class", dest="class_names", metavar="NAMES",
                     help="the challenge's athletes in roster order, like \"Ann,Bob,Cy\"")
    run.add_argument("--config", type=Path, metavar="FILE", help="config file (TOML)")
    run.add_argument("--reader", metavar="SPEC",
                     help="the RFID tag reader: auto, none, serial:PORT or evdev:PATH "
                          "(default: [identity] reader in the config; docs/identity.md)")
    run.add_argument("--broker", metavar="URL",
                     help="publish the log to the class network's broker, like mqtt://hub:1883 "
                          "(default: [network] broker in the config; docs/network.md)")
    run.add_argument("--station-id", metavar="ID",
                     help="this station's id on the class network (default: [network] "
                          "station_id, else the host name)")
    run.add_argument("--frame-stats", type=Path, metavar="FILE",
                     help="write a CSV row per frame put on the screen (t_s,draw_ms,present_ms) to FILE")

    analyse = commands.add_parser("analyse", aliases=["analyze"], help="analyse a recording")
    analyse.add_argument("file", type=Path, metavar="FILE", help="a recording (format 1 CSV)")
    analyse.add_argument("--json", action="store_true", help="one JSON object per line")
    analyse.add_argument("--phases", action="store_true",
                         help="also list every contact and flight (text output)")
    analyse.add_argument("--config", type=Path, metavar="FILE", help="config file (TOML)")

    from station.commands import calibrate, doctor, simulate_device
    calibrate.add_parser(commands).add_argument("--config", type=Path, metavar="FILE",
                                                help="config file (TOML)")
    simulate_device.add_parser(commands)
    doctor.add_parser(commands)
    from station.commands import config_check
    config_check.add_parser(commands)
    from station.commands import athletes, sessions
    sessions.add_parser(commands)
    athletes.add_parser(commands)
    from station.commands import export
    export.add_parser(commands)
    from station.commands import class_demo, hub
    hub.add_parser(commands)
    class_demo.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Device problems and recoveries go to stderr (the journal, under systemd).
    logging.basicConfig(level=logging.WARNING, format="station: %(message)s")
    try:
        if args.command == "run":
            from station.commands.run import run
            return run(args)
        if args.command == "calibrate":
            from station.commands.calibrate_device import calibrate_device
            return calibrate_device(args)
        if args.command == "simulate-device":
            from station.commands.simulate_device import simulate_device
            return simulate_device(args)
        if args.command == "doctor":
            from station.commands.doctor import doctor
            return doctor(args)
        if args.command == "config":
            from station.commands.config_check import config_check
            return config_check(args)
        if args.command == "sessions":
            from station.commands.sessions import sessions
            return sessions(args)
        if args.command == "athletes":
            from station.commands.athletes import athletes
            return athletes(args)
        if args.command == "export":
            from station.commands.export import export
            return export(args)
        if args.command == "hub":
            from station.commands.hub import hub
            return hub(args)
        if args.command == "class-demo":
            from station.commands.class_demo import class_demo
            return class_demo(args)
        from station.commands.analyse import analyse
        return analyse(args)
    except UserError as error:
        print(f"station: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); nothing to say.
        sys.stderr.close()
        return 0


def print_json(event) -> None:
    print(json.dumps(event.to_json(), separators=(",", ":")), flush=True)
