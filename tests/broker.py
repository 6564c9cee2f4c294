"""A real mosquitto broker on a free loopback port, for tests.

    broker = Broker(tmp_path)            # writes its own config, starts it
    broker.url                           # "mqtt://127.0.0.1:PORT"
    broker.kill(); broker.start()        # SIGKILL and restart on the same port
    broker.freeze(); broker.thaw()       # SIGSTOP / SIGCONT
    broker.stop()

The broker listens on 127.0.0.1 only. Extra config lines (a small
``max_queued_messages``, a password file, a bridge) are passed as ``extra``.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

#: Generous: a loaded CI machine can take seconds to start a process.
START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mosquitto_path() -> str | None:
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if Path(p).exists()), None)


class Broker:
    """One mosquitto process with a config written into ``folder``."""

    def __init__(self, folder: Path, extra: str = "", port: int | None = None,
                 persistence: bool = False) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.config = self.folder / "mosquitto.conf"
        lines = [f"listener {self.port} 127.0.0.1", "allow_anonymous true",
                 f"persistence {'true' if persistence else 'false'}",
                 f"persistence_location {self.folder}/", "log_dest stderr",
                 "log_type error", "log_type warning"]
        self.config.write_text("\n".join(lines) + "\n" + extra + "\n")
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = mosquitto_path()
        if binary is None:
            raise RuntimeError("mosquitto is not installed (Debian package mosquitto)")
        self.process = subprocess.Popen([binary, "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL,
                                        stderr=open(self.folder / "mosquitto.log", "ab"))
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.folder / "mosquitto.log").read_text(errors="replace")
                raise RuntimeError(f"mosquitto exited with {self.process.returncode}: {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.02)  # polling a port that is not open yet
        raise RuntimeError(f"mosquitto did not listen on {self.port} in {START_TIMEOUT_S} s")

    def kill(self) -> None:
        """SIGKILL: the broker loses everything it held in memory."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=START_TIMEOUT_S)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=START_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
