"""Helpers for the class network's tests: a listening MQTT client, and a real
headless `station run` whose JSON lines are collected as they come."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from pathlib import Path

from station_process import start_station

#: Real processes and a real broker on a loaded machine: generous.
TIMEOUT_S = 60.0


def wait_until(condition, timeout_s: float = TIMEOUT_S, what: str = "the condition"):
    """Poll ``condition`` until it returns something true; that value."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)  # polling a condition, not waiting for time to pass
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


class Listener:
    """A paho-mqtt client subscribed to ``topic``, keeping (topic, payload dict).

    ``session``: a client id for a persistent session (messages published
    while it is away wait for it at the broker), or None for a clean one."""

    def __init__(self, port: int, topic: str = "jumpmat/v1/#", session: str | None = None,
                 username: tuple[str, str] | None = None) -> None:
        from paho.mqtt.client import CallbackAPIVersion, Client, MQTTv5
        from paho.mqtt.properties import Properties
        from paho.mqtt.packettypes import PacketTypes
        self.messages: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        self.client = Client(CallbackAPIVersion.VERSION2, client_id=session or "", protocol=MQTTv5)
        self.client.on_message = self._on_message
        if username is not None:
            self.client.username_pw_set(*username)
        self.client.on_subscribe = lambda *args: self._subscribed.set()
        self.client.on_connect = lambda client, *args: client.subscribe(topic, qos=1)
        properties = None
        if session is not None:
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = 3600
        self.client.connect("127.0.0.1", port, clean_start=session is None, properties=properties)
        self.client.loop_start()
        assert self._subscribed.wait(TIMEOUT_S), "the listener could not subscribe"

    def _on_message(self, client, userdata, message) -> None:
        with self._lock:
            self.messages.append((message.topic, json.loads(message.payload)))

    def log_entries(self, station: str | None = None) -> list[dict]:
        with self._lock:
            return [m for t, m in self.messages if t.endswith("/log")
                    and (station is None or m["station"] == station)]

    def statuses(self, station: str) -> list[dict]:
        with self._lock:
            return [m for t, m in self.messages if t.endswith(f"station/{station}/status")]

    def seqs(self, station: str | None = None) -> list[int]:
        return [m["seq"] for m in self.log_entries(station)]

    def publish(self, topic: str, payload: dict, retain: bool = False) -> None:
        self.client.publish(topic, json.dumps(payload), qos=1, retain=retain).wait_for_publish(TIMEOUT_S)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def first_occurrences(seqs: list[int]) -> list[int]:
    """The sequence numbers in the order they first arrived (QoS 1 may repeat some)."""
    seen, order = set(), []
    for seq in seqs:
        if seq not in seen:
            seen.add(seq)
            order.append(seq)
    return order


class Station:
    """A headless ``station run --simulate`` child process; ``lines`` fills as it prints."""

    def __init__(self, data_dir: Path, *args) -> None:
        self.data_dir = Path(data_dir)
        headless = () if "--screenshots" in map(str, args) else ("--headless",)
        self.process = start_station("run", "--simulate", *headless, "--data-dir", data_dir, *args)
        self.lines: list[dict] = []
        self.stderr = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("{"):  # a kiosk prints its summary as text
                self.lines.append(json.loads(line))

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr += line

    def of_type(self, kind: str) -> list[dict]:
        return [line for line in list(self.lines) if line["type"] == kind]

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data_dir / "station.db", timeout=30)

    def outbox(self) -> tuple[int, int]:
        """(entries, entries marked sent) in its log."""
        conn = self.db()
        try:
            return conn.execute("SELECT count(*), count(sent_at) FROM outbox").fetchone()
        except sqlite3.OperationalError:  # the station has not made its log yet
            return 0, 0
        finally:
            conn.close()

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait(timeout=TIMEOUT_S)
        self._reader.join(TIMEOUT_S)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)
