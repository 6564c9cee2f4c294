"""Value types for the command line's options, shared by the commands' parsers,
and the one way the commands print an event as a JSON line."""

from __future__ import annotations

import argparse
import json


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


def print_json(event) -> None:
    """One event as one compact JSON line on stdout (docs/json-output.md)."""
    print(json.dumps(event.to_json(), separators=(",", ":")), flush=True)
