"""`station class-demo`: a whole class on this machine — a hub with its own
mosquitto and N simulated headless stations, each a real `station` process
— and where to look. Ctrl-C (or SIGTERM) stops them all."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from station.errors import UserError

MAX_STATIONS = 24
START_TIMEOUT_S = 60.0


def add_parser(subparsers) -> None:
    demo = subparsers.add_parser("class-demo", help="a hub and simulated stations on this "
                                 "machine, to see the class network work")
    demo.add_argument("--stations", type=int, default=4, metavar="N",
                      help=f"how many simulated stations (1-{MAX_STATIONS}, default 4)")
    demo.add_argument("--data-dir", type=Path, metavar="DIR",
                      help="where the hub and the stations keep their files "
                           "(default: a new temporary folder)")
    demo.add_argument("--http-port", type=int, default=8080, metavar="PORT",
                      help="the hub's API port (default 8080, or a free one if taken)")
    demo.add_argument("--mqtt-port", type=int, default=1883, metavar="PORT",
                      help="the broker's port (default 1883, or a free one if taken)")


def class_demo(args) -> int:
    if not 1 <= args.stations <= MAX_STATIONS:
        raise UserError(f"--stations must be 1-{MAX_STATIONS}, not {args.stations}.")
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="jumpmat-class-demo-"))
    http_port, mqtt_port = _port_or_free(args.http_port), _port_or_free(args.mqtt_port)
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    children: list[subprocess.Popen] = []
    try:
        children.append(_start(folder / "hub.log", "hub", "--data-dir", folder / "hub",
                               "--http", f"127.0.0.1:{http_port}",
                               "--mqtt", f"127.0.0.1:{mqtt_port}"))
        api = f"http://127.0.0.1:{http_port}/api/v1"
        _wait_for(f"{api}/health", children[0], folder / "hub.log")
        ids = [f"mat-{n}" for n in range(1, args.stations + 1)]
        for n, station_id in enumerate(ids, 1):
            children.append(_start(
                folder / f"{station_id}.jsonl", "run", "--simulate", "--headless",
                "--broker", f"mqtt://127.0.0.1:{mqtt_port}", "--station-id", station_id,
                "--data-dir", folder / station_id, "--seed", n))
        _say_where(api, http_port, ids, folder)
        while not stop.wait(0.5):
            if children[0].poll() is not None:
                raise UserError(f"the hub stopped; see {folder / 'hub.log'}.")
    finally:
        for child in reversed(children):
            _end(child)
    return 0


def _say_where(api: str, http_port: int, ids: list[str], folder: Path) -> None:
    token = (folder / "hub" / "api-token").read_text().strip()
    auth = f"-H 'Authorization: Bearer {token}'"
    body = json.dumps({"challenge": "tabata", "stations": ids, "start_in_s": 10})
    print(f"A hub and {len(ids)} simulated stations are running (files in {folder}).\n"
          f"  the TV:    http://127.0.0.1:{http_port}/board\n"
          f"  stations:  {api}/stations\n"
          f"  reps:      {api}/reps?limit=20\n"
          f"  API docs:  http://127.0.0.1:{http_port}/api/docs\n"
          f"  the API needs the hub's token, for example:\n"
          f"    curl {auth} {api}/stations\n"
          f"  start a challenge on every mat in 10 s:\n"
          f"    curl -X POST {auth} "
          f"-H 'Content-Type: application/json' \\\n      -d '{body}' {api}/challenges\n"
          f"Ctrl-C stops them all.", flush=True)


def _start(output: Path, *args) -> subprocess.Popen:
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "station", *map(str, args)],
                                stdout=out, stderr=subprocess.STDOUT)


def _wait_for(url: str, child: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise UserError(f"the hub did not start: {log.read_text(errors='replace').strip()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)  # polling a server that is not up yet
    raise UserError(f"the hub did not answer in {START_TIMEOUT_S:g} s; see {log}.")


def _end(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _port_or_free(port: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return port
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
