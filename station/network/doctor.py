"""`station doctor`'s lines about the class network: the broker, the
station's id, what waits to be sent, and whether the clock is synchronised
(a class challenge starts on the wall clock)."""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

from station.errors import UserError
from station.log.db import DB_FILE
from station.network.config import network_for
from station.service import checks
from station.service.checks import NOTE, OK, PROBLEM

#: How long the broker may take to accept a test connection.
CONNECT_TIMEOUT_S = 5.0
#: A clock further than this from its time server starts a class visibly late.
MAX_OFFSET_S = 0.02


def check_network(config, data_dir: Path) -> list[tuple[str, str]]:
    try:
        network = network_for(config)
    except UserError as error:
        return [(PROBLEM, f"network: {error}")]
    if network is None:
        return [(NOTE, "network: no [network] broker; the station keeps its log to itself "
                       "(docs/network.md)")]
    return [check_broker(network), (OK, f"network: station id {network.station_id}, "
                                        f"site {network.site}"),
            check_waiting(data_dir), check_clock_sync()]


def check_broker(network) -> tuple[str, str]:
    """A real MQTT connection: the broker answers and accepts this station."""
    from paho.mqtt.client import CallbackAPIVersion, Client, MQTTv5
    answered = threading.Event()
    result = {}

    def on_connect(client, userdata, flags, reason_code, properties):
        result["code"] = reason_code
        answered.set()
    client = Client(CallbackAPIVersion.VERSION2, protocol=MQTTv5)
    client.on_connect = on_connect
    if network.broker.tls:
        client.tls_set(ca_certs=network.ca_file or None)
    if network.username is not None:
        client.username_pw_set(network.username, network.password)
    try:
        client.connect(network.broker.host, network.broker.port, keepalive=10)
    except (OSError, ValueError) as error:
        return PROBLEM, (f"network: the broker {network.url} cannot be reached ({error}); "
                         "check the address and that the hub is running")
    client.loop_start()
    try:
        answered.wait(CONNECT_TIMEOUT_S)
    finally:
        client.disconnect()
        client.loop_stop()
    code = result.get("code")
    if code is None:
        return PROBLEM, f"network: the broker {network.url} did not answer in {CONNECT_TIMEOUT_S:g} s"
    if code.is_failure:
        return PROBLEM, (f"network: the broker {network.url} refused this station ({code}); "
                         "check [network] credentials_file")
    return OK, f"network: broker {network.url} reachable"


def check_waiting(data_dir: Path) -> tuple[str, str]:
    path = Path(data_dir) / DB_FILE
    if not path.exists():
        return OK, "network: nothing logged yet, nothing waiting to be sent"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            waiting = conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as error:
        return NOTE, f"network: cannot tell what waits to be sent ({error})"
    return OK, f"network: {waiting} log entr{'y' if waiting == 1 else 'ies'} waiting to be sent"


def check_clock_sync() -> tuple[str, str]:
    """chrony's own view when it runs here (with the offset), else timedatectl's."""
    done = checks.run_command("chronyc", "tracking")
    if done is not None and done.returncode == 0:
        leap = re.search(r"^Leap status\s*:\s*(.+)$", done.stdout, re.M)
        offset = re.search(r"^System time\s*:\s*([0-9.]+) seconds (fast|slow)", done.stdout, re.M)
        if leap and leap.group(1).strip() == "Normal" and offset:
            offset_s = float(offset.group(1))
            status = OK if offset_s <= MAX_OFFSET_S else PROBLEM
            return status, (f"clock sync: chrony, {offset_s * 1000:.1f} ms {offset.group(2)}"
                            + ("" if status == OK else "; class challenges would start apart"))
        return PROBLEM, ("clock sync: chrony is not synchronised; class challenges need the "
                         "hub as time server (docs/network.md, Clocks)")
    synchronised = checks.clock_synchronised()
    if synchronised:
        return OK, "clock sync: synchronised (timedatectl)"
    why = "not synchronised" if synchronised is False else "cannot tell (no chronyc, no timedatectl)"
    return NOTE, (f"clock sync: {why}; class challenges start on the wall clock, so install "
                  "chrony and follow the hub (docs/network.md, Clocks)")
