"""The pages over a real hub.db: an athlete's history and a set's reps, the
set link's token and its expiry, the pull API's cursors and its guard, the
roster with the station's own rules, and hostile names shown as text."""

import io
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from station.network.set_links import set_address, set_token, token_opens
from web_client import csrf_of, hub_app, log_in
from web_data import HOSTILE_NAMES, HubFiller


@pytest.fixture
def hub_dir(tmp_path):
    return tmp_path / "hub"


@pytest.fixture
def filled(hub_dir):
    filler = HubFiller(hub_dir)
    filler.athlete("Ann", body_mass_kg=61.0)
    filler.status(athlete="Ann", set_reps=3, last_rating="soft", waiting=0,
                  sensors={"mat": "ok", "force": "ok"}, free_disk_mb=12034.5)
    session, set_index = filler.set_with_reps("Ann", 3)
    yield filler, session, set_index
    filler.close()


@pytest.fixture
def client(hub_dir, filled):
    with hub_app(hub_dir) as client:
        yield client


def test_an_athlete_page_has_a_chart_per_measure_and_the_personal_bests(client, filled):
    log_in(client)
    page = client.get("/athletes/Ann")
    assert page.status_code == 200
    assert page.text.count("<svg class=\"chart\"") == 4
    assert "20.0 cm" in page.text  # the best jump, 0.198 m
    assert "200 ms" in page.text  # the fastest rebound


def test_pages_other_than_the_board_need_the_login(client, filled):
    for path in ("/coach", "/athletes/Ann"):
        assert client.get(path, follow_redirects=False).status_code == 303
    assert client.get("/board").status_code == 200
    assert client.get("/api/v1/sets").status_code == 401


def test_a_sets_tokened_link_opens_it_without_a_login(client, filled):
    _, session, set_index = filled
    address = set_address("mat-1", session, set_index)
    assert client.get(f"/sets/{address}").status_code == 404
    assert client.get(f"/sets/{address}?t={'0' * 32}").status_code == 404
    page = client.get(f"/sets/{address}?t={set_token(session, address)}")
    assert page.status_code == 200 and "3</strong> of 3 reps valid" in page.text
    assert "force trace stays on the station" in page.text


def test_the_hub_closes_a_set_link_after_its_set_link_days(hub_dir):
    from station.hub.web.state import WebSettings
    filler = HubFiller(hub_dir)
    session, set_index = filler.set_with_reps("Ann", 1, started=datetime.now(timezone.utc)
                                              - timedelta(days=2))
    filler.close()
    address = set_address("mat-1", session, set_index)
    link = f"/sets/{address}?t={set_token(session, address)}"
    with hub_app(hub_dir) as client:
        assert client.get(link).status_code == 200
    with hub_app(hub_dir, web_settings=WebSettings(set_link_days=1.5)) as client:
        assert "link is not right or has expired" in client.get(link).text


def test_a_set_link_works_for_its_days_and_not_a_millisecond_more():
    session, address = "5b2f0e4e-0000-4000-8000-000000000000", "mat-1.abc.0"
    token = set_token(session, address)
    started = datetime(2026, 12, 1, 18, 0, tzinfo=timezone.utc)
    ends = started + timedelta(days=7)
    assert token_opens(session, address, token, started.isoformat(),
                       ends - timedelta(milliseconds=1), 7)
    assert not token_opens(session, address, token, started.isoformat(), ends, 7)
    assert not token_opens(session, "mat-1.abc.1", token, started.isoformat(), started, 7)


def test_the_pull_api_pages_with_a_cursor_and_modified_since(client, filled, hub_dir):
    filler, *_ = filled
    filler.set_with_reps("Bob", 4)
    token = (hub_dir / "api-token").read_text().strip()
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get("/api/v1/pull/reps?limit=5", headers=headers).json()
    second = client.get(f"/api/v1/pull/reps?limit=5&after={first['next']}",
                        headers=headers).json()
    assert len(first["reps"]) == 5 and len(second["reps"]) == 2 and second["next"] is None
    assert [r["athlete"] for r in first["reps"] + second["reps"]] == ["Ann"] * 3 + ["Bob"] * 4
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/pull/reps", params={"modified_since": future},
                      headers=headers).json()["reps"] == []
    sets = client.get("/api/v1/sets", headers=headers).json()["sets"]
    assert [s["athlete"] for s in sets] == ["Ann", "Bob"] and sets[0]["address"].startswith("mat-1.")
    assert client.get("/api/v1/sessions", headers=headers).json()["sessions"][0]["simulated"]
    assert client.get("/api/v1/athletes", headers=headers).json()["athletes"][0]["name"] == "Ann"


def test_the_coach_adds_and_imports_with_the_stations_row_by_row_errors(client):
    log_in(client)
    token = csrf_of(client, "/coach")
    added = client.post("/coach/roster/add", data={"csrf": token, "name": "Cy",
                                                   "body_mass_kg": "70,5"})
    assert "Cy is on the roster" in added.text
    again = client.post("/coach/roster/add", data={"csrf": token, "name": "Ann"})
    assert "&#39;Ann&#39; is already on the roster" in again.text
    csv = "name,body_mass_kg\nDee,65\nAnn,60\nEve,4000\n".encode()
    imported = client.post("/coach/roster/import", data={"csrf": token},
                           files={"file": ("roster.csv", csv, "text/csv")})
    assert "1 athlete(s) added." in imported.text
    assert "line 3: &#39;Ann&#39; is already on the roster" in imported.text
    assert "line 4: a body mass of 4000 kg is not plausible" in imported.text
    names = [a["name"] for a in client.get("/api/v1/athletes").json()["athletes"]]
    assert names == ["Ann", "Cy", "Dee"]


def test_erasing_takes_the_name_off_the_roster_and_every_rep(client, hub_dir):
    log_in(client)
    token = csrf_of(client, "/coach/erase?name=Ann")
    refused = client.post("/coach/erase", data={"csrf": token, "name": "Ann"})
    assert "Tick the box" in refused.text
    done = client.post("/coach/erase", data={"csrf": token, "name": "Ann", "confirm": "yes"})
    assert "Ann is erased at the hub" in done.text
    assert client.get("/api/v1/athletes").json()["athletes"] == []
    reps = client.get("/api/v1/pull/reps").json()["reps"]
    assert reps and all(r["athlete"] is None for r in reps)


def test_the_export_zip_holds_the_usb_exports_files(client):
    log_in(client)
    response = client.get("/coach/export.zip")
    assert response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    folder = names[0].split("/")[0]
    assert {f"{folder}/{n}" for n in ("reps.csv", "phases.csv", "sessions.csv", "challenges.csv",
                                      "summary.json")} <= set(names)
    assert any(n.startswith(f"{folder}/charts/") and n.endswith(".png") for n in names)
    one = client.get("/coach/export.zip?athlete=ann")
    reps_csv = zipfile.ZipFile(io.BytesIO(one.content)).read(f"{folder}/reps.csv").decode("utf-8-sig")
    assert len(reps_csv.strip().splitlines()) == 4


def test_hostile_names_are_escaped_on_every_page(hub_dir):
    filler = HubFiller(hub_dir)
    addresses = []
    for name in HOSTILE_NAMES:
        filler.athlete(name)
        session, set_index = filler.set_with_reps(name, 1)
        addresses.append(set_address("mat-1", session, set_index))
    filler.status(athlete=HOSTILE_NAMES[0], set_reps=1, last_rating="<b>hard</b>")
    filler.close()
    with hub_app(hub_dir) as client:
        log_in(client)
        pages = [client.get("/coach").text, client.get("/board").text]
        pages += [client.get(f"/sets/{a}").text for a in addresses]
        for name in HOSTILE_NAMES:
            from urllib.parse import quote
            pages.append(client.get("/athletes/" + quote(name, safe="")).text)
    for text in pages:
        assert "<script>window" not in text and "<img src=x" not in text
        assert "<svg onload" not in text and 'href="javascript:' not in text


def test_the_console_starts_pauses_and_aborts_a_challenge(client):
    log_in(client)
    token = csrf_of(client, "/coach")
    form = {"csrf": token, "preset": "custom", "rounds": "2", "work_s": "6", "rest_s": "3",
            "score": "valid_reps", "station": "mat-1", "athlete:mat-1": "Ann",
            "start_in_s": "30"}
    started = client.post("/coach/challenge", data=form)
    assert "Challenge started on 1 station(s); it begins in 30 s." in started.text
    assert 'id="abort"' in started.text
    challenge_id = started.text.split('action="/coach/challenge/')[1].split("/")[0]
    paused = client.post(f"/coach/challenge/{challenge_id}/pause", data={"csrf": token})
    assert "the challenge is scheduled; pause is for a challenge that is running" in paused.text.lower()
    aborted = client.post(f"/coach/challenge/{challenge_id}/abort", data={"csrf": token})
    assert "The challenge is aborted on every station." in aborted.text
    assert client.get(f"/api/v1/challenges/{challenge_id}").json()["status"] == "aborted"


def test_a_challenge_with_no_station_picked_is_one_sentence(client):
    log_in(client)
    token = csrf_of(client, "/coach")
    refused = client.post("/coach/challenge", data={"csrf": token, "preset": "tabata",
                                                    "start_in_s": "10"})
    assert "Pick at least one station for the challenge." in refused.text


def test_the_api_docs_page_and_everything_it_loads_come_from_the_hub(client):
    import re
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.text
    # No address on another host: no scheme, no protocol-relative link.
    assert not re.search(r"(https?:)?//[A-Za-z0-9]", html), html
    referenced = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
    assert {"/api/swagger-ui/swagger-ui-bundle.js", "/api/swagger-ui/swagger-ui.css",
            "/api/openapi.json"} <= set(referenced)
    for path in referenced:
        assert client.get(path).status_code == 200, path
    assert '"validatorUrl": null' in html  # the validator badge would ask the internet
    assert client.get("/api/swagger-ui/LICENSE").status_code == 200


def test_the_consoles_stations_panel_shows_each_stations_last_status(hub_dir):
    import re

    from station.hub import store
    now = datetime.now(timezone.utc)
    filler = HubFiller(hub_dir, station="mat-1")
    filler.status(waiting=4, sensors={"mat": "ok", "force": "problem"},
                  calibrated_at=(now - timedelta(days=3, hours=2)).isoformat(),
                  free_disk_mb=12034.5)
    store.seen(filler.conn, "gym", "mat-1", (now - timedelta(seconds=42)).isoformat(), 0)
    filler.station = "mat-2"
    filler.status(waiting=0, sensors={"mat": "ok", "force": "none"}, calibrated_at=None,
                  free_disk_mb=512.0)
    filler.conn.execute("UPDATE stations SET online = 0 WHERE id = 'mat-2'")
    filler.close()
    with hub_app(hub_dir) as client:
        log_in(client)
        page = client.get("/coach").text
    table = page[page.index('<table id="stations">'):]
    table = table[:table.index("</table>")]
    rows = [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr class[^>]*>(.*?)</tr>", table, re.S)]
    assert rows[0][:2] == ["mat-1", "yes"]
    assert rows[0][2] in ("42 s ago", "43 s ago")  # the page is made a moment later
    assert rows[0][3:] == ["4", "force problem, mat ok", "3 d ago", "11.8 GB"]
    assert rows[1] == ["mat-2", "no", "–", "0", "force none, mat ok", "never", "512 MB"]
