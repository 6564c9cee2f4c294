"""A station's rep feedback does not depend on the network: the main loop
makes no network call at all (the publisher thread does them), so reps come
out the same, as they happen, with the broker frozen or up.

Why a structural check and not a stopwatch: the feedback could only get
slower with the broker frozen if the main loop waited on the network, and
that is exactly what is checked here, every socket call counted by thread,
deterministically. Timing the reps instead would compare two runs' latencies
of a few milliseconds on a machine whose other core runs other tests, where
scheduling noise is tens of milliseconds: a bound loose enough never to fail
would let a real regression through. The measurement is kept where a quiet
machine makes it mean something: benchmarks/network_feedback.py prints each
rep's lag with the broker up and frozen (docs/network.md has the numbers)."""

import json
import socket
import threading

import pytest

from station.cli import main

CALLS = ("connect", "connect_ex", "send", "sendall", "sendto", "recv", "recv_into")


@pytest.fixture
def network_calls(monkeypatch):
    """Which threads made socket calls: {"main": n, "other": n}."""
    made = {"main": 0, "other": 0}

    def watched(name):
        original = getattr(socket.socket, name)

        def call(self, *args, **kwargs):
            made["main" if threading.current_thread() is threading.main_thread() else "other"] += 1
            return original(self, *args, **kwargs)
        return call
    for name in CALLS:
        monkeypatch.setattr(socket.socket, name, watched(name))
    return made


def run_station(tmp_path, broker, capsys):
    code = main(["run", "--simulate", "--headless", "--speed", "20", "--duration", "40",
                 "--data-dir", str(tmp_path), "--broker", broker.url, "--station-id", "mat-1"])
    assert code == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_with_the_broker_frozen_the_main_loop_makes_no_network_call_and_shows_the_same_reps(
        tmp_path, broker, capsys, network_calls):
    up = run_station(tmp_path / "up", broker, capsys)
    calls_up = dict(network_calls)
    broker.freeze()
    try:
        frozen = run_station(tmp_path / "frozen", broker, capsys)
    finally:
        broker.thaw()
    assert calls_up["main"] == 0 and calls_up["other"] > 0
    assert network_calls["main"] == 0 and network_calls["other"] > calls_up["other"]
    reps_up = [e for e in up if e["type"] == "rep"]
    assert len(reps_up) >= 10
    assert [e for e in frozen if e["type"] == "rep"] == reps_up
