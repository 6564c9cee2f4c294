"""A real `station hub` with its own mosquitto on free loopback ports, and
simulated stations as paho clients, for the hub's benchmarks."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Hub:
    """`station hub` with its own broker, in a temporary folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="jumpmat-hub-bench-"))
        self.http_port, self.mqtt_port = free_port(), free_port()
        self.log = open(self.folder / "hub.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "station", "hub", "--data-dir", str(self.folder / "hub"),
             "--http", f"127.0.0.1:{self.http_port}", "--mqtt", f"127.0.0.1:{self.mqtt_port}"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.get("/api/v1/health")["broker"] == "connected":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"the hub did not start; see {self.folder / 'hub.log'}")
            time.sleep(0.1)

    def get(self, path: str):
        """A GET of the API, with the hub's token (its read endpoints need it)."""
        token_file = self.folder / "hub" / "api-token"
        headers = {"Authorization": f"Bearer {token_file.read_text().strip()}"} \
            if token_file.exists() else {}
        request = urllib.request.Request(f"http://127.0.0.1:{self.http_port}{path}",
                                         headers=headers)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def reps_stored(self) -> int:
        conn = sqlite3.connect(f"file:{self.folder / 'hub' / 'hub.db'}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM reps").fetchone()[0]
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


class SimulatedStation:
    """A paho client publishing rep entries as a station's publisher would."""

    def __init__(self, port: int, station_id: str) -> None:
        self.station_id, self.session, self.seq = station_id, str(uuid.uuid4()), 0
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=station_id,
                                  protocol=mqtt.MQTTv5)
        self.client.max_inflight_messages_set(20)
        self.client.max_queued_messages_set(0)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def rep(self, completed_at: str = "2026-12-04T18:00:00.000+00:00") -> mqtt.MQTTMessageInfo:
        self.seq += 1
        body = {"session": self.session, "set_index": 1, "index": self.seq, "athlete": "Ann",
                "completed_at": completed_at, "back_flight_s": 0.41,
                "rebound_contact_s": 0.19, "forward_flight_s": 0.4, "jump_height_m": 0.2,
                "rsi": 1.1, "landing_peak_force_n": 1800.0, "loading_rate_bw_per_s": 40.0,
                "softness": 70.0, "rating": "soft", "valid": True, "reason": None, "fatigue": None}
        entry = {"v": 1, "station": self.station_id, "seq": self.seq, "kind": "rep",
                 "at": "2026-12-04T18:00:00.000+00:00", "body": body}
        return self.client.publish(f"jumpmat/v1/gym/station/{self.station_id}/log",
                                   json.dumps(entry), qos=1)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()
