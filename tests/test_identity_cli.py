"""`station athletes tag` and `list`, and tags in the roster, as a person runs them."""

import os
import subprocess
import sys
import tty

import pytest

from station.errors import UserError
from station.identity.serial_decoder import rdm6300_frame
from station.log.athletes import add_athlete, find_athlete, import_roster_csv, set_tag
from station.log.db import open_log
from station_process import station


@pytest.fixture
def conn(tmp_path):
    conn = open_log(tmp_path)
    yield conn
    conn.close()


def test_tags_are_kept_normalised_and_found_however_they_are_written(conn):
    add_athlete(conn, "Ada", tag_id=" 00a2:b1 ")
    assert find_athlete(conn, "Ada").tag_id == "A2B1"
    assert find_athlete(conn, tag_id="0A2B1").name == "Ada"


def test_a_tag_written_before_the_rule_is_still_found(conn):
    ada = add_athlete(conn, "Ada")
    with conn:
        conn.execute("UPDATE athletes SET tag_id = '00a2b1' WHERE id = ?", (ada.id,))
    assert find_athlete(conn, tag_id="A2B1").name == "Ada"


def test_two_athletes_never_share_a_tag(conn):
    add_athlete(conn, "Ada", tag_id="A2B1")
    bo = add_athlete(conn, "Bo")
    with pytest.raises(UserError, match="Tag A2B1 already belongs to Ada; two athletes never share a tag"):
        set_tag(conn, bo.id, "00a2b1")
    with pytest.raises(UserError, match="already belongs to 'Ada'"):
        add_athlete(conn, "Cy", tag_id="0A2B1")


def test_a_roster_file_with_one_tag_written_two_ways_keeps_the_first(conn, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,tag_id\nAda,04A2B1\nBo,4a2b1\n", encoding="utf-8")
    result = import_roster_csv(conn, roster)
    assert [a.name for a in result.imported] == ["Ada"]
    assert result.problems == ["line 3: tag '4A2B1' is on an earlier line"]


def test_a_tag_is_taken_away_with_remove(tmp_path):
    data = tmp_path / "data"
    station("athletes", "--data-dir", data, "add", "Ada", "--tag", "A2B1")
    done = station("athletes", "--data-dir", data, "tag", "Ada", "--remove")
    assert done.returncode == 0 and "Ada has no tag now." in done.stdout
    assert "A2B1" not in station("athletes", "--data-dir", data, "list").stdout


def test_tag_waits_for_a_tap_on_the_reader_and_assigns_it(tmp_path):
    data = tmp_path / "data"
    station("athletes", "--data-dir", data, "add", "Ada")
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        child = subprocess.Popen([sys.executable, "-m", "station", "athletes", "--data-dir", str(data),
                                  "tag", "Ada", "--reader", f"serial:{os.ttyname(slave)}", "--timeout", "60"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert "Tap Ada's tag" in child.stdout.readline()
        # held on the reader until the station has it
        while child.poll() is None:
            os.write(master, rdm6300_frame("0400A2B1C3"))
            try:
                child.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
        out, errors = child.communicate(timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    assert child.returncode == 0, errors
    assert "Ada has tag 400A2B1C3." in out
    listed = station("athletes", "--data-dir", data, "list").stdout
    assert "400A2B1C3" in listed


def test_tag_without_a_tap_says_so_in_a_sentence(tmp_path):
    data = tmp_path / "data"
    station("athletes", "--data-dir", data, "add", "Ada")
    done = station("athletes", "--data-dir", data, "tag", "Ada", "--reader", f"serial:{tmp_path / 'none'}",
                   "--timeout", "0.5")
    assert done.returncode == 2 and "No tap within 0.5 s" in done.stderr and "Traceback" not in done.stderr


def test_tag_with_no_reader_at_all_says_what_to_do(tmp_path):
    data = tmp_path / "data"
    station("athletes", "--data-dir", data, "add", "Ada")
    done = station("athletes", "--data-dir", data, "tag", "Ada", "--reader", "none")
    assert done.returncode == 2 and "--reader serial:PORT" in done.stderr


def test_a_bad_reader_for_a_run_is_one_sentence(tmp_path):
    done = station("run", "--simulate", "--headless", "--duration", 1, "--data-dir", tmp_path, "--reader", "usb")
    assert done.returncode == 2 and "--reader: the tag reader must be" in done.stderr


def test_a_bad_identity_table_names_each_key(tmp_path):
    from station.config import read_config
    path = tmp_path / "station.toml"
    path.write_text('[identity]\nreader = "usb"\nidle_s = 5\nsame_tap_s = "x"\nbaud = 9601\n'
                    'auto_usb_ids = ["ffff"]\n', encoding="utf-8")
    _, problems = read_config(path)
    for key in ("reader", "idle_s", "same_tap_s", "baud", "auto_usb_ids"):
        assert any(f"[identity] {key} must be" in problem for problem in problems), key
