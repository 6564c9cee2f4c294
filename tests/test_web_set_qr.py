"""'Scan to see your set': the set summary's QR code decodes (zbarimg) to
the set's tokened page at the hub, and that page opens without a login."""

import shutil
import subprocess
from urllib.parse import urlsplit

import pygame
import pytest

from station.analysis.events import SetEnd
from station.config import ConfigError, load_config
from station.kiosk.screens import summary
from station.kiosk.state.board import LiveBoard
from station.kiosk.screens.set_link import set_link_maker, set_url
from station.kiosk.draw.text import TextCache
from station.log.db import open_log
from web_client import hub_app
from web_data import HubFiller


def _decode(path) -> str:
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is not installed (Debian package zbar-tools); .ci/run installs it")
    done = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_summarys_qr_code_opens_the_sets_page(tmp_path, video):
    filler = HubFiller(tmp_path / "hub")
    session, set_index = filler.set_with_reps("Ann", 3)
    filler.close()
    url = set_url("http://hub.test:8080", "mat-1", session, set_index)
    board = LiveBoard()
    board.apply(SetEnd(index=set_index, start_s=1.0, end_s=9.0, reps=3, valid_reps=3,
                       ended_by="step_off"))
    surface = pygame.Surface((800, 480))
    rects = summary.render(surface, board, TextCache(), link=url)
    assert rects
    pygame.image.save(surface, str(tmp_path / "summary.png"))
    assert _decode(tmp_path / "summary.png") == url
    with hub_app(tmp_path / "hub") as client:
        address = urlsplit(url)
        page = client.get(f"{address.path}?{address.query}")
    assert page.status_code == 200 and "3</strong> of 3 reps valid" in page.text


def test_the_link_is_made_from_the_sessions_uuid_in_the_log(tmp_path):
    conn = open_log(tmp_path)
    conn.execute("INSERT INTO sessions (started_at, mat_source, force_source, simulated, uuid) "
                 "VALUES ('2026-12-04T18:00:00.000+00:00', 'sim', 'sim', 1, 'u-1')")
    session_id = [None]
    link = set_link_maker("http://hub:8080/", "mat-1", conn, lambda: session_id[0])
    assert link(0) is None  # no session yet
    session_id[0] = 1
    assert link(2) == set_url("http://hub:8080", "mat-1", "u-1", 2)
    assert link(2).startswith("http://hub:8080/sets/mat-1.")
    conn.close()


def test_a_hub_url_that_is_not_a_web_address_is_refused_with_its_key(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text('[web]\nhub_url = "hub.local:8080"\n')
    with pytest.raises(ConfigError, match="hub_url"):
        load_config(path)
