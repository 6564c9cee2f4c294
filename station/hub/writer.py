"""The writer thread: every message from the broker into ``hub.db``.

Messages are checked (validate.py), stored in one transaction per batch,
acknowledged to the broker only after the commit, and then acted on: a hole
in a station's sequence gets a ``replay`` command (sequences.py), a new
challenge round new standings, an athlete change a new roster, a station
back online the coach's erasures again (erasures.py).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable

from station.hub import commands, erasures, store
from station.hub.link import Incoming, Link
from station.hub.publish import publish_roster, publish_standings
from station.hub.sequences import ReplayPolicy, Sequences
from station.hub.validate import Message, Refused, check
from station.log.db import iso_utc

LOG = logging.getLogger("station.hub")
#: At most this many messages in one transaction: one fsync for all of them.
BATCH_MAX = 1000
#: How often the thread looks for holes to ask about again when nothing arrives.
TICK_S = 0.5
#: A station sending garbage is logged at most this often.
REFUSED_LOG_EVERY_S = 60.0


class RefusedLog:
    """Refused messages logged at most once a minute per station, with how
    many there were since the last line."""

    def __init__(self, every_s: float = REFUSED_LOG_EVERY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.every_s, self._clock = every_s, clock
        self._last_s: dict = {}
        self._since: dict = {}

    def refused(self, refused: Refused) -> bool:
        """Count one; True if it was logged now."""
        key = (refused.site, refused.station)
        self._since[key] = self._since.get(key, 0) + 1
        now_s = self._clock()
        if key in self._last_s and now_s - self._last_s[key] < self.every_s:
            return False
        LOG.warning("refused %d message(s) from %s: %s", self._since.pop(key),
                    refused.station or "an unknown sender", refused.reason)
        self._last_s[key] = now_s
        return True


class Writer(threading.Thread):
    """Owns the hub's write connection and the per-station sequences."""

    def __init__(self, conn, site: str, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(name="hub-writer", daemon=True)
        self.conn, self.site, self._clock = conn, site, clock
        self.link: Link | None = None
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.policy = ReplayPolicy()
        self.refused_log = RefusedLog()
        self.sequences = {key: Sequences(contiguous, ahead) for key, (contiguous, ahead)
                          in store.load_sequences(conn).items()}
        self._stopping = threading.Event()
        self._roster_due = threading.Event()
        self.heartbeat_s = clock()
        self.stored = 0
        #: Each station's last "online" status, by the link's connection number.
        self._online_on: dict[tuple[str, str], int] = {}

    def put(self, message: Incoming) -> None:
        self.inbox.put(message)

    def roster_due(self) -> None:
        """Publish the roster again (after a (re)connection: it is retained)."""
        self._roster_due.set()

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=10)

    def run(self) -> None:
        while not self._stopping.is_set():
            batch = self._next_batch()
            if batch:
                self._handle(batch)
            self._ask_for_holes(self.sequences)
            if self._roster_due.is_set():
                self._roster_due.clear()
                self._publish_roster()
            self.heartbeat_s = self._clock()

    def _next_batch(self) -> list[Incoming]:
        try:
            batch = [self.inbox.get(timeout=TICK_S)]
        except queue.Empty:
            return []
        while len(batch) < BATCH_MAX:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def _handle(self, batch: list[Incoming]) -> None:
        touched, challenges, athletes, back_online = {}, set(), False, set()
        now_at = iso_utc(time.time())
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for incoming in batch:
                result = check(incoming.topic, incoming.payload)
                if isinstance(result, Refused):
                    self._refuse(result)
                elif isinstance(result, Message):
                    key = (result.site, result.station)
                    if self._came_online(result, incoming.generation):
                        back_online.add(key)
                    touched[key] = self._keep(result, now_at)
                    body = result.payload.get("body") or {}
                    if result.payload.get("kind") == "challenge_round" and body.get("challenge"):
                        challenges.add(body["challenge"])
                    athletes |= result.payload.get("kind") == "athlete"
            for (site, station), seqs in touched.items():
                store.seen(self.conn, site, station, now_at, seqs.contiguous)
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.execute("COMMIT")
        if self.link:
            for incoming in batch:
                self.link.ack(incoming)
        for challenge_id in challenges:
            self._publish_standings(challenge_id)
        if athletes:
            self._publish_roster()
        if self.link:
            for site, station in sorted(back_online):
                erasures.resend(self.conn, self.link, site, station)

    def _came_online(self, message: Message, generation: int) -> bool:
        """A status "online" from a station the hub knew as offline (or not at
        all), or its first on this connection of the hub's to the broker (a
        broker that crashed saw no station leave)."""
        if message.kind != "status" or message.payload.get("state") != "online":
            return False
        key = (message.site, message.station)
        row = self.conn.execute("SELECT online FROM stations WHERE site = ? AND id = ?",
                                key).fetchone()
        seen_on_this_connection = self._online_on.get(key) == generation
        self._online_on[key] = generation
        return row is None or not row[0] or not seen_on_this_connection

    def _keep(self, message: Message, now_at: str) -> Sequences:
        key = (message.site, message.station)
        seqs = self.sequences.get(key)
        if seqs is None:
            seqs = self.sequences[key] = Sequences()
        store.ensure_station(self.conn, *key)
        if message.kind == "status":
            store.store_status(self.conn, message)
            seq_sent = message.payload.get("seq_sent")
            if isinstance(seq_sent, int) and not isinstance(seq_sent, bool):
                seqs.report(seq_sent)
        elif store.store_entry(self.conn, message, now_at, self.site):
            self.stored += 1
            seqs.add(message.payload["seq"])
        return seqs

    def _refuse(self, refused: Refused) -> None:
        if refused.station:
            store.count_refused(self.conn, refused.site, refused.station)
        self.refused_log.refused(refused)

    def _ask_for_holes(self, stations: dict) -> None:
        if not (self.link and self.link.connected.is_set()):
            return
        now_s = self._clock()
        for (site, station), seqs in stations.items():
            from_seq = self.policy.due((site, station), seqs.first_missing(), now_s)
            if from_seq is not None:
                self.link.publish(commands.station_topic(site, station, "cmd"),
                                  commands.command("replay", from_seq=from_seq))
                store.replay_asked(self.conn, site, station)

    def _publish_standings(self, challenge_id: str) -> None:
        publish_standings(self.conn, self.link, challenge_id)

    def _publish_roster(self) -> None:
        publish_roster(self.conn, self.link, {self.site} | {key[0] for key in self.sequences})
