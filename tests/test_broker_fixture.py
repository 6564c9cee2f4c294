"""The test broker is a real mosquitto: it takes connections, and comes back on
the same port after a SIGKILL."""

import socket

from broker import Broker


def test_broker_listens_on_loopback(broker):
    with socket.create_connection(("127.0.0.1", broker.port), timeout=5):
        pass
    assert broker.url == f"mqtt://127.0.0.1:{broker.port}"


def test_broker_restarts_on_the_same_port_after_sigkill(broker):
    broker.kill()
    try:
        socket.create_connection(("127.0.0.1", broker.port), timeout=1).close()
        refused = False
    except OSError:
        refused = True
    assert refused
    broker.start()
    with socket.create_connection(("127.0.0.1", broker.port), timeout=5):
        pass


def test_extra_config_lines_reach_the_broker(tmp_path):
    small = Broker(tmp_path / "b", extra="max_queued_messages 5")
    try:
        assert "max_queued_messages 5" in small.config.read_text()
        assert small.process.poll() is None
    finally:
        small.stop()
