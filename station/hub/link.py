"""The hub's MQTT connection (paho-mqtt, MQTT 5).

A persistent session: a fixed client id, clean start off and a session
expiry, so what stations publish while the hub is down waits at the broker.
Messages are acknowledged by hand, only once the writer thread has committed
them to ``hub.db``: a hub killed between receiving and committing gets them
again from the broker. ``hub/status`` is retained, "online" on every
connect, with an "offline" last will.
"""

from __future__ import annotations

import logging
import ssl
import threading
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from station.errors import UserError
from station.hub import commands

LOG = logging.getLogger("station.hub")
SUBSCRIPTION = "jumpmat/v1/+/station/+/#"
#: A hub off for a long weekend still finds what was sent (up to the broker's queue).
SESSION_EXPIRY_S = 7 * 24 * 3600
KEEPALIVE_S = 10
#: How many unacknowledged messages the broker may have in flight to the hub:
#: the writer commits them in batches, so more in flight means fewer fsyncs.
RECEIVE_MAXIMUM = 1000
RECONNECT_DELAY_S = (0.2, 2.0)


@dataclass(frozen=True)
class BrokerAddress:
    """Where the broker is: from ``mqtt://[user:password@]host[:port]`` or ``mqtts://``."""

    host: str
    port: int
    tls: bool
    username: str | None = None
    password: str | None = None


def parse_broker_url(url: str) -> BrokerAddress:
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise UserError(f"{url!r} is not a broker address; give one like mqtt://hub.local:1883 "
                        "or mqtts://hub.local:8883.")
    try:
        port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
    except ValueError:
        raise UserError(f"{url!r} has a bad port; give one like mqtt://hub.local:1883.") from None
    return BrokerAddress(parts.hostname, port, parts.scheme == "mqtts",
                         unquote(parts.username) if parts.username else None,
                         unquote(parts.password) if parts.password else None)


class Incoming:
    """One message from the broker, with what it takes to acknowledge it."""

    __slots__ = ("topic", "payload", "mid", "qos", "generation")

    def __init__(self, topic: str, payload: bytes, mid: int, qos: int, generation: int) -> None:
        self.topic, self.payload, self.mid, self.qos, self.generation = \
            topic, payload, mid, qos, generation


class Link:
    """The connection; ``on_message`` is called on paho's thread with each
    ``Incoming``, ``on_connect`` after every (re)connection."""

    def __init__(self, address: BrokerAddress, client_id: str, site: str,
                 on_message: Callable[[Incoming], None],
                 on_connect: Callable[[], None] = lambda: None) -> None:
        self.address, self.site = address, site
        self._on_message, self._on_connect = on_message, on_connect
        self.connected = threading.Event()
        self._generation = 0
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                             protocol=mqtt.MQTTv5, manual_ack=True)
        if address.username:
            client.username_pw_set(address.username, address.password)
        if address.tls:
            client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
        client.will_set(commands.hub_topic(site, "status"), commands.hub_status("offline"),
                        qos=1, retain=True)
        client.reconnect_delay_set(*RECONNECT_DELAY_S)
        client.max_inflight_messages_set(100)
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected
        client.on_message = self._message
        self.client = client

    def start(self) -> None:
        connect = Properties(PacketTypes.CONNECT)
        connect.SessionExpiryInterval = SESSION_EXPIRY_S
        connect.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client.connect_async(self.address.host, self.address.port, keepalive=KEEPALIVE_S,
                                  clean_start=False, properties=connect)
        self.client.loop_start()

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=1, retain=retain)

    def ack(self, message: Incoming) -> None:
        # A message from an earlier connection is not acknowledged on this one:
        # the broker sends it again, and the hub stores it once.
        if message.qos and message.generation == self._generation:
            self.client.ack(message.mid, message.qos)

    def stop(self) -> None:
        """A clean goodbye: "offline" published, then disconnect."""
        if self.connected.is_set():
            info = self.client.publish(commands.hub_topic(self.site, "status"),
                                       commands.hub_status("offline"), qos=1, retain=True)
            try:
                info.wait_for_publish(timeout=2.0)
            except RuntimeError:
                pass  # the connection went while saying goodbye; the will says it instead
        self.connected.clear()
        self.client.disconnect()
        self.client.loop_stop()

    def _connected(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            LOG.warning("the broker refused the hub (%s); check the hub's credentials",
                        reason_code)
            return
        self._generation += 1
        # retain handling 1: retained statuses come only with a new
        # subscription, not again on every reconnect of a persistent session.
        client.subscribe(SUBSCRIPTION, options=SubscribeOptions(qos=1, noLocal=True,
                                                                retainHandling=1))
        client.publish(commands.hub_topic(self.site, "status"), commands.hub_status("online"),
                       qos=1, retain=True)
        self.connected.set()
        self._on_connect()

    def _disconnected(self, client, userdata, flags, reason_code, properties) -> None:
        if self.connected.is_set():
            LOG.warning("lost the broker (%s); reconnecting", reason_code)
        self.connected.clear()

    def _message(self, client, userdata, message) -> None:
        self._on_message(Incoming(message.topic, message.payload, message.mid, message.qos,
                                  self._generation))
