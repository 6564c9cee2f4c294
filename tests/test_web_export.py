"""The coach's zip against the station's own USB export: the same reps.csv
for the same data, from a real headless station through a real mosquitto to
a real hub process."""

import io
import urllib.request
import zipfile
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import re

from class_stations import StationProcess, finish
from hub_process import HubProcess
from station.hub.web.pin import set_pin
from station_process import station

PIN = "4711"


def _logged_in_opener(hub):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = opener.open(hub.url + "/login", timeout=30).read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    opener.open(hub.url + "/login", data=urlencode({"pin": PIN, "csrf": csrf}).encode(),
                timeout=30).read()
    return opener


def test_the_zips_reps_csv_equals_the_stations_own_export(tmp_path, broker):
    set_pin(tmp_path / "hub", PIN)
    hub = HubProcess(tmp_path / "hub", broker.url)
    mat = StationProcess(tmp_path / "mat-1", broker.url, "mat-1", seed=3, duration_s=40.0)
    try:
        finish(hub, [mat])
        opener = _logged_in_opener(hub)
        archive = zipfile.ZipFile(io.BytesIO(opener.open(hub.url + "/coach/export.zip",
                                                         timeout=60).read()))
    finally:
        mat.stop()
        hub.stop()
    (tmp_path / "stick").mkdir()
    done = station("export", "--to", tmp_path / "stick", "--data-dir", mat.data_dir)
    assert done.returncode == 0, done.stderr
    folder = next((tmp_path / "stick").iterdir())
    ours = (folder / "reps.csv").read_bytes()
    zipped = archive.read(next(n for n in archive.namelist() if n.endswith("/reps.csv")))
    assert zipped == ours
    assert len(ours.splitlines()) > 10
    sessions = archive.read(next(n for n in archive.namelist() if n.endswith("/sessions.csv")))
    assert sessions == (folder / "sessions.csv").read_bytes()
