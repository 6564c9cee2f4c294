"""The publisher thread: the session log's outbox to the broker, in order,
each entry marked sent only when the broker has acknowledged it.

It has its own SQLite connection and its own MQTT client, and the main loop
never waits for it: the main loop only writes the log, and takes what came
from the hub (commands, roster, standings) from a queue when it has time.

One MQTT client per connection: after a drop, whatever was in flight is
simply sent again from the log on the next connection (QoS 1 is at least
once anyway; the hub stores by identity). ``replay`` and ``rebirth`` are the
network's own business and are done here; every other command goes to the
main loop.
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable

from station import __version__
from station.log.db import BUSY_TIMEOUT_MS, iso_utc
from station.log.outbox import counts, entries_from, first_unsent, mark_sent
from station.network import topics
from station.network.config import Network
from station.network.topics import PAYLOAD_VERSION

LOG = logging.getLogger("station")

#: Entries sent and not yet acknowledged, at most: enough to keep a LAN
#: busy, few enough that a drop re-sends little.
MAX_IN_FLIGHT = 20
#: How long one turn of the network loop waits for the socket: also how soon
#: a newly committed entry is seen.
LOOP_S = 0.02
#: A broker that answers nothing for this long (a ping included) is dropped;
#: the broker gives the station up after 1.5 times as long (its last will).
KEEPALIVE_S = 5
#: Waits between connection attempts: doubling from the first to the last.
BACKOFF_S = (0.5, 15.0)
#: The status is looked at this often, and published again when it changed,
#: but at most once per ``STATUS_MIN_S``.
STATUS_CHECK_S = 1.0
STATUS_MIN_S = 5.0
#: At a clean stop, how long the "offline" status may take to be acknowledged.
GOODBYE_S = 2.0
#: Sent marks are written at most this often (one short transaction each).
ACK_FLUSH_S = 0.05


class Publisher(threading.Thread):
    """Sends the outbox of the log at ``db_path`` and hands what the hub says
    to ``inbox`` as ("cmd" | "roster" | "standings", payload dict).

    status_extra: () -> the status keys only the main loop knows
        (``sensors``, ``calibrated_at``), read at each status.

        publisher = Publisher(network, data_dir / "station.db", inbox, lambda: {...})
        publisher.start()
        ...
        publisher.stop()          # publishes "offline", at most GOODBYE_S
    """

    def __init__(self, network: Network, db_path: Path, inbox: queue.Queue,
                 status_extra: Callable[[], dict], wall_clock: Callable[[], float] = time.time) -> None:
        super().__init__(name="network", daemon=True)
        self.network = network
        self.db_path = Path(db_path)
        self.inbox = inbox
        self.status_extra = status_extra
        self.wall_clock = wall_clock
        self.connected = False
        self._stop_asked = threading.Event()
        self._conn: sqlite3.Connection | None = None
        self._in_flight: dict[int, int] = {}  # MQTT mid -> seq
        self._acked: list[int] = []
        self._next_seq = 1
        self._done_ids: set[str] = set()
        self._rebirth = False
        self._last_status: dict | None = None
        self._status_at = self._status_checked = 0.0
        self._acks_flushed = 0.0
        self._goodbye_mid: int | None = None
        self._goodbye_acked = False
        self._warned: set[str] = set()

    # -- the thread ------------------------------------------------------------

    def stop(self, timeout_s: float = GOODBYE_S + 1.0) -> None:
        """Say goodbye ("offline") if connected, and end the thread."""
        self._stop_asked.set()
        if self.is_alive():
            self.join(timeout_s)

    def run(self) -> None:
        try:
            self._conn = self._open_log()
        except sqlite3.Error as error:
            LOG.warning("the network cannot read the session log (%s); nothing is sent.", error)
            return
        try:
            self._connect_forever()
        finally:
            self._flush_acks(force=True)
            self._conn.close()

    def _open_log(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=True)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # A sent mark lost to a power cut only means the entry is sent again:
        # no fsync needed for it.
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def _connect_forever(self) -> None:
        backoff_s = BACKOFF_S[0]
        while not self._stop_asked.is_set():
            broker = self.network.broker
            try:
                client = self._new_client()
                client.connect(broker.host, broker.port, keepalive=KEEPALIVE_S, clean_start=True)
            except (OSError, ValueError) as error:  # ssl's errors are OSErrors too
                self._warn_once("unreachable", f"the broker {self.network.url} cannot be reached "
                                f"({error}); the station goes on and sends its log when it is back.")
                self._stop_asked.wait(backoff_s)
                backoff_s = min(backoff_s * 2, BACKOFF_S[1])
                continue
            try:
                was_connected = self._session(client)
            except (sqlite3.Error, OSError) as error:
                # A log that cannot be read for a moment (locked, I/O): the
                # thread lives on and tries again, the entries wait in the log.
                self._warn_once("session", f"sending the log stopped ({error}); it starts again.")
                was_connected = False
            if was_connected:
                backoff_s = BACKOFF_S[0]
            elif not self._stop_asked.is_set():
                self._stop_asked.wait(backoff_s)
                backoff_s = min(backoff_s * 2, BACKOFF_S[1])

    def _new_client(self):
        from paho.mqtt.client import CallbackAPIVersion, Client
        from paho.mqtt.enums import MQTTProtocolVersion
        network = self.network
        client = Client(CallbackAPIVersion.VERSION2,
                        client_id=f"jumpmat-station-{network.site}-{network.station_id}",
                        protocol=MQTTProtocolVersion.MQTTv5)
        client.max_inflight_messages_set(MAX_IN_FLIGHT + 4)  # room for the status too
        if network.broker.tls:
            client.tls_set(ca_certs=network.ca_file or None)
        if network.username is not None:
            client.username_pw_set(network.username, network.password)
        client.will_set(self._topic("status"), self._offline(), qos=1, retain=True)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_publish
        client.on_message = self._on_message
        return client

    def _session(self, client) -> bool:
        """Run one connection until it drops or a stop is asked; True if it was
        ever accepted by the broker."""
        from paho.mqtt.client import MQTT_ERR_SUCCESS
        self.connected, accepted = False, False
        self._in_flight.clear()
        try:
            while True:
                if client.loop(timeout=LOOP_S) != MQTT_ERR_SUCCESS:
                    break
                accepted = accepted or self.connected
                if self._stop_asked.is_set():
                    self._goodbye(client)
                    break
                if self.connected:
                    self._pump(client)
        finally:
            self.connected = False
            self._flush_acks(force=True)
        return accepted

    # -- paho's callbacks (called from client.loop, in this thread) ----------

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self._warn_once(f"refused {reason_code}", f"the broker {self.network.url} refused "
                            f"the station ({reason_code}); check [network] credentials_file.")
            client.disconnect()
            return
        self._warned.discard("unreachable")
        self.connected = True
        self._next_seq = first_unsent(self._conn)
        site, station_id = self.network.site, self.network.station_id
        client.subscribe([(topics.cmd(site, station_id), 1), (topics.roster(site), 1),
                          (topics.standings(site), 1)])
        self._publish_status(client)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected = False

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        if mid == self._goodbye_mid:
            self._goodbye_acked = True
        seq = self._in_flight.pop(mid, None)
        if seq is not None and not reason_code.is_failure:
            self._acked.append(seq)

    def _on_message(self, client, userdata, message) -> None:
        payload = _payload(message.payload)
        if payload is None:
            self._warn_once(f"bad {message.topic}", f"a message on {message.topic} is not a "
                            f"version {PAYLOAD_VERSION} JSON object; it is ignored.")
            return
        site = self.network.site
        if message.topic == topics.roster(site):
            self.inbox.put(("roster", payload))
        elif message.topic == topics.standings(site):
            self.inbox.put(("standings", payload))
        else:
            self._command(payload)

    def _command(self, command: dict) -> None:
        command_id, name = command.get("id"), command.get("cmd")
        if not isinstance(command_id, str) or not isinstance(name, str):
            self._warn_once("bad command", "a command without an id or a cmd is ignored.")
            return
        if name == "replay":
            from_seq = command.get("from_seq")
            if command_id in self._done_ids or not isinstance(from_seq, int) or from_seq < 1:
                return
            self._done_ids.add(command_id)
            self._next_seq = min(self._next_seq, from_seq)
        elif name == "rebirth":
            self._rebirth = True
        else:
            self.inbox.put(("cmd", command))

    # -- sending -----------------------------------------------------------

    def _pump(self, client) -> None:
        """Acknowledged entries marked, the next ones sent, the status kept current."""
        self._flush_acks()
        room = MAX_IN_FLIGHT - len(self._in_flight)
        if room > 0:
            for seq, kind, body, created_at in entries_from(self._conn, self._next_seq, room):
                info = client.publish(self._topic("log"), self._envelope(seq, kind, body, created_at),
                                      qos=1)
                self._in_flight[info.mid] = seq
                self._next_seq = seq + 1
        now = time.monotonic()
        if self._rebirth:
            self._rebirth = False
            self._publish_status(client)
        elif now - self._status_checked >= STATUS_CHECK_S:
            self._status_checked = now
            if now - self._status_at >= STATUS_MIN_S and self._changed(self._status()):
                self._publish_status(client)

    def _flush_acks(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self._acked or (not force and now - self._acks_flushed < ACK_FLUSH_S):
            return
        try:
            mark_sent(self._conn, self._acked, self.wall_clock)
        except sqlite3.Error as error:
            # Kept for the next try; at worst they are sent again.
            self._warn_once("marks", f"sent entries could not be marked in the log ({error}).")
            return
        self._acked = []
        self._acks_flushed = now

    def _envelope(self, seq: int, kind: str, body: str, created_at: str) -> str:
        # The body is the log's own JSON text, passed on as it is.
        return (f'{{"v":{PAYLOAD_VERSION},"station":{json.dumps(self.network.station_id)},'
                f'"seq":{seq},"kind":{json.dumps(kind)},"at":{json.dumps(created_at)},"body":{body}}}')

    def _goodbye(self, client) -> None:
        """A clean stop: "offline" retained (the broker keeps the last will
        for a drop), waited for at most GOODBYE_S."""
        if not self.connected:
            return
        deadline = time.monotonic() + GOODBYE_S
        # What the run wrote last (its session's end) goes out first, if it can.
        while self.connected and time.monotonic() < deadline and \
                (self._in_flight or entries_from(self._conn, self._next_seq, 1)):
            self._pump(client)
            client.loop(timeout=LOOP_S)
        if not self.connected:
            return
        self._goodbye_acked = False
        self._goodbye_mid = client.publish(self._topic("status"), self._offline(), qos=1,
                                           retain=True).mid
        deadline = time.monotonic() + GOODBYE_S
        while not self._goodbye_acked and time.monotonic() < deadline:
            client.loop(timeout=LOOP_S)
        client.disconnect()
        client.loop(timeout=LOOP_S)

    # -- the status ----------------------------------------------------------

    def _topic(self, which: str) -> str:
        return getattr(topics, which)(self.network.site, self.network.station_id)

    def _offline(self) -> str:
        return json.dumps({"v": PAYLOAD_VERSION, "station": self.network.station_id, "state": "offline"})

    def _status(self) -> dict:
        seq_last, seq_sent, waiting = counts(self._conn)
        session = self._conn.execute("SELECT id, uuid FROM sessions ORDER BY id DESC LIMIT 1").fetchone()
        last_set = self._conn.execute(
            "SELECT t.id, a.name FROM sets t LEFT JOIN athletes a ON a.id = t.athlete_id "
            "WHERE t.session_id = ? ORDER BY t.id DESC LIMIT 1",
            (None if session is None else session[0],)).fetchone()
        set_reps, rating = 0, None
        if last_set is not None:
            set_reps = self._conn.execute("SELECT count(*) FROM reps WHERE set_id = ?",
                                          (last_set[0],)).fetchone()[0]
            row = self._conn.execute("SELECT rating FROM reps WHERE set_id = ? ORDER BY id DESC "
                                     "LIMIT 1", (last_set[0],)).fetchone()
            rating = None if row is None else row[0]
        extra = self.status_extra()
        return {"v": PAYLOAD_VERSION, "station": self.network.station_id, "state": "online",
                "at": iso_utc(self.wall_clock()), "seq_last": seq_last, "seq_sent": seq_sent,
                "waiting": waiting, "session": None if session is None else session[1],
                "athlete": None if last_set is None else last_set[1], "set_reps": set_reps,
                "last_rating": rating, "sensors": extra.get("sensors"),
                "calibrated_at": extra.get("calibrated_at"),
                "free_disk_mb": _free_disk_mb(self.db_path.parent), "version": __version__}

    def _changed(self, status: dict) -> bool:
        def same(s):
            return {k: v for k, v in s.items() if k not in ("at", "free_disk_mb")}
        return self._last_status is None or same(status) != same(self._last_status)

    def _publish_status(self, client) -> None:
        status = self._status()
        client.publish(self._topic("status"), json.dumps(status), qos=1, retain=True)
        self._last_status, self._status_at = status, time.monotonic()

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            LOG.warning("%s", message)


def _payload(raw: bytes) -> dict | None:
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("v") != PAYLOAD_VERSION:
        return None
    return payload


def _free_disk_mb(folder: Path) -> float | None:
    try:
        return round(shutil.disk_usage(folder).free / 2**20, 1)
    except OSError:
        return None
