"""The coach's erasures reach stations that were off: a real `station hub`
process sends every erasure it keeps to a station whose status comes back
online, through a real mosquitto (a station's session is clean, so the
broker keeps nothing for it while it is off)."""

import pytest

from hub_process import FakeStation, HubProcess, wait_until
from station.hub import erasures
from station.hub.db import open_hub_db
from station.hub.web import roster


@pytest.fixture
def hub(broker, tmp_path):
    running = HubProcess(tmp_path / "hub", broker.url)
    yield running
    running.stop()


def erase_commands(station) -> list[dict]:
    return [c for c in station.commands if c["cmd"] == "erase_athlete"]


def come_back(station, **keys) -> None:
    station.publish({"v": 1, "station": station.station_id, "state": "offline"}, leaf="status")
    station.publish(station.status(**keys), leaf="status")


def test_a_station_back_online_gets_every_erasure_again_under_the_same_id(hub, station_ann):
    station = station_ann
    come_back(station)
    sent = wait_until(lambda: erase_commands(station), what="the erasure sent again")
    assert [(c["name"], c["v"]) for c in sent] == [("Ann", 1)]
    come_back(station, set_reps=1)
    wait_until(lambda: len(erase_commands(station)) == 2, what="the erasure at the next return")
    assert erase_commands(station)[1]["id"] == sent[0]["id"]


def test_a_status_that_only_changed_sends_nothing(hub, station_ann):
    station = station_ann
    station.publish(station.status(set_reps=3), leaf="status")
    station.publish(station.rep(1, 1))
    wait_until(lambda: hub.station("mat-1")["seq_contiguous"] == 1)
    assert erase_commands(station) == []


def test_a_name_put_on_the_roster_again_is_someone_new_and_not_erased(hub, station_ann):
    station = station_ann
    conn = open_hub_db(hub.data_dir)
    roster.add(conn, "gym", "Ann", None, None)
    conn.close()
    come_back(station)
    station.publish(station.rep(1, 1))  # after the status: once it is in, the status was handled
    wait_until(lambda: hub.station("mat-1")["seq_contiguous"] == 1)
    assert erase_commands(station) == []


def test_after_a_broker_crash_a_station_back_gets_the_erasures_again(hub, broker, station_ann):
    station_ann.close()
    broker.kill()
    broker.start()
    wait_until(lambda: hub.get("/api/v1/health")["broker"] == "connected")
    # The broker lost everything: the hub still thinks the station is online.
    station = FakeStation(broker.port, "mat-1")
    try:
        station.publish(station.status(), leaf="status")
        sent = wait_until(lambda: erase_commands(station), what="the erasure after the crash")
        assert sent[0]["name"] == "Ann"
    finally:
        station.close()



def test_the_coachs_erasure_is_kept_and_an_erasure_made_again_has_a_new_id(hub, station_ann):
    station = station_ann
    conn = open_hub_db(hub.data_dir)
    first = conn.execute("SELECT command_id FROM erasures WHERE name = 'Ann'").fetchone()[0]
    roster.add(conn, "gym", "Ann", None, None)
    # Erased again at the console: the command sent now is the one kept for later.
    roster.erase_everywhere(conn, None, "gym", "Ann")
    again = conn.execute("SELECT command_id FROM erasures WHERE name = 'Ann'").fetchone()[0]
    conn.close()
    assert again != first
    come_back(station)
    sent = wait_until(lambda: erase_commands(station), what="the erasure sent again")
    assert [(c["name"], c["id"]) for c in sent] == [("Ann", again)]

@pytest.fixture
def station_ann(hub, broker):
    """mat-1 online at the hub, and Ann erased by the coach."""
    station = FakeStation(broker.port, "mat-1")
    station.publish(station.status(), leaf="status")
    wait_until(lambda: (hub.station("mat-1") or {}).get("online"), what="mat-1 online")
    conn = open_hub_db(hub.data_dir)
    erasures.record(conn, "Ann")
    conn.close()
    yield station
    station.close()
