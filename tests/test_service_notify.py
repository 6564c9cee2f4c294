"""systemd's notify protocol: ready, watchdog pings from the main loop itself,
status and stopping; and nothing at all outside systemd."""

import os
import signal
import socket
import tempfile
import threading
import time
import uuid

from station.analysis.pipeline import Pipeline
from station.app import StationLoop, drive
from station.commands.run import HEADLESS_STEP_S
from station.sources.athlete import SimulatedAthlete
from station.sources.simulated import SimulatedSource
from station.service.notify import Notifier, watchdog_interval_s
from station_process import start_station
from waiting import wait_until


class NotifyListener:
    """The service manager's end: a real AF_UNIX datagram socket that records
    every message with when it came (abstract, or a path in a short folder,
    since a socket path must fit in 108 bytes)."""

    def __init__(self, abstract=False):
        self._folder = None
        if abstract:
            self.name = f"@jumpmat-test-{uuid.uuid4().hex}"
            address = b"\0" + self.name[1:].encode()
        else:
            self._folder = tempfile.TemporaryDirectory(prefix="jm")
            self.name = address = os.path.join(self._folder.name, "notify")
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(address)
        self._sock.settimeout(0.05)
        self.messages = []
        self._lock = threading.Lock()
        self._running = True
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self):
        while self._running:
            try:
                data = self._sock.recv(4096)
            except socket.timeout:
                continue
            with self._lock:
                self.messages.append((time.monotonic(), data.decode()))

    def times_of(self, line, since_s=0.0, until_s=float("inf")):
        """When each message holding ``line`` arrived, within [since_s, until_s)."""
        with self._lock:
            return [at for at, text in self.messages if line in text.split("\n") and since_s <= at < until_s]

    def texts(self):
        with self._lock:
            return [text for _, text in self.messages]

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self._running = False
        self._thread.join()
        self._sock.close()
        if self._folder is not None:
            self._folder.cleanup()


def test_ready_and_status_reach_a_path_socket():
    with NotifyListener() as listener:
        notifier = Notifier({"NOTIFY_SOCKET": listener.name})
        assert notifier.ready("running") and notifier.status("front-end unplugged") and notifier.stopping()
        assert wait_until(lambda: len(listener.messages) == 3, 2)
    assert listener.texts() == ["READY=1\nSTATUS=running", "STATUS=front-end unplugged", "STOPPING=1"]


def test_an_abstract_socket_is_named_with_a_leading_at():
    with NotifyListener(abstract=True) as listener:
        assert Notifier({"NOTIFY_SOCKET": listener.name}).watchdog()
        assert wait_until(lambda: listener.times_of("WATCHDOG=1"), 2)


def test_without_notify_socket_nothing_is_sent_and_nothing_fails():
    notifier = Notifier({"WATCHDOG_USEC": "100000"})
    assert not notifier.active and notifier.watchdog_interval_s is None
    assert not any([notifier.ready("running"), notifier.watchdog(), notifier.keep_alive(),
                    notifier.status("x"), notifier.stopping()])


def test_a_vanished_socket_is_reported_once_and_the_station_goes_on(caplog):
    with NotifyListener() as listener:
        name = listener.name
    notifier = Notifier({"NOTIFY_SOCKET": name})
    assert not notifier.ready() and not notifier.watchdog()
    assert len([r for r in caplog.records if "cannot tell systemd" in r.getMessage()]) == 1


def test_the_watchdog_interval_comes_from_watchdog_usec_for_this_process_only():
    assert watchdog_interval_s({"WATCHDOG_USEC": "10000000"}) == 10.0
    assert watchdog_interval_s({"WATCHDOG_USEC": "200000", "WATCHDOG_PID": str(os.getpid())}) == 0.2
    assert watchdog_interval_s({"WATCHDOG_USEC": "200000", "WATCHDOG_PID": str(os.getpid() + 1)}) is None
    assert watchdog_interval_s({}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "soon"}) is None


def test_keep_alive_pings_at_most_every_half_interval():
    now_s = [100.0]
    with NotifyListener() as listener:
        notifier = Notifier({"NOTIFY_SOCKET": listener.name, "WATCHDOG_USEC": "1000000"},
                            clock=lambda: now_s[0])
        notifier.ready()
        sent = []
        for _ in range(32):                       # 4 s in steps of 1/8 s (exact in binary)
            now_s[0] += 0.125
            sent.append(notifier.keep_alive())
        assert wait_until(lambda: len(listener.times_of("WATCHDOG=1")) == sum(sent), 2)
    # Every 0.5 s after READY: at 0.5, 1.0, ... 4.0 s.
    assert sum(sent) == 8
    assert [i for i, ping in enumerate(sent) if ping][:2] == [3, 7]


class GatedSource(SimulatedSource):
    """The simulated athlete, whose read() blocks while the gate is shut, as a
    driver stuck in a read would."""

    def __init__(self):
        super().__init__(SimulatedAthlete(seed=1))
        self.gate = threading.Event()
        self.gate.set()

    def read(self, until_s):
        self.gate.wait()
        return super().read(until_s)


def test_pings_stop_while_the_loop_blocks_and_resume_after():
    source = GatedSource()
    stop = threading.Event()
    with NotifyListener() as listener:
        notifier = Notifier({"NOTIFY_SOCKET": listener.name, "WATCHDOG_USEC": "100000"})
        loop = StationLoop(source, Pipeline(), on_event=lambda event: None)
        thread = threading.Thread(target=drive, args=(loop, stop, lambda: time.sleep(HEADLESS_STEP_S), notifier))
        thread.start()
        try:
            assert wait_until(lambda: listener.times_of("READY=1"), 5)
            time.sleep(0.5)
            shut_s = time.monotonic()
            source.gate.clear()
            time.sleep(0.8)
            opened_s = time.monotonic()
            source.gate.set()
            time.sleep(0.5)
        finally:
            source.gate.set()
            stop.set()
            thread.join(10)
        before = listener.times_of("WATCHDOG=1", until_s=shut_s)
        # A ping already on its way when the gate shut may land just after.
        during = listener.times_of("WATCHDOG=1", since_s=shut_s + 0.05, until_s=opened_s)
        after = listener.times_of("WATCHDOG=1", since_s=opened_s)
        assert len(before) >= 4 and during == [] and len(after) >= 4
        assert wait_until(lambda: listener.times_of("STOPPING=1"), 2)


def test_the_real_station_pings_until_frozen_and_again_once_thawed(monkeypatch):
    interval_s = 0.2
    with NotifyListener(abstract=True) as listener:
        monkeypatch.setenv("NOTIFY_SOCKET", listener.name)
        monkeypatch.setenv("WATCHDOG_USEC", str(int(interval_s * 1e6)))
        process = start_station("run", "--simulate", "--headless")
        try:
            assert wait_until(lambda: listener.times_of("READY=1"), 60), process.stderr
            time.sleep(1.0)
            frozen_s = time.monotonic()
            os.kill(process.pid, signal.SIGSTOP)
            time.sleep(1.0)
            thawed_s = time.monotonic()
            os.kill(process.pid, signal.SIGCONT)
            time.sleep(1.0)
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
            process.wait()
        ready_s = listener.times_of("READY=1")[0]
        running = listener.times_of("WATCHDOG=1", since_s=ready_s, until_s=frozen_s)
        frozen = listener.times_of("WATCHDOG=1", since_s=frozen_s + 0.05, until_s=thawed_s)
        thawed = listener.times_of("WATCHDOG=1", since_s=thawed_s)
        assert process.returncode == 0, stderr
        gaps_s = [b - a for a, b in zip(running, running[1:])]
        assert len(running) >= 4 and max(gaps_s) < interval_s, gaps_s
        assert frozen == []
        assert len(thawed) >= 4
        assert wait_until(lambda: listener.times_of("STOPPING=1", since_s=thawed_s), 2)


def test_the_status_line_follows_the_device_problem():
    source = GatedSource()
    stop = threading.Event()
    with NotifyListener() as listener:
        notifier = Notifier({"NOTIFY_SOCKET": listener.name})
        loop = StationLoop(source, Pipeline(), on_event=lambda event: None)
        thread = threading.Thread(target=drive, args=(loop, stop, lambda: time.sleep(HEADLESS_STEP_S), notifier))
        thread.start()
        try:
            assert wait_until(lambda: listener.times_of("READY=1"), 5)
            source.problem = "no data from the load-cell front-end; check its USB cable"
            assert wait_until(lambda: listener.times_of(f"STATUS={source.problem}"), 5)
            source.problem = None
            assert wait_until(lambda: listener.times_of("STATUS=running", since_s=listener.times_of(
                "STATUS=no data from the load-cell front-end; check its USB cable")[0]), 5)
        finally:
            stop.set()
            thread.join(10)
    # No watchdog interval given: no pings at all.
    assert listener.times_of("WATCHDOG=1") == []
