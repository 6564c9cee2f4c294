"""A real `station hub` child process and a small HTTP client for its API,
plus a paho client that plays a station, for the hub's tests.

    hub = HubProcess(tmp_path / "hub", broker.url)
    hub.wait_until(lambda: hub.get("/api/v1/stations")["stations"])
    hub.kill(); hub.start()
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt

from broker import free_port

#: Real processes on a loaded machine: generous.
TIMEOUT_S = 60.0


def wait_until(condition, timeout_s: float = TIMEOUT_S, what: str = "the condition"):
    """Poll ``condition`` until it returns something true; that value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen in {timeout_s} s")
        time.sleep(0.05)  # polling a condition, not waiting for time to pass


class HubProcess:
    """`station hub --broker URL` (or its own mosquitto with ``broker=None``)."""

    def __init__(self, data_dir: Path, broker: str | None, extra: tuple = (),
                 env: dict | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.env = dict(os.environ, **(env or {}))
        self.broker = broker
        self.port = free_port()
        self.extra = extra
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        broker = ["--broker", self.broker] if self.broker else []
        self.log = open(self.data_dir.parent / f"{self.data_dir.name}.log", "ab")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "station", "hub", "--data-dir", str(self.data_dir),
             "--http", f"127.0.0.1:{self.port}", *broker, *map(str, self.extra)],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        wait_until(self._health, what="the hub's API")
        wait_until(lambda: self._health()["broker"] == "connected", what="the hub's broker link")

    def _health(self):
        if self.process.poll() is not None:
            raise AssertionError(f"the hub exited with {self.process.returncode}: "
                                 f"{self.log_text()}")
        try:
            return self.get("/api/v1/health")
        except (OSError, urllib.error.URLError):
            return None

    def log_text(self) -> str:
        return (self.data_dir.parent / f"{self.data_dir.name}.log").read_text(errors="replace")

    def token(self) -> str:
        return (self.data_dir / "api-token").read_text().strip()

    def _bearer(self, token: str | None) -> dict:
        """The Authorization header: ``token``, or with "auto" the hub's own
        (none before the hub has made it)."""
        if token == "auto":
            token = self.token() if (self.data_dir / "api-token").exists() else None
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, token: str | None = "auto"):
        request = urllib.request.Request(self.url + path, headers=self._bearer(token))
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def get_status(self, path: str, token: str | None = "auto") -> int:
        """Only the HTTP status of a GET."""
        try:
            self.get(path, token)
        except urllib.error.HTTPError as error:
            return error.code
        return 200

    def post(self, path: str, body=None, token: str | None = "auto") -> tuple[int, dict]:
        headers = {"Content-Type": "application/json", **self._bearer(token)}
        request = urllib.request.Request(self.url + path, data=json.dumps(body or {}).encode(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def all_reps(self, station: str | None = None, site: str | None = None) -> list[dict]:
        out, after = [], None
        while True:
            query = "&".join(f"{k}={v}" for k, v in (("station", station), ("site", site),
                                                      ("after", after), ("limit", 1000))
                             if v is not None)
            page = self.get(f"/api/v1/reps?{query}")
            out += page["reps"]
            after = page["next"]
            if after is None:
                return out

    def station(self, station_id: str, site: str | None = None) -> dict | None:
        return next((s for s in self.get("/api/v1/stations")["stations"]
                     if s["id"] == station_id and site in (None, s["site"])), None)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=TIMEOUT_S)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class FakeStation:
    """A paho client that publishes what a station would, by hand."""

    def __init__(self, broker_port: int, station_id: str, site: str = "gym") -> None:
        self.station_id, self.site = station_id, site
        self.session = str(uuid.uuid4())
        self.commands: list[dict] = []
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=f"test-{station_id}-{uuid.uuid4().hex[:6]}",
                                  protocol=mqtt.MQTTv5)
        self.client.on_message = lambda c, u, m: self.commands.append(json.loads(m.payload))
        self.client.connect("127.0.0.1", broker_port)
        self.client.subscribe(self.topic("cmd"), qos=1)
        self.client.loop_start()

    def topic(self, leaf: str) -> str:
        return f"jumpmat/v1/{self.site}/station/{self.station_id}/{leaf}"

    def publish_raw(self, payload: bytes, leaf: str = "log", retain: bool = False) -> None:
        self.client.publish(self.topic(leaf), payload, qos=1, retain=retain).wait_for_publish(10)

    def publish(self, entry: dict, leaf: str = "log") -> None:
        self.publish_raw(json.dumps(entry).encode(), leaf)

    def rep(self, seq: int, index: int, **changes) -> dict:
        body = rep_body(self.session, index)
        body.update(changes)
        return {"v": 1, "station": self.station_id, "seq": seq, "kind": "rep",
                "at": "2026-12-04T18:00:00.000+00:00", "body": body}

    def status(self, **keys) -> dict:
        return {"v": 1, "station": self.station_id, "state": "online",
                "at": "2026-12-04T18:00:00.000+00:00", **keys}

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def rep_body(session: str, index: int) -> dict:
    return {"session": session, "set_index": 1, "index": index, "athlete": "Ann",
            "completed_at": "2026-12-04T18:00:01.250+00:00", "back_flight_s": 0.412,
            "rebound_contact_s": 0.18 + index / 1000, "forward_flight_s": 0.398,
            "jump_height_m": 0.2081, "rsi": 1.15, "landing_peak_force_n": 1830.5,
            "loading_rate_bw_per_s": 41.2, "softness": 0.7, "rating": "soft", "valid": True,
            "reason": None, "fatigue": None}
