"""Station accounts on the broker: a password per station in mosquitto's
password file (made with ``mosquitto_passwd``), and an ACL that lets a
station publish only under its own id and read only its own commands and
the hub's topics. The hub has an account of its own, made with the first
station's, that reads and writes everything."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

from station.errors import UserError
from station.hub.validate import ID_PATTERN

HUB_USER = "hub"
HUB_PASSWORD_FILE = "hub-mqtt-password"
ACL = f"""# Written by station hub add-station; edits are lost.
# The hub reads and writes the whole tree.
user {HUB_USER}
topic readwrite jumpmat/v1/#

# Every other account is a station, its user name its id (%u).
pattern write jumpmat/v1/+/station/%u/status
pattern write jumpmat/v1/+/station/%u/log
pattern read jumpmat/v1/+/station/%u/cmd
pattern read jumpmat/v1/+/hub/#
"""


def password_path(data_dir: Path) -> Path:
    return Path(data_dir) / "mosquitto" / "passwd"


def acl_path(data_dir: Path) -> Path:
    return Path(data_dir) / "mosquitto" / "acl"


def hub_password(data_dir: Path) -> str | None:
    """The hub's own broker password, or None before the first station is added."""
    path = Path(data_dir) / HUB_PASSWORD_FILE
    return path.read_text().strip() if path.exists() else None


def ensure_hub_account(data_dir: Path) -> None:
    """The password file with the hub's own account, and the ACL."""
    if hub_password(data_dir) is None:
        password_path(data_dir).parent.mkdir(parents=True, exist_ok=True)
        _write_secret(Path(data_dir) / HUB_PASSWORD_FILE, secrets.token_urlsafe(24))
    _set_password(data_dir, HUB_USER, hub_password(data_dir))
    acl_path(data_dir).write_text(ACL)


def add_station(data_dir: Path, station_id: str) -> str:
    """Make (or make anew) ``station_id``'s password; returns it."""
    if not ID_PATTERN.fullmatch(station_id) or station_id == HUB_USER:
        raise UserError(f"{station_id!r} cannot be a station id: use 1-32 letters, digits, - "
                        f"or _ (and not {HUB_USER!r}).")
    _passwd_tool()  # before anything is written
    ensure_hub_account(data_dir)
    password = secrets.token_urlsafe(18)
    _set_password(data_dir, station_id, password)
    return password


def _passwd_tool() -> str:
    tool = shutil.which("mosquitto_passwd") or (
        "/usr/bin/mosquitto_passwd" if Path("/usr/bin/mosquitto_passwd").exists() else None)
    if tool is None:
        raise UserError("mosquitto_passwd is not installed: install the Debian package "
                        "mosquitto (sudo apt install mosquitto).")
    return tool


def _set_password(data_dir: Path, user: str, secret: str) -> None:
    passwords = password_path(data_dir)
    create = [] if passwords.exists() else ["-c"]
    done = subprocess.run([_passwd_tool(), *create, "-b", str(passwords), user, secret],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise UserError(f"mosquitto_passwd could not write {passwords} "
                        f"({done.stderr.strip() or done.returncode}).")
    # mosquitto (in the hub's group) reads it; nobody else.
    os.chmod(passwords, 0o640)


def station_setup(station_id: str, password: str, broker_url: str, site: str,
                  credentials_file: str = "/etc/jumpmat/mqtt-credentials.toml") -> str:
    """What to put on the station: its [network] lines, and its credentials
    file (TOML with ``username`` and ``password``)."""
    return (f"In /etc/jumpmat/station.toml:\n\n[network]\nbroker = \"{broker_url}\"\n"
            f"station_id = \"{station_id}\"\nsite = \"{site}\"\n"
            f"credentials_file = \"{credentials_file}\"\n\n"
            f"In {credentials_file} (readable by the station only, chmod 600):\n\n"
            f"username = \"{station_id}\"\npassword = \"{password}\"\n")


def _write_secret(path: Path, secret: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(secret + "\n")
