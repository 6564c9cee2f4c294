"""A mosquitto run by the hub as its child, so one command brings a class up.

Its config is written into the data folder (``mosquitto/mosquitto.conf``):
a listener on the given address, persistence there too, and, once
``station hub add-station`` has made a password file, no anonymous clients,
the passwords and the ACL. The child is told to stop when the hub dies
(``PR_SET_PDEATHSIG``), so a killed hub never leaves a broker behind; it
runs in its own session, so a Ctrl-C or a service stop reaches the hub
first and the hub says goodbye before its broker goes.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from station.errors import UserError
from station.hub.accounts import acl_path, password_path

#: A loaded Pi can take seconds to start a process.
START_TIMEOUT_S = 30.0
INSTALL_HINT = ("mosquitto is not installed: install the Debian package mosquitto "
                "(sudo apt install mosquitto), or give the address of a running broker "
                "with --broker mqtt://HOST:1883.")
#: Past this, a persistent session's queue drops messages; the hub asks for a
#: replay then, but a big queue makes that rare (a whole class's evening).
MAX_QUEUED_MESSAGES = 100000


def mosquitto_binary() -> str | None:
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if Path(p).exists()),
        None)


def write_config(data_dir: Path, host: str, port: int) -> Path:
    folder = Path(data_dir) / "mosquitto"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"listener {port} {host}" if host else f"listener {port}",
             "persistence true", f"persistence_location {folder}/", "autosave_interval 30",
             f"max_queued_messages {MAX_QUEUED_MESSAGES}", "max_inflight_messages 1000",
             f"log_dest file {folder}/mosquitto.log", "log_type error", "log_type warning",
             # Started as root, mosquitto would switch to its own user, which
             # cannot read the hub's folder: it stays whoever runs the hub.
             f"user {pwd.getpwuid(os.geteuid()).pw_name}"]
    passwords, acl = password_path(data_dir), acl_path(data_dir)
    if passwords.exists():
        lines += ["allow_anonymous false", f"password_file {passwords}", f"acl_file {acl}"]
    else:
        lines.append("allow_anonymous true")
    path = folder / "mosquitto.conf"
    path.write_text("# Written by station hub on every start; edits are lost.\n"
                    + "\n".join(lines) + "\n")
    return path


def _die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ChildBroker:
    """mosquitto on ``host:port`` with its config in ``data_dir``."""

    def __init__(self, data_dir: Path, host: str, port: int) -> None:
        self.data_dir, self.host, self.port = Path(data_dir), host, port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{'127.0.0.1' if self.host in ('', '0.0.0.0') else self.host}:{self.port}"

    def start(self) -> None:
        binary = mosquitto_binary()
        if binary is None:
            raise UserError(INSTALL_HINT)
        if _listening(self._probe_host, self.port):
            raise UserError(f"something already listens on port {self.port} (another broker?); "
                            "give its address with --broker, or another port with --mqtt.")
        config = write_config(self.data_dir, self.host, self.port)
        self.process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent,
                                        start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _listening(self._probe_host, self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise UserError(f"mosquitto did not start on port {self.port}; see "
                                f"{self.data_dir / 'mosquitto' / 'mosquitto.log'}.")
            time.sleep(0.05)  # polling a port that is not open yet

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def reload(self) -> None:
        """Read the password file and the ACL again (after add-station)."""
        if self.alive():
            self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def _probe_host(self) -> str:
        return "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
