"""A challenge started from the hub's API on three real headless stations:
they begin their first work interval within 50 ms of each other (the wall
clock each station read when its main loop began it, on this machine's one
clock), and the hub's standings equal the stations' own rounds, read from
each station.db."""

import pytest

from broker import Broker
from class_stations import StationProcess, hub_ranking, own_rounds, ranking_of_own_rounds
from hub_process import HubProcess, wait_until

#: Two short work intervals: the test takes seconds of real time, not minutes.
SHORT = {"name": "short", "title": "Short", "score": "valid_reps",
         "intervals": [{"kind": "work", "duration_s": 6}, {"kind": "rest", "duration_s": 3},
                       {"kind": "work", "duration_s": 6}]}
START_SPREAD_S = 0.050


@pytest.fixture
def room(tmp_path):
    broker = Broker(tmp_path / "broker")
    hub = HubProcess(tmp_path / "hub", broker.url)
    # Real speed: a wall-clock start means nothing on a sped-up session clock.
    mats = [StationProcess(tmp_path / f"mat-{n}", broker.url, f"mat-{n}", seed=n, speed=1.0,
                           duration_s=None) for n in (1, 2, 3)]
    yield hub, mats
    for thing in (*mats, hub, broker):
        thing.stop()


def test_three_stations_start_together_and_are_ranked_by_their_own_rounds(room):
    hub, mats = room
    wait_until(lambda: all((hub.station(m.station_id) or {}).get("online") for m in mats),
               what="three stations online at the hub")
    code, answer = hub.post("/api/v1/challenges", {
        "challenge": SHORT, "stations": [m.station_id for m in mats],
        "athletes": {"mat-1": "Ann", "mat-2": "Bob", "mat-3": "Cy"}, "start_in_s": 6})
    assert code == 200, answer
    challenge_id = answer["id"]
    finished = wait_until(
        lambda: (lambda c: c["status"] == "finished" and c)(
            hub.get(f"/api/v1/challenges/{challenge_id}")),
        timeout_s=90, what="the challenge finished at the hub")

    # When each station's main loop really began its first work interval, by
    # its own wall clock (one clock on this machine), as it printed it.
    began = {}
    for mat in mats:
        starts = [line for line in mat.lines() if line.get("type") == "interval_start"
                  and line.get("challenge") == challenge_id]
        assert starts, mat.output.read_text()[-2000:]
        began[mat.station_id] = starts[0]["shown_unix_s"]
    start_at = answer["start_at_unix_s"]
    print("first work interval began, after the start time: " + ", ".join(
        f"{station} {(at - start_at) * 1000:.1f} ms" for station, at in began.items()))
    assert max(began.values()) - min(began.values()) <= START_SPREAD_S
    # Not before the start (a little slack for the wall clock against the
    # monotonic one the station's timeline runs on).
    assert min(began.values()) >= start_at - 0.005

    assert all(len(own_rounds(mat, challenge_id)) == 2 for mat in mats)
    assert hub_ranking(finished) == ranking_of_own_rounds(mats, challenge_id, "valid_reps")
    assert {s["station"]: s["athlete"] for s in finished["standings"]} == \
        {"mat-1": "Ann", "mat-2": "Bob", "mat-3": "Cy"}
    assert sum(s["reps"] for s in finished["standings"]) > 0
