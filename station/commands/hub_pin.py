"""`station hub set-pin`: the coach's PIN for the hub's pages, read from
standard input (typed without echo at a terminal, or piped), and kept only as
a salted scrypt hash (station/hub/web/pin.py)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from station.errors import UserError


def add_parser(actions, data_dir_option) -> None:
    pin = actions.add_parser("set-pin", help="set the coach's PIN for the web pages "
                                             "(read from standard input)")
    data_dir_option(pin)


def set_pin_command(data_dir: Path) -> int:
    from station.hub.web.pin import set_pin

    if sys.stdin.isatty():
        pin = getpass.getpass("New coach PIN: ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise UserError("The two PINs differ; run station hub set-pin again.")
    else:
        pin = sys.stdin.readline().rstrip("\r\n")
    path = set_pin(data_dir, pin)
    print(f"The coach's PIN is set (its hash is in {path}); a running hub uses it at the "
          "next login.")
    return 0
