"""`station athletes tag NAME`: wait for a tap on the reader and give that tag to NAME."""

from __future__ import annotations

import time

from station.commands.arguments import positive_float
from station.errors import UserError
from station.identity.reader import open_reader
from station.log.athletes import find_athlete, set_tag

#: Time to fetch the wristband and walk to the reader.
DEFAULT_TIMEOUT_S = 60.0


def add_tag_parser(actions) -> None:
    tag = actions.add_parser("tag", help="wait for a tap on the reader and give that tag to NAME")
    tag.add_argument("name", metavar="NAME")
    tag.add_argument("--reader", metavar="SPEC",
                     help="auto, serial:PORT or evdev:PATH (default: [identity] reader in the config)")
    tag.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT_S, metavar="S",
                     help=f"give up after S seconds without a tap (default {DEFAULT_TIMEOUT_S:g})")
    tag.add_argument("--remove", action="store_true", help="take NAME's tag away instead")


def tag_athlete(conn, args, config, say=print) -> int:
    athlete = find_athlete(conn, args.name)
    if athlete is None:
        raise UserError(f"{args.name!r} is not on the roster; add them with `station athletes add` first.")
    if args.remove:
        set_tag(conn, athlete.id, None)
        say(f"{athlete.name} has no tag now.")
        return 0
    reader = open_reader(args.reader, config.identity)
    if reader is None:
        raise UserError("There is no tag reader to tap on: give one with --reader serial:PORT or "
                        "evdev:PATH, or set [identity] reader in the config.")
    try:
        say(f"Tap {athlete.name}'s tag on the reader ({args.timeout:g} s)...")
        tag = _first_tap(reader, args.timeout)
    finally:
        reader.close()
    if tag is None:
        where = "" if reader.connected or reader.problem is None else f" ({reader.problem})"
        raise UserError(f"No tap within {args.timeout:g} s{where}; check that the reader is plugged in "
                        "and hold the tag on it.")
    tagged = set_tag(conn, athlete.id, tag)
    say(f"{tagged.name} has tag {tagged.tag_id}.")
    return 0


def _first_tap(reader, timeout_s: float) -> str | None:
    deadline_s = time.monotonic() + timeout_s
    while time.monotonic() < deadline_s:
        taps = reader.take()
        if taps:
            return taps[0]
        time.sleep(0.02)  # a person's tap: 20 ms of polling is far below what they notice
    return None
