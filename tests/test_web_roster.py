"""The coach's roster reaches a real station: a name added on /coach is in
the kiosk's roster within 5 s, and an erased one leaves it, even at a
station that was off when the coach erased it, through a real hub process
and a real mosquitto."""

import re
import sqlite3
import time
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import urlencode

from class_stations import StationProcess
from hub_process import HubProcess, wait_until
from station.hub.web.pin import set_pin

PIN = "4711"
#: The issue's bar: a name added at the hub is in every kiosk's picker this soon.
ROSTER_WITHIN_S = 5.0


class Coach:
    """The coach's browser, as plain HTTP with its cookies."""

    def __init__(self, hub) -> None:
        self.hub = hub
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf = self._csrf("/login")
        self.post("/login", pin=PIN)

    def _csrf(self, path: str) -> str:
        page = self.opener.open(self.hub.url + path, timeout=30).read().decode()
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def post(self, path: str, **form) -> str:
        data = urlencode({"csrf": self.csrf, **form}).encode()
        return self.opener.open(self.hub.url + path, data=data, timeout=30).read().decode()


def _names(mat) -> list[str]:
    path = mat.data_dir / "station.db"
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [n for (n,) in conn.execute("SELECT name FROM athletes WHERE guest = 0 ORDER BY name")]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def test_a_name_added_on_the_console_reaches_the_station_and_an_erasure_too(tmp_path, broker):
    set_pin(tmp_path / "hub", PIN)
    hub = HubProcess(tmp_path / "hub", broker.url)
    mat = StationProcess(tmp_path / "mat-1", broker.url, "mat-1", seed=1, speed=1.0,
                         duration_s=None)
    try:
        wait_until(lambda: (hub.station("mat-1") or {}).get("online"), what="the station online")
        coach = Coach(hub)
        added_s = time.monotonic()
        assert "Ann Berg is on the roster." in coach.post("/coach/roster/add", name="Ann Berg",
                                                          body_mass_kg="61.5")
        wait_until(lambda: "Ann Berg" in _names(mat), timeout_s=30, what="the name at the station")
        took_s = time.monotonic() - added_s
        print(f"a name added on /coach -> in the station's roster: {took_s * 1000:.0f} ms")
        assert took_s < ROSTER_WITHIN_S
        coach.post("/coach/erase", name="Ann Berg", confirm="yes")
        wait_until(lambda: "Ann Berg" not in _names(mat), timeout_s=30,
                   what="the erasure at the station")
    finally:
        mat.stop()
        hub.stop()


#: One work interval long enough for a simulated set or two (at speed 5, 6 s).
ONE_ROUND = {"name": "one", "title": "One", "rounds": 1, "work_s": 30}


def _bodies_naming(mat, name: str) -> list[tuple[str, str]]:
    conn = sqlite3.connect(f"file:{mat.data_dir / 'station.db'}?mode=ro", uri=True)
    try:
        return [(kind, body) for kind, body in conn.execute(
            "SELECT kind, body FROM outbox ORDER BY seq") if name in body]
    finally:
        conn.close()


def _athlete_rows(mat, name: str) -> int:
    conn = sqlite3.connect(f"file:{mat.data_dir / 'station.db'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM athletes WHERE name = ?", (name,)).fetchone()[0]
    finally:
        conn.close()


def test_an_erasure_reaches_a_station_that_was_off_when_it_was_made(tmp_path, broker):
    set_pin(tmp_path / "hub", PIN)
    hub = HubProcess(tmp_path / "hub", broker.url)
    mat = StationProcess(tmp_path / "mat-1", broker.url, "mat-1", seed=1, speed=5.0,
                         duration_s=None)
    try:
        wait_until(lambda: (hub.station("mat-1") or {}).get("online"), what="the station online")
        coach = Coach(hub)
        coach.post("/coach/roster/add", name="Ann Berg")
        wait_until(lambda: "Ann Berg" in _names(mat), what="the name at the station")
        # A challenge files the station's sets and its round under her name.
        code, answer = hub.post("/api/v1/challenges", {
            "challenge": ONE_ROUND, "stations": ["mat-1"], "athletes": {"mat-1": "Ann Berg"},
            "start_in_s": 1})
        assert code == 200, answer
        wait_until(lambda: hub.get(f"/api/v1/challenges/{answer['id']}")["status"] == "finished",
                   what="the challenge's round at the hub")
        assert "challenge_round" in {kind for kind, _ in _bodies_naming(mat, "Ann Berg")}
        mat.stop()
        wait_until(lambda: not hub.station("mat-1")["online"], what="the station offline")
        coach.post("/coach/erase", name="Ann Berg", confirm="yes")
        mat.start()
        wait_until(lambda: _athlete_rows(mat, "Ann Berg") == 0, what="the erasure at the station")
        assert [kind for kind, body in _bodies_naming(mat, "Ann Berg")] == ["athlete"]
        assert '"erased":true' in _bodies_naming(mat, "Ann Berg")[0][1]
    finally:
        mat.stop()
        hub.stop()
