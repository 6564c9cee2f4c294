"""`station hub` as a service: its own mosquitto with station accounts and the
ACL, the token command, and what it says when something it needs is missing."""

import json
import socket
import stat
import subprocess
import sys

import paho.mqtt.client as mqtt
import pytest

from broker import free_port, mosquitto_path
from hub_process import HubProcess, rep_body, wait_until
from station.cli import main

needs_mosquitto = pytest.mark.skipif(mosquitto_path() is None,
                                     reason="mosquitto is not installed (Debian package mosquitto)")


def _station_cli(*args):
    return subprocess.run([sys.executable, "-m", "station", *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def _client(port, user=None, password=None):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    if user:
        client.username_pw_set(user, password)
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def _rep(station, seq, session="s-1"):
    return json.dumps({"v": 1, "station": station, "seq": seq, "kind": "rep",
                       "at": "2026-12-04T18:00:00.000+00:00",
                       "body": rep_body(session, seq)}).encode()


def _listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_the_token_is_made_once_and_only_its_owner_reads_it(tmp_path):
    first = _station_cli("hub", "token", "--data-dir", tmp_path)
    second = _station_cli("hub", "token", "--data-dir", tmp_path)
    assert first.returncode == 0 and len(first.stdout.strip()) >= 32
    assert first.stdout == second.stdout
    assert stat.S_IMODE((tmp_path / "api-token").stat().st_mode) == 0o600


@needs_mosquitto
def test_its_own_broker_lets_a_station_publish_only_under_its_own_id(tmp_path):
    data_dir, port = tmp_path / "hub", free_port()
    added = _station_cli("hub", "add-station", "mat-1", "--data-dir", data_dir)
    assert added.returncode == 0, added.stderr
    assert '[network]\nbroker = "mqtt://HUB:1883"\nstation_id = "mat-1"' in added.stdout
    password = added.stdout.split('password = "')[1].split('"')[0]
    assert _station_cli("hub", "add-station", "mat-2", "--data-dir", data_dir).returncode == 0
    hub = HubProcess(data_dir, None, extra=("--mqtt", f"127.0.0.1:{port}"))
    try:
        station = _client(port, "mat-1", password)
        station.publish("jumpmat/v1/gym/station/mat-1/log", _rep("mat-1", 1), qos=1)
        wait_until(lambda: len(hub.all_reps("mat-1")) == 1)
        # Under another station's id the broker drops it: the hub never sees it.
        station.publish("jumpmat/v1/gym/station/mat-2/log", _rep("mat-2", 1), qos=1)
        station.publish("jumpmat/v1/gym/station/mat-1/log", _rep("mat-1", 2), qos=1)
        wait_until(lambda: len(hub.all_reps("mat-1")) == 2)
        assert hub.all_reps("mat-2") == [] and hub.station("mat-2") is None
        station.loop_stop()
        station.disconnect()
        refused = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        codes = []
        refused.on_connect = lambda c, u, f, reason, p: codes.append(reason)
        refused.connect("127.0.0.1", port)
        refused.loop_start()
        wait_until(lambda: codes, what="the broker's answer to an anonymous client")
        refused.loop_stop()
        assert codes[0].is_failure
        hub.kill()
        # The hub's broker goes with it.
        wait_until(lambda: not _listening(port), what="the hub's mosquitto stopping")
    finally:
        hub.stop()


def test_without_mosquitto_it_says_which_package_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("station.hub.broker.mosquitto_binary", lambda: None)
    code = main(["hub", "--data-dir", str(tmp_path), "--http", f"127.0.0.1:{free_port()}",
                 "--mqtt", f"127.0.0.1:{free_port()}"])
    message = capsys.readouterr().err
    assert code == 2 and "Debian package mosquitto" in message
    assert message.count("\n") == 1 and "Traceback" not in message


def test_a_busy_http_port_is_one_sentence(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["hub", "--data-dir", str(tmp_path), "--http", f"127.0.0.1:{port}",
                     "--broker", "mqtt://127.0.0.1:1"])
    assert code == 2 and "--http" in capsys.readouterr().err


@pytest.mark.parametrize("args, words", [
    (["hub", "add-station", "no/slash"], "cannot be a station id"),
    (["hub", "add-station", "hub"], "cannot be a station id"),
    (["hub", "--broker", "http://x"], "not a broker address"),
])
def test_bad_hub_arguments_are_one_sentence(tmp_path, capsys, args, words):
    code = main([*args[:1], "--data-dir", str(tmp_path), *args[1:]])
    assert code == 2 and words in capsys.readouterr().err


def test_a_bad_listen_address_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["hub", "--http", "localhost"])
    assert stop.value.code == 2 and "HOST:PORT" in capsys.readouterr().err


def test_it_tells_systemd_it_is_ready_and_alive(broker, tmp_path):
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(60)
    hub = HubProcess(tmp_path / "hub", broker.url,
                     env={"NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "1000000"})
    try:
        messages = []
        while sum("WATCHDOG=1" in m for m in messages) < 2:
            messages.append(notify.recv(4096).decode())
        assert messages[0].startswith("READY=1")
        hub.stop()
        while "STOPPING=1" not in messages[-1]:
            messages.append(notify.recv(4096).decode())
    finally:
        hub.stop()
        notify.close()


@needs_mosquitto
def test_its_own_broker_lets_a_station_read_only_its_own_commands(tmp_path):
    from station.hub.accounts import HUB_USER, hub_password
    data_dir, port = tmp_path / "hub", free_port()
    passwords = {}
    for station in ("mat-1", "mat-2"):
        added = _station_cli("hub", "add-station", station, "--data-dir", data_dir)
        assert added.returncode == 0, added.stderr
        passwords[station] = added.stdout.split('password = "')[1].split('"')[0]
    hub = HubProcess(data_dir, None, extra=("--mqtt", f"127.0.0.1:{port}"))
    try:
        received, subscribed = [], []
        nosy = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        nosy.username_pw_set("mat-2", passwords["mat-2"])
        nosy.on_message = lambda c, u, message: received.append(message.topic)
        nosy.on_subscribe = lambda c, u, mid, codes, p: subscribed.append(codes)
        nosy.connect("127.0.0.1", port)
        nosy.loop_start()
        # Every station's commands, another's by name, and its own.
        for topic in ("jumpmat/v1/gym/station/+/cmd", "jumpmat/v1/gym/station/mat-1/cmd",
                      "jumpmat/v1/gym/station/mat-2/cmd"):
            nosy.subscribe(topic, qos=1)
        wait_until(lambda: len(subscribed) == 3, what="the subscriptions answered")
        sender = _client(port, HUB_USER, hub_password(data_dir))
        command = json.dumps({"v": 1, "cmd": "rebirth", "id": "x"}).encode()
        sender.publish("jumpmat/v1/gym/station/mat-1/cmd", command, qos=1).wait_for_publish(10)
        sender.publish("jumpmat/v1/gym/station/mat-2/cmd", command, qos=1).wait_for_publish(10)
        # Its own command arrives (by the wildcard and by name); mat-1's, sent
        # first on the same connection, would have come before it.
        wait_until(lambda: "jumpmat/v1/gym/station/mat-2/cmd" in received,
                   what="the station's own command")
        assert set(received) == {"jumpmat/v1/gym/station/mat-2/cmd"}
        for client in (nosy, sender):
            client.loop_stop()
            client.disconnect()
    finally:
        hub.stop()
