"""A coach who has never seen it runs a class challenge on three real
headless stations from a phone, with the TV's board open: the board's final
ranking equals the hub's standings and the stations' own rounds."""

import sqlite3

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser import chromium_or_skip, quit_browser, start_browser, submit, viewport, wait_for
from class_stations import StationProcess
from hub_process import HubProcess, wait_until
from station.challenge.scores import IntervalResult, rank
from station.hub.web.pin import set_pin

PIN = "4711"
ATHLETES = {"mat-1": "Ann", "mat-2": "Bob", "mat-3": "Cy"}


@pytest.fixture
def room(tmp_path, broker):
    chromium_or_skip()
    set_pin(tmp_path / "hub", PIN)
    hub = HubProcess(tmp_path / "hub", broker.url)
    # Real speed: a wall-clock start means nothing on a sped-up session clock.
    mats = [StationProcess(tmp_path / name, broker.url, name, seed=n, speed=1.0, duration_s=None)
            for n, name in enumerate(ATHLETES, start=1)]
    phone, tv = start_browser(), start_browser()
    yield hub, mats, phone, tv
    for browser in (phone, tv):
        quit_browser(browser)
    for thing in (*mats, hub):
        thing.stop()


def _own_rounds(mat, challenge_id):
    conn = sqlite3.connect(f"file:{mat.data_dir / 'station.db'}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT round_index, reps, valid_reps, quality_reps, mean_rebound_contact_s "
            "FROM challenge_rounds JOIN challenges ON challenges.id = challenge_id "
            "WHERE hub_challenge = ? ORDER BY round_index", (challenge_id,)).fetchall()
    finally:
        conn.close()


def _board_ranking(tv):
    return tv.execute_script(
        "return [...document.querySelectorAll('#ranking tbody tr')].map(tr => "
        "[...tr.cells].map(td => td.textContent));")


def test_the_coach_runs_a_challenge_on_three_stations_and_the_board_shows_it(room):
    hub, mats, phone, tv = room
    wait_until(lambda: all((hub.station(m.station_id) or {}).get("online") for m in mats),
               what="three stations online at the hub")
    tv.get(hub.url + "/board")
    viewport(phone, 390, 844)
    phone.get(hub.url + "/coach")
    phone.find_element(By.ID, "pin").send_keys(PIN)
    submit(phone, phone.find_element(By.ID, "login"))
    for name in ATHLETES.values():
        phone.find_element(By.ID, "add-name").send_keys(name)
        submit(phone, phone.find_element(By.ID, "add"))
        assert f"{name} is on the roster." in phone.find_element(By.ID, "said").text
    Select(phone.find_element(By.ID, "preset")).select_by_value("custom")
    for field, value in (("rounds", "2"), ("work_s", "6"), ("rest_s", "3"), ("start_in_s", "6")):
        box = phone.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    for station, athlete in ATHLETES.items():
        box = phone.find_element(By.CSS_SELECTOR, f'input[name=station][value="{station}"]')
        assert box.is_selected()  # online stations are ticked already
        Select(phone.find_element(By.NAME, f"athlete:{station}")).select_by_visible_text(athlete)
    submit(phone, phone.find_element(By.ID, "start"))
    assert "Challenge started on 3 station(s)" in phone.find_element(By.ID, "said").text

    wait_for(tv, lambda d: d.execute_script("return !document.getElementById('challenge').hidden;"),
             what="the board showing the challenge")
    assert tv.find_element(By.ID, "challenge-name").text == "Custom"
    assert tv.find_element(By.ID, "phase").text in ("Get ready", "Work · round 1")
    challenge_id = sqlite3.connect(hub.data_dir / "hub.db").execute(
        "SELECT id FROM challenges").fetchone()[0]
    finished = wait_until(lambda: (lambda c: c["status"] == "finished" and c)(
        hub.get(f"/api/v1/challenges/{challenge_id}")), timeout_s=90,
        what="the challenge finished at the hub")
    expected_rows = [[str(s["place"]), s["athlete"], s["station"], str(s["reps"]),
                      str(s["valid_reps"]), str(s["quality_reps"])] for s in finished["standings"]]
    wait_for(tv, lambda d: _board_ranking(d) == expected_rows, timeout_s=30,
             what="the board's final ranking")
    assert tv.find_element(By.ID, "phase").text == "Final ranking"

    own = {mat.station_id: _own_rounds(mat, challenge_id) for mat in mats}
    assert all(len(rounds) == 2 for rounds in own.values()), own
    results = [IntervalResult(index=r[0], kind="work", athlete=station, round=r[0], start_s=0.0,
                              end_s=0.0, ended_by="time", reps=r[1], valid=r[2], quality=r[3],
                              mean_rebound_contact_s=r[4], target_reps=None, paused_reps=0)
               for station, rounds in own.items() for r in rounds]
    from_stations = [[str(s.place), ATHLETES[s.athlete], s.athlete, str(s.reps), str(s.valid),
                      str(s.quality)] for s in rank(list(own), results, "valid_reps")]
    assert _board_ranking(tv) == from_stations
    assert sum(int(row[3]) for row in from_stations) > 0
