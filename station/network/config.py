"""The ``[network]`` table of the config: the broker and who this station is."""

from __future__ import annotations

import re
import socket
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from station.errors import UserError
from station.hardware_config import _from_table, _need

#: A station id: letters, digits, "-" and "_", at most 32 characters.
STATION_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
SITE = re.compile(r"[A-Za-z0-9_-]{1,32}")
SCHEMES = {"mqtt": 1883, "mqtts": 8883}


@dataclass(frozen=True)
class NetworkConfig:
    """Where the station publishes its log (docs/network.md).

    ``broker``: ``mqtt://host:1883`` or ``mqtts://host:8883``; "" for no
    network. ``ca_file``: the CA certificate an mqtts broker is checked with
    ("": the system's). ``station_id``: "" for the host name, cleaned.
    ``site``: the gym, the topic level under ``jumpmat/v1/``.
    ``credentials_file``: a TOML file with ``username`` and ``password``, "" for none.
    """

    broker: str = ""
    station_id: str = ""
    site: str = "gym"
    ca_file: str = ""
    credentials_file: str = ""

    def __post_init__(self) -> None:
        for key in ("broker", "station_id", "site", "ca_file", "credentials_file"):
            _need(isinstance(getattr(self, key), str), f"{key} must be text in quotes, "
                  f"not {getattr(self, key)!r}")
        if self.broker:
            parse_broker(self.broker)
        _need(not self.station_id or STATION_ID.fullmatch(self.station_id) is not None,
              f"station_id must be 1-32 letters, digits, '-' or '_', not {self.station_id!r}")
        _need(SITE.fullmatch(self.site) is not None,
              f"site must be 1-32 letters, digits, '-' or '_', not {self.site!r}")

    @classmethod
    def from_table(cls, table: dict) -> "NetworkConfig":
        return _from_table(cls, table, "network")


@dataclass(frozen=True)
class Broker:
    """A parsed broker URL."""

    host: str
    port: int
    tls: bool


def parse_broker(url: str) -> Broker:
    """``mqtt://host[:port]`` or ``mqtts://host[:port]``; a ValueError says what is wrong."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in SCHEMES or not parts.hostname or port == -1 or parts.path not in ("", "/"):
        raise ValueError(f"broker must look like mqtt://host:1883 or mqtts://host:8883, not {url!r}")
    return Broker(parts.hostname, port or SCHEMES[parts.scheme], parts.scheme == "mqtts")


def default_station_id(host_name: str | None = None) -> str:
    """The host name as a station id: other characters become "-", at most 32."""
    name = (host_name if host_name is not None else socket.gethostname()).split(".")[0]
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", name).strip("-")[:32]
    return cleaned or "station"


@dataclass(frozen=True)
class Network:
    """What ``station run`` connects with: the config and the command line together."""

    broker: Broker
    url: str
    station_id: str
    site: str
    ca_file: str
    username: str | None
    password: str | None


def network_for(config, broker: str | None = None, station_id: str | None = None) -> Network | None:
    """``broker`` and ``station_id`` (``--broker``, ``--station-id``) over
    ``[network]``; None with no broker. A problem is a UserError naming the
    option or key."""
    table = config.network
    url = broker or table.broker
    if not url:
        return None
    try:
        broker = parse_broker(url)
    except ValueError as error:
        raise UserError(f"--broker: {error}.") from None
    station_id = station_id or table.station_id or default_station_id()
    if STATION_ID.fullmatch(station_id) is None:
        raise UserError(f"--station-id {station_id!r}: use 1-32 letters, digits, '-' or '_'.")
    username = password = None
    if table.credentials_file:
        username, password = read_credentials(Path(table.credentials_file).expanduser())
    return Network(broker, url, station_id, table.site, table.ca_file, username, password)


def read_credentials(path: Path) -> tuple[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"[network] credentials_file {path}: cannot read it "
                        f"({error.strerror or error}); check the path.") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"[network] credentials_file {path} is not valid TOML ({error}).") from None
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise UserError(f"[network] credentials_file {path} needs username = \"...\" and "
                        "password = \"...\" lines, as `station hub add-station` prints them.")
    return username, password
