"""`station class-demo`: a hub and simulated stations come up on this machine,
say where to look, and all stop on SIGTERM."""

import re
import signal
import subprocess
import sys

import pytest

from broker import free_port, mosquitto_path
from hub_process import wait_until


@pytest.mark.skipif(mosquitto_path() is None, reason="mosquitto is not installed")
def test_a_class_demo_comes_up_with_its_stations_and_stops_cleanly(tmp_path):
    import json
    import urllib.request
    http_port = free_port()
    demo = subprocess.Popen([sys.executable, "-m", "station", "class-demo", "--stations", "2",
                             "--data-dir", str(tmp_path), "--http-port", str(http_port),
                             "--mqtt-port", str(free_port())],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        while not lines or "Ctrl-C" not in lines[-1]:
            line = demo.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        text = "".join(lines)
        stations_url = re.search(r"stations:\s+(\S+)", text).group(1)
        assert stations_url == f"http://127.0.0.1:{http_port}/api/v1/stations"
        token = re.search(r"Authorization: Bearer ([\w-]+)", text).group(1)
        assert token == (tmp_path / "hub" / "api-token").read_text().strip()
        assert "/api/docs" in text and f"http://127.0.0.1:{http_port}/board" in text
        request = urllib.request.Request(stations_url, headers={"Authorization": f"Bearer {token}"})

        def both_sending():
            with urllib.request.urlopen(request, timeout=10) as answer:
                stations = json.loads(answer.read())["stations"]
            return len(stations) == 2 and all(s["online"] and s["reps"] > 0 for s in stations)
        wait_until(both_sending, timeout_s=90, what="two stations sending reps to the hub")
    finally:
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) == 0
    with pytest.raises(OSError):
        urllib.request.urlopen(stations_url, timeout=2)


def test_too_many_stations_is_one_sentence(capsys):
    from station.cli import main
    assert main(["class-demo", "--stations", "99"]) == 2
    assert "--stations must be 1-24" in capsys.readouterr().err
