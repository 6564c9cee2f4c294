"""The [network] table and --broker: what a station connects to and as whom,
and a broker that refuses anonymous clients accepting one with its password."""

import subprocess

import pytest

from broker import Broker
from network_station import Listener, Station, wait_until
from station.config import read_config
from station.errors import UserError
from station.network.config import default_station_id, network_for, parse_broker


@pytest.mark.parametrize("url, expected", [
    ("mqtt://hub", ("hub", 1883, False)), ("mqtt://10.0.0.2:1884", ("10.0.0.2", 1884, False)),
    ("mqtts://hub.gym", ("hub.gym", 8883, True)), ("mqtts://hub:8884/", ("hub", 8884, True))])
def test_broker_urls(url, expected):
    broker = parse_broker(url)
    assert (broker.host, broker.port, broker.tls) == expected


@pytest.mark.parametrize("url", ["http://hub", "hub:1883", "mqtt://", "mqtt://hub:port",
                                 "mqtt://hub:99999", "mqtt://hub/topic"])
def test_bad_broker_urls_say_what_one_looks_like(url):
    with pytest.raises(ValueError, match="mqtt://host:1883"):
        parse_broker(url)


def test_the_default_station_id_is_the_cleaned_host_name():
    assert default_station_id("mat-1.gym.local") == "mat-1"
    assert default_station_id("Jump Mat #2") == "Jump-Mat--2"
    assert default_station_id("x" * 40) == "x" * 32
    assert default_station_id("...") == "station"


def test_the_command_line_beats_the_config_and_no_broker_is_no_network(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text('[network]\nbroker = "mqtt://hub:1883"\nstation_id = "mat-3"\nsite = "north"\n')
    config, problems = read_config(path)
    assert problems == []
    network = network_for(config)
    assert (network.url, network.station_id, network.site) == ("mqtt://hub:1883", "mat-3", "north")
    network = network_for(config, "mqtt://other:1999", "mat-9")
    assert (network.broker.host, network.broker.port, network.station_id) == ("other", 1999, "mat-9")
    assert network_for(type(config)()) is None
    with pytest.raises(UserError, match="--station-id"):
        network_for(config, station_id="no spaces")


def test_a_credentials_file_without_its_keys_says_what_it_needs(tmp_path):
    (tmp_path / "cred.toml").write_text('username = "mat-1"\n')
    path = tmp_path / "station.toml"
    path.write_text(f'[network]\nbroker = "mqtt://hub"\ncredentials_file = "{tmp_path / "cred.toml"}"\n')
    with pytest.raises(UserError, match='password = '):
        network_for(read_config(path)[0])


def test_a_broker_that_refuses_anonymous_clients_takes_the_station_with_its_password(tmp_path):
    passwords = tmp_path / "passwords"
    subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwords), "mat-1", "s3cret"], check=True,
                   capture_output=True)
    subprocess.run(["mosquitto_passwd", "-b", str(passwords), "listener", "l1"], check=True,
                   capture_output=True)
    # "user root": run as root, mosquitto would drop to its own user, which
    # cannot read the test's private folder.
    broker = Broker(tmp_path / "broker", extra=f"password_file {passwords}\nuser root")
    broker.config.write_text(broker.config.read_text().replace("allow_anonymous true",
                                                                "allow_anonymous false"))
    broker.stop()
    broker.start()
    try:
        listener = Listener(broker.port, username=("listener", "l1"))
        (tmp_path / "cred.toml").write_text('username = "mat-1"\npassword = "s3cret"\n')
        config = tmp_path / "station.toml"
        config.write_text(f'[network]\nbroker = "{broker.url}"\nstation_id = "mat-1"\n'
                          f'credentials_file = "{tmp_path / "cred.toml"}"\n')
        station = Station(tmp_path / "station", "--speed", "10", "--config", config)
        try:
            wait_until(lambda: len(listener.seqs("mat-1")) >= 3, what="entries from the station")
        finally:
            station.stop()
        (tmp_path / "cred.toml").write_text('username = "mat-1"\npassword = "wrong"\n')
        refused = Station(tmp_path / "refused", "--speed", "10", "--config", config)
        try:
            wait_until(lambda: "refused the station" in refused.stderr, what="the refusal")
        finally:
            refused.stop()
        assert refused.outbox()[1] == 0
        listener.close()
    finally:
        broker.stop()
