"""`station hub`: run the class hub (docs/network.md); `station hub token`
prints its API token; `station hub add-station ID` gives a station its
broker account."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from station.errors import UserError
from station.hub.validate import ID_PATTERN


def host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT, like 0.0.0.0:8080")
    return host.strip("[]") or "0.0.0.0", int(port)


def site_name(text: str) -> str:
    if not ID_PATTERN.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a site name: 1-32 letters, digits, "
                                         "- or _")
    return text


def default_data_dir() -> Path:
    return Path(os.environ.get("JUMPMAT_HUB_DATA_DIR")
                or Path.home() / ".local" / "share" / "jumpmat-hub")


def positive_days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not 0 < days <= 3650:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days from 0 to 3650, "
                                         "like 7")
    return days


def add_parser(subparsers) -> None:
    hub = subparsers.add_parser("hub", help="run the class hub (several stations, one record)")
    _data_dir(hub, None)
    hub.add_argument("--broker", metavar="URL",
                     help="the MQTT broker, like mqtt://127.0.0.1:1883 (default: run "
                          "mosquitto here, listening on --mqtt)")
    hub.add_argument("--http", type=host_port, default=("0.0.0.0", 8080), metavar="HOST:PORT",
                     help="where the API listens (default 0.0.0.0:8080)")
    hub.add_argument("--mqtt", type=host_port, default=("0.0.0.0", 1883), metavar="HOST:PORT",
                     help="where the hub's own mosquitto listens, without --broker "
                          "(default 0.0.0.0:1883)")
    hub.add_argument("--site", type=site_name, default="gym",
                     help="this gym's site name in the topics (default gym)")
    hub.add_argument("--set-link-days", type=positive_days, default=7.0, metavar="DAYS",
                     help="how long the link behind a set's QR code opens its page (default 7)")
    actions = hub.add_subparsers(dest="hub_command", metavar="ACTION")
    token = actions.add_parser("token", help="print the API token (made on first use)")
    _data_dir(token, argparse.SUPPRESS)
    add = actions.add_parser("add-station", help="give a station its broker password")
    add.add_argument("station_id", metavar="ID", help="the station's id ([network] station_id)")
    add.add_argument("--broker-url", default="mqtt://HUB:1883", metavar="URL",
                     help="the broker's address as the station reaches it")
    _data_dir(add, argparse.SUPPRESS)
    from station.commands import hub_pin
    hub_pin.add_parser(actions, lambda parser: _data_dir(parser, argparse.SUPPRESS))


def _data_dir(parser, default) -> None:
    parser.add_argument("--data-dir", type=Path, metavar="DIR", default=default,
                        help="the hub's folder: hub.db, the token, the broker's files "
                             "(default $JUMPMAT_HUB_DATA_DIR or ~/.local/share/jumpmat-hub)")


def hub(args) -> int:
    data_dir = args.data_dir or default_data_dir()
    if args.hub_command == "token":
        from station.hub.token import api_token
        print(api_token(data_dir))
        return 0
    if args.hub_command == "set-pin":
        from station.commands.hub_pin import set_pin_command
        return set_pin_command(data_dir)
    if args.hub_command == "add-station":
        from station.hub.accounts import add_station, station_setup
        password = add_station(data_dir, args.station_id)
        print(station_setup(args.station_id, password, args.broker_url, args.site), end="")
        print("\nThe hub's own broker reads the new password within a second; an installed "
              "mosquitto needs `systemctl reload mosquitto`.")
        return 0
    if args.broker is not None and not args.broker.startswith(("mqtt://", "mqtts://")):
        raise UserError(f"--broker {args.broker!r} is not a broker address; give one like "
                        "mqtt://127.0.0.1:1883.")
    from station.hub.service import HubOptions, run_hub
    return run_hub(HubOptions(data_dir, args.broker, args.http, args.mqtt, args.site,
                              args.set_link_days))
