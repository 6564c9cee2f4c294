"""``station hub`` as one process: its database, its broker connection (and
the broker itself when none is given), the writer thread and the HTTP server.

The main thread only watches: it pings systemd's watchdog while the writer
thread is turning, restarts a child broker that died, and has the child read
its passwords again after ``station hub add-station``.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from station.errors import UserError
from station.hub.accounts import HUB_USER, acl_path, hub_password, password_path
from station.hub.api import create_app
from station.hub.api.context import HubContext
from station.hub.broker import ChildBroker, write_config
from station.hub.db import open_hub_db
from station.hub.link import Link, parse_broker_url
from station.hub.token import api_token
from station.hub.web.state import SET_LINK_DAYS, WebSettings
from station.hub.writer import Writer
from station.service.notify import Notifier

LOG = logging.getLogger("station.hub")
WATCH_S = 0.5
#: The writer turns at least every TICK_S; a writer silent this long is stuck.
WRITER_STUCK_S = 10.0
HTTP_START_TIMEOUT_S = 30.0
DEFAULT_HTTP = ("0.0.0.0", 8080)
DEFAULT_MQTT = ("0.0.0.0", 1883)


@dataclass
class HubOptions:
    """``broker``: a URL, or None to run mosquitto as a child on ``mqtt``."""

    data_dir: Path
    broker: str | None = None
    http: tuple[str, int] = DEFAULT_HTTP
    mqtt: tuple[str, int] = DEFAULT_MQTT
    site: str = "gym"
    #: How long a set's tokened link (its QR code) opens its page.
    set_link_days: float = SET_LINK_DAYS


def run_hub(options: HubOptions, stop: threading.Event | None = None) -> int:
    """Run until SIGTERM/SIGINT (or ``stop`` is set); 0 on a clean stop."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
    conn = open_hub_db(options.data_dir)
    token = api_token(options.data_dir)
    http_socket = _bind(*options.http)
    child = None
    if options.broker is None:
        child = ChildBroker(options.data_dir, *options.mqtt)
        child.start()
    address = parse_broker_url(options.broker or child.url)
    if address.username is None and hub_password(options.data_dir):
        address = type(address)(address.host, address.port, address.tls, HUB_USER,
                                hub_password(options.data_dir))
    writer = Writer(conn, options.site)
    link = Link(address, f"jumpmat-hub-{options.site}", options.site, writer.put,
                writer.roster_due)
    writer.link = link
    writer.start()
    link.start()
    app = create_app(HubContext(options.data_dir, token, options.site, link),
                     WebSettings(set_link_days=options.set_link_days))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    http_thread = threading.Thread(target=server.run, kwargs={"sockets": [http_socket]},
                                   name="hub-http", daemon=True)
    http_thread.start()
    try:
        _wait_started(server)
        host, port = http_socket.getsockname()[:2]
        print(f"hub: API on http://{host}:{port}/api/v1/ (docs at /api/docs), broker "
              f"{address.host}:{address.port}, data in {options.data_dir}", flush=True)
        _watch(stop, writer, child, options.data_dir)
    finally:
        app.state.web.closing.set()  # the boards' open streams end, so the server can
        server.should_exit = True
        http_thread.join(timeout=10)
        link.stop()
        writer.stop()
        if child:
            child.stop()
        conn.close()
    return 0


def _watch(stop: threading.Event, writer: Writer, child: ChildBroker | None,
           data_dir: Path) -> None:
    notifier = Notifier()
    notifier.ready("hub running")
    accounts_mtime = _accounts_mtime(data_dir)
    while not stop.wait(WATCH_S):
        if not writer.is_alive():
            raise RuntimeError("the hub's writer thread stopped")
        if time.monotonic() - writer.heartbeat_s < WRITER_STUCK_S:
            notifier.keep_alive()
        if child and not child.alive():
            LOG.warning("the hub's mosquitto stopped; starting it again")
            child.start()
        mtime = _accounts_mtime(data_dir)
        if child and mtime != accounts_mtime:
            accounts_mtime = mtime
            write_config(data_dir, child.host, child.port)
            child.reload()
    notifier.stopping()


def _accounts_mtime(data_dir: Path) -> tuple:
    return tuple(path.stat().st_mtime_ns if path.exists() else None
                 for path in (password_path(data_dir), acl_path(data_dir)))


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise UserError(f"the hub cannot serve HTTP on {host}:{port} ({error.strerror or error}); "
                        "give another address with --http HOST:PORT.") from None
    sock.listen(128)
    return sock


def _wait_started(server: uvicorn.Server) -> None:
    deadline = time.monotonic() + HTTP_START_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline:
            raise UserError("the hub's HTTP server did not start; see the messages above.")
        time.sleep(0.05)  # uvicorn says it has started only by this flag
