"""`station doctor`'s lines about the tag reader: the one configured, the
keyboard readers "auto" would find, and the last run's counts of bad reads."""

from __future__ import annotations

import glob
import os
import time

from station.identity.config import IdentityConfig
from station.identity.status import read_status
from station.service.checks import NOTE, OK, PROBLEM


def check_tag_reader(config: IdentityConfig, data_dir, keyboards: str | None = None) -> list[tuple[str, str]]:
    """One line for the configured reader, one for the last run's reads (if any)."""
    lines = [_configured(config, keyboards)]
    status = read_status(data_dir)
    if status is not None:
        since = time.strftime("%Y-%m-%d %H:%M", time.localtime(status["since"]))
        counts = status["counts"]
        lines.append((NOTE if counts.bad else OK,
                      f"tag reader, last run (since {since}): {status['reader']}, {counts.describe()}"
                      + (f", {status['reconnects']} reconnects" if status["reconnects"] else "")))
    return lines


def _configured(config: IdentityConfig, keyboards: str | None) -> tuple[str, str]:
    spec = config.reader
    kind, _, where = spec.partition(":")
    if spec == "none":
        return NOTE, "tag reader: none ([identity] reader = \"none\"); athletes pick their names with the buttons"
    if kind == "serial":
        if os.path.exists(where):
            return OK, f"tag reader: serial port {where} is there"
        return PROBLEM, f"tag reader: no serial port {where}; plug the reader in or fix [identity] reader"
    from station.identity import evdev_reader
    if evdev_reader.evdev is None:
        return NOTE, f"tag reader: {evdev_reader.EVDEV_MISSING}; install it (pip install evdev)"
    if kind == "evdev":
        if os.path.exists(where):
            return OK, f"tag reader: {where} is there"
        return PROBLEM, f"tag reader: no {where}; plug the reader in or fix [identity] reader"
    auto = evdev_reader.AutoKeyboardReader(config.auto_names, config.auto_usb_ids,
                                           pattern=keyboards or evdev_reader.BY_ID_KEYBOARDS)
    found = [path for path in sorted(glob.glob(auto.pattern)) if auto.matches(path)]
    if found:
        return OK, f"tag reader: {found[0]} (auto)"
    return NOTE, ("tag reader: no USB keyboard reader found (auto); plug one in, or name it in "
                  "[identity] reader (the station's user must be in the input group)")
