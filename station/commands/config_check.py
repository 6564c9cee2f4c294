"""`station config check`: every problem in the config file, not just the first.

Run it after editing /etc/jumpmat/station.toml and before restarting the
service: the kiosk itself never stops over its config (it uses the defaults
for a broken table and shows the problem), so this is where to see them all.
"""

from __future__ import annotations

from pathlib import Path

from station.config import DEFAULT_CONFIG_PATH, read_config


def add_parser(subparsers) -> None:
    config = subparsers.add_parser("config", help="check the config file")
    actions = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="list every problem in the config file")
    check.add_argument("--config", type=Path, metavar="FILE",
                       help=f"config file (TOML; default {DEFAULT_CONFIG_PATH})")


def config_check(args, say=print) -> int:
    """Print each problem, or that the file is fine; 1 if there was any problem."""
    config, problems = read_config(args.config)
    for problem in problems:
        say(problem)
    if problems:
        say(f"{len(problems)} problem{'s' if len(problems) > 1 else ''}; "
            "see docs/configuration.md for every key and its default.")
        return 1
    if config.path is None:
        say(f"config OK: no file at {DEFAULT_CONFIG_PATH}, every key takes its default")
    else:
        say(f"config OK: {config.path}")
    return 0
