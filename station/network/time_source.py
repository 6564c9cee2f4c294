"""The chrony lines that make a station follow the hub's clock
(docs/network.md, "Clocks"), for ``systemd/install.sh``.

A class challenge starts on the wall clock, so every station must keep the
hub's time. The hub serves time (``install.sh --hub``); a station whose
config names a broker uses that machine as its time server:

    python3 -m station.network.time_source /etc/jumpmat/station.toml \
        /etc/chrony/conf.d/jumpmat-station.conf

writes that file (``server HUB iburst``) and prints the hub's host, or
removes the file when the config names no broker. Standard library only:
the installer runs it with the system's python3 (a staged install has no
virtual environment).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

#: What chrony takes as a server: a host name, an IPv4 or an IPv6 address
#: (nothing that could end the line or add an option).
HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:-]{0,252}")


def hub_host(config_text: str) -> str | None:
    """The host of ``[network] broker`` in a station's config, or None when
    there is none (no table, an empty broker, a URL without a usable host)."""
    try:
        network = tomllib.loads(config_text).get("network", {})
    except tomllib.TOMLDecodeError:
        return None
    broker = network.get("broker") if isinstance(network, dict) else None
    if not isinstance(broker, str) or not broker:
        return None
    try:
        parts = urlsplit(broker)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("mqtt", "mqtts") or not host or not HOST.fullmatch(host):
        return None
    return host


def chrony_conf(host: str) -> str:
    return ("# Written by systemd/install.sh from [network] broker in /etc/jumpmat/station.toml:\n"
            "# this station keeps the class hub's time, so a class challenge starts at\n"
            "# the same moment on every mat (docs/network.md, \"Clocks\").\n"
            f"server {host} iburst\n")


def main(argv: list[str]) -> int:
    """``CONFIG CHRONY_FILE``: writes the chrony file for the config's broker
    (and prints its server), or removes it when the config names none."""
    if len(argv) != 2:
        print("usage: python3 -m station.network.time_source CONFIG CHRONY_FILE", file=sys.stderr)
        return 2
    config, target = Path(argv[0]), Path(argv[1])
    host = hub_host(config.read_text(encoding="utf-8")) if config.exists() else None
    if host is None:
        target.unlink(missing_ok=True)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(chrony_conf(host), encoding="utf-8")
    target.chmod(0o644)
    print(host)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
