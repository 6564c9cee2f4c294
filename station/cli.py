"""The `station` command: run the kiosk, or analyse a recording.

User mistakes (a bad file, a bad option, a bad config) end with one sentence
on stderr and exit code 2; nothing a user does prints a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from station import __version__
from station.errors import UserError

#: Each command: the module that does it, and its function of the parsed arguments.
COMMANDS = {
    "run": ("station.commands.run", "run"),
    "analyse": ("station.commands.analyse", "analyse"),
    "analyze": ("station.commands.analyse", "analyse"),
    "calibrate": ("station.commands.calibrate_device", "calibrate_device"),
    "simulate-device": ("station.commands.simulate_device", "simulate_device"),
    "doctor": ("station.commands.doctor", "doctor"),
    "config": ("station.commands.config_check", "config_check"),
    "sessions": ("station.commands.sessions", "sessions"),
    "athletes": ("station.commands.athletes", "athletes"),
    "export": ("station.commands.export", "export"),
    "hub": ("station.commands.hub", "hub"),
    "class-demo": ("station.commands.class_demo", "class_demo"),
}


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; each command adds its own options (the
    modules that do so import nothing heavy, so `station --help` is quick)."""
    from station.commands import (analyse, athletes, calibrate, class_demo, config_check, doctor,
                                  export, hub, run_options, sessions, simulate_device)
    parser = argparse.ArgumentParser(prog="station", description="Jump Mat Station.")
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run_options.add_parser(commands)
    analyse.add_parser(commands)
    calibrate.add_parser(commands).add_argument("--config", type=Path, metavar="FILE",
                                                help="config file (TOML)")
    simulate_device.add_parser(commands)
    doctor.add_parser(commands)
    config_check.add_parser(commands)
    sessions.add_parser(commands)
    athletes.add_parser(commands)
    export.add_parser(commands)
    hub.add_parser(commands)
    class_demo.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Device problems and recoveries go to stderr (the journal, under systemd).
    logging.basicConfig(level=logging.WARNING, format="station: %(message)s")
    module_name, function_name = COMMANDS[args.command]
    try:
        command = getattr(importlib.import_module(module_name), function_name)
        return command(args)
    except UserError as error:
        print(f"station: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); nothing to say.
        sys.stderr.close()
        return 0

