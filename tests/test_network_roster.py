"""The hub's roster and erasures reach a real station's log through a real
mosquitto; the roster's own rules in a real SQLite file."""

import json

from network_station import Listener, Station, wait_until
from station.log.athletes import add_athlete, add_guest, list_athletes, set_tag
from station.log.db import open_log
from station.log.hub_roster import erase_athlete, replace_roster, roster_entries
from station.log.outbox import mark_sent

ROSTER = "jumpmat/v1/gym/hub/roster"


def roster_names(station):
    conn = station.db()
    try:
        return [name for (name,) in conn.execute("SELECT name FROM athletes WHERE guest = 0 ORDER BY name")]
    except Exception:  # the station has not made its log yet
        return []
    finally:
        conn.close()


def test_the_hubs_roster_and_an_erasure_reach_the_station(tmp_path, broker):
    listener = Listener(broker.port)
    listener.publish(ROSTER, {"v": 1, "revision": 1, "athletes": [
        {"name": "Ann", "body_mass_kg": 61.0, "tag_id": "04A2"}, {"name": "Bob", "body_mass_kg": None,
                                                                  "tag_id": None}]}, retain=True)
    station = Station(tmp_path, "--speed", "5", "--broker", broker.url, "--station-id", "mat-1")
    try:
        wait_until(lambda: roster_names(station) == ["Ann", "Bob"], what="the retained roster")
        listener.publish(ROSTER, {"v": 1, "revision": 2, "athletes": [
            {"name": "Ann", "body_mass_kg": 61.0, "tag_id": "04A2"},
            {"name": "Cy", "body_mass_kg": 70.0, "tag_id": None}]}, retain=True)
        wait_until(lambda: roster_names(station) == ["Ann", "Cy"], what="the new roster")
        listener.publish("jumpmat/v1/gym/station/mat-1/cmd",
                         {"v": 1, "cmd": "erase_athlete", "id": "e-1", "name": "Ann"})
        wait_until(lambda: roster_names(station) == ["Cy"], what="the erasure")
        wait_until(lambda: [m for m in listener.log_entries("mat-1")
                            if m["kind"] == "athlete" and m["body"]["erased"]], what="the erasure sent")
    finally:
        station.stop()
    listener.close()


def test_a_roster_replaces_the_non_guests_and_keeps_everyone_elses_sets(tmp_path):
    conn = open_log(tmp_path)
    old = add_athlete(conn, "Old", tag_id="T1")
    guest = add_guest(conn)
    _sent_all(conn)
    replace_roster(conn, {"v": 1, "athletes": [
        {"name": "New", "body_mass_kg": 80.0, "tag_id": "T1"}, {"name": guest.name},
        {"name": "New"}, {"name": ""}, {"name": "Heavy", "body_mass_kg": 4000}, "nonsense"]})
    assert [(a.name, a.body_mass_kg, a.tag_id) for a in list_athletes(conn)] == [
        (guest.name, None, None), ("Heavy", None, None), ("New", 80.0, "T1")]
    assert [a.name for a in list_athletes(conn, guests=True) if a.guest] == ["Old"]
    assert erase_athlete(conn, "Old") == [old.id]
    assert erase_athlete(conn, "Nobody") == []
    assert "Old" not in [a.name for a in list_athletes(conn, guests=True)]
    named = [(kind, body) for kind, body in conn.execute("SELECT kind, body FROM outbox ORDER BY seq")
             if '"Old"' in body]
    assert named == [("athlete", '{"name":"Old","body_mass_kg":null,"tag_id":null,"guest":false,'
                                 '"erased":true}')]
    conn.close()


def _sent_all(conn):
    """The publisher's part: the broker took every entry (the hub has heard of them)."""
    mark_sent(conn, [seq for (seq,) in conn.execute("SELECT seq FROM outbox")])


def test_a_tag_given_here_is_an_athlete_entry_for_the_hub(tmp_path):
    conn = open_log(tmp_path)
    ann = add_athlete(conn, "Ann", body_mass_kg=61.0)
    set_tag(conn, ann.id, "00c0ffee")
    set_tag(conn, ann.id, None)
    bodies = [json.loads(body) for (body,) in conn.execute(
        "SELECT body FROM outbox WHERE kind = 'athlete' ORDER BY seq")]
    assert [b["tag_id"] for b in bodies] == [None, "C0FFEE", None]
    assert bodies[1] == {"name": "Ann", "body_mass_kg": 61.0, "tag_id": "C0FFEE", "guest": False,
                         "erased": False}
    conn.close()


def test_the_hubs_roster_is_cleaned_and_gives_each_tag_once():
    entries = roster_entries({"athletes": [
        {"name": "Ann\x00 \u202eBerg", "tag_id": "04A2B1"}, {"name": "Bob", "tag_id": "4a2b1"},
        {"name": "Cy", "tag_id": "not a tag!"}, {"name": "D" * 106, "tag_id": " 00:be-ef "},
        {"name": "Ann Berg"}, {"name": "\u202e\x00"}]})
    assert entries == [("Ann Berg", None, "4A2B1"), ("Bob", None, None), ("Cy", None, None),
                       ("D" * 60, None, "BEEF")]


def test_a_tag_given_here_stays_until_the_hub_has_heard_of_it(tmp_path):
    conn = open_log(tmp_path)
    replace_roster(conn, {"athletes": [{"name": "Ann"}, {"name": "Bob", "tag_id": "BEEF"}]})
    ann, bob = list_athletes(conn)
    set_tag(conn, bob.id, None)
    set_tag(conn, ann.id, "C0FFEE")
    added = add_athlete(conn, "Cy")
    set_tag(conn, added.id, "BEEF")
    # The hub's roster from before the change: it knows neither tag, nor Cy.
    stale = {"athletes": [{"name": "Ann"}, {"name": "Bob", "tag_id": "BEEF"}]}
    replace_roster(conn, stale)
    assert [(a.name, a.tag_id) for a in list_athletes(conn)] == [
        ("Ann", "C0FFEE"), ("Bob", None), ("Cy", "BEEF")]
    _sent_all(conn)
    replace_roster(conn, stale)   # sent, and the hub still says so: the hub's roster wins
    assert [(a.name, a.tag_id) for a in list_athletes(conn)] == [("Ann", None), ("Bob", "BEEF")]
    conn.close()


def test_doctor_shows_the_broker_the_station_and_what_waits(tmp_path, broker):
    from station_process import station
    config = tmp_path / "station.toml"
    config.write_text(f'[network]\nbroker = "{broker.url}"\nstation_id = "mat-7"\n')
    conn = open_log(tmp_path)
    add_athlete(conn, "Ann")
    conn.close()
    lines = station("doctor", "--config", config, "--data-dir", tmp_path).stdout.splitlines()
    network = [line.strip() for line in lines if "network:" in line or "clock sync:" in line]
    assert network[0] == f"ok  network: broker {broker.url} reachable"
    assert network[1:3] == ["ok  network: station id mat-7, site gym",
                            "ok  network: 1 log entry waiting to be sent"]
    assert "clock sync:" in network[3]
    broker.stop()
    lines = station("doctor", "--config", config, "--data-dir", tmp_path).stdout.splitlines()
    assert any(line.strip().startswith("PROBLEM") and "cannot be reached" in line for line in lines)
