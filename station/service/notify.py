"""Telling systemd how the station is doing: ready, alive, status, stopping.

The protocol is one datagram per message to the AF_UNIX socket named in
``$NOTIFY_SOCKET`` (a leading ``@`` names an abstract socket). Outside
systemd the variable is unset and every call does nothing, so the same code
runs on a laptop.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Callable, Mapping

LOG = logging.getLogger("station")


def watchdog_interval_s(environ: Mapping[str, str] = os.environ, pid: int | None = None) -> float | None:
    """The service's watchdog interval from ``$WATCHDOG_USEC``, or None without one.

    ``$WATCHDOG_PID``, when set, names the process the watchdog is meant for;
    any other process (a child that inherited the environment) gets None.

        watchdog_interval_s({"WATCHDOG_USEC": "10000000"})   # 10.0
    """
    try:
        interval_us = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    watched_pid = environ.get("WATCHDOG_PID")
    if watched_pid and watched_pid != str(os.getpid() if pid is None else pid):
        return None
    return interval_us / 1e6 if interval_us > 0 else None


def _socket_address(name: str | None) -> str | bytes | None:
    if not name:
        return None
    if name.startswith("@"):
        return b"\0" + name[1:].encode()
    if name.startswith("/"):
        return name
    return None  # systemd also knows vsock addresses; a kiosk never runs in a VM that needs them


class Notifier:
    """The station's side of systemd's notify protocol (``Type=notify``).

    ``environ``: where to find ``NOTIFY_SOCKET``, ``WATCHDOG_USEC`` and
    ``WATCHDOG_PID`` (the process environment by default); ``clock``: a
    monotonic clock in seconds, for spacing the watchdog pings.

        notifier = Notifier()
        notifier.ready("running")
        notifier.keep_alive()       # from the main loop; pings at most every interval/2
        notifier.stopping()
    """

    def __init__(self, environ: Mapping[str, str] = os.environ,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._address = _socket_address(environ.get("NOTIFY_SOCKET"))
        self.watchdog_interval_s = watchdog_interval_s(environ) if self._address else None
        self._clock = clock
        self._last_ping_s: float | None = None
        self._warned = False

    @property
    def active(self) -> bool:
        """Whether a service manager is listening."""
        return self._address is not None

    def send(self, *lines: str) -> bool:
        """Send one message of ``KEY=value`` lines; False if nobody listens or it failed."""
        if self._address is None:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto("\n".join(lines).encode(), self._address)
        except OSError as error:
            # A lost message must never stop the station; say so once, in the journal.
            if not self._warned:
                LOG.warning("cannot tell systemd how the station is doing (%s)", error)
                self._warned = True
            return False
        return True

    def ready(self, status: str | None = None) -> bool:
        """The station is up: the screen is open and the sources deliver."""
        self._last_ping_s = self._clock()
        return self.send("READY=1", *([f"STATUS={status}"] if status else []))

    def status(self, text: str) -> bool:
        """A short line that ``systemctl status`` shows."""
        return self.send(f"STATUS={text}")

    def watchdog(self) -> bool:
        """One watchdog ping: the main loop is still turning."""
        self._last_ping_s = self._clock()
        return self.send("WATCHDOG=1")

    def keep_alive(self) -> bool:
        """A watchdog ping if half the interval has passed since the last one.

        Called from the main loop itself, never from a thread, so a loop that
        hangs stops the pings and systemd restarts the station."""
        if self.watchdog_interval_s is None:
            return False
        now_s = self._clock()
        if self._last_ping_s is not None and now_s - self._last_ping_s < self.watchdog_interval_s / 2:
            return False
        return self.watchdog()

    def stopping(self) -> bool:
        """The station is shutting down on purpose."""
        return self.send("STOPPING=1")
