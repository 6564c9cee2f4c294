"""Challenges run by the hub, against stations the test plays with paho:
the start command reaches every chosen station with one start time, the
standings come from the stations' rounds with the kiosk's ranking rule, and
pause, skip and abort reach every station."""

import json
import time

import paho.mqtt.client as mqtt
import pytest

from hub_process import FakeStation, HubProcess, wait_until
from station.challenge.definition import parse_definition

MINI = {"name": "mini", "title": "Mini", "score": "valid_reps",
        "intervals": [{"kind": "work", "duration_s": 5}, {"kind": "rest", "duration_s": 2},
                      {"kind": "work", "duration_s": 5, "target_reps": 3}]}


@pytest.fixture
def hub(broker, tmp_path):
    running = HubProcess(tmp_path / "hub", broker.url)
    yield running
    running.stop()


@pytest.fixture
def mats(broker, hub, closing):
    stations = [closing(FakeStation(broker.port, f"mat-{n}")) for n in (1, 2, 3)]
    for station in stations:
        station.publish(station.status(seq_last=0, seq_sent=0, waiting=0), leaf="status")
    wait_until(lambda: len(hub.get("/api/v1/stations")["stations"]) == 3)
    return stations


def _round(station, seq, challenge, athlete, round_index, reps, valid, quality, contact_s):
    return {"v": 1, "station": station.station_id, "seq": seq, "kind": "challenge_round",
            "at": "2026-12-04T18:00:00.000+00:00",
            "body": {"session": station.session, "challenge": challenge, "name": "mini",
                     "athlete": athlete, "round_index": round_index, "reps": reps,
                     "valid_reps": valid, "quality_reps": quality,
                     "mean_rebound_contact_s": contact_s}}


def _commands(station, cmd):
    return [c for c in station.commands if c["cmd"] == cmd]


class Retained:
    """The last payload on a topic, as a station subscribed to it sees it."""

    def __init__(self, port, topic):
        self.last = None
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.on_message = lambda c, u, m: setattr(self, "last", json.loads(m.payload))
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(topic, qos=1)
        self.client.loop_start()

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


def test_a_challenge_starts_every_station_at_one_time_and_ranks_their_rounds(
        hub, mats, broker, closing):
    before_s = time.time()
    code, answer = hub.post("/api/v1/challenges", {
        "challenge": MINI, "stations": ["mat-1", "mat-2", "mat-3"],
        "athletes": {"mat-1": "Ann", "mat-2": "Bob", "mat-3": "Cy"}, "start_in_s": 3})
    assert code == 200, answer
    challenge_id, start_at_s = answer["id"], answer["start_at_unix_s"]
    assert before_s + 3 <= start_at_s <= time.time() + 3
    starts = [wait_until(lambda s=s: _commands(s, "challenge_start")) for s in mats]
    assert {c[0]["start_at_unix_s"] for c in starts} == {start_at_s}
    assert [c[0]["athlete"] for c in starts] == ["Ann", "Bob", "Cy"]
    assert {c[0]["challenge"] for c in starts} == {challenge_id}
    definition = parse_definition(starts[0][0]["definition"], "the command")
    assert [i.duration_s for i in definition.intervals] == [5.0, 2.0, 5.0]
    assert definition.intervals[2].target_reps == 3
    assert hub.get(f"/api/v1/challenges/{challenge_id}")["status"] == "scheduled"
    wait_until(lambda: hub.get(f"/api/v1/challenges/{challenge_id}")["status"] == "running")

    standings = closing(Retained(broker.port, "jumpmat/v1/gym/hub/standings"))
    one, two, three = mats
    # Bob and Cy tie on valid reps; Cy has more quality reps, so Cy is second.
    one.publish(_round(one, 1, challenge_id, "Ann", 1, 9, 8, 8, 0.2))
    two.publish(_round(two, 1, challenge_id, "Bob", 1, 7, 6, 4, 0.21))
    three.publish(_round(three, 1, challenge_id, "Cy", 1, 6, 6, 6, 0.22))
    one.publish(_round(one, 2, challenge_id, "Ann", 2, 5, 5, 5, 0.2))
    two.publish(_round(two, 2, challenge_id, "Bob", 2, 4, 4, 4, 0.2))
    wait_until(lambda: hub.get(f"/api/v1/challenges/{challenge_id}")["standings"][0]["reps"]
               == 14)
    running = hub.get(f"/api/v1/challenges/{challenge_id}")
    assert running["status"] == "running"
    assert [(s["place"], s["station"], s["athlete"], s["score"], s["valid_reps"])
            for s in running["standings"]] == [(1, "mat-1", "Ann", 13, 13),
                                               (2, "mat-2", "Bob", 10, 10),
                                               (3, "mat-3", "Cy", 6, 6)]
    three.publish(_round(three, 2, challenge_id, "Cy", 2, 4, 4, 4, 0.2))
    finished = wait_until(lambda: (lambda c: c["status"] == "finished" and c)(
        hub.get(f"/api/v1/challenges/{challenge_id}")), what="the finished challenge")
    assert [(s["station"], s["score"], s["quality_reps"]) for s in finished["standings"]] == \
        [("mat-1", 13, 13), ("mat-3", 10, 10), ("mat-2", 10, 8)]
    assert [s["place"] for s in finished["standings"]] == [1, 2, 3]
    wait_until(lambda: standings.last and standings.last["status"] == "finished",
               what="the retained standings")
    assert standings.last["challenge"] == challenge_id
    assert standings.last["standings"] == finished["standings"]


def test_pause_resume_skip_and_abort_reach_every_station(hub, mats):
    _, answer = hub.post("/api/v1/challenges", {"challenge": "tabata", "stations":
                                                ["mat-1", "mat-2", "mat-3"], "start_in_s": 0})
    challenge_id = answer["id"]
    wait_until(lambda: hub.get(f"/api/v1/challenges/{challenge_id}")["status"] == "running")
    for action in ("pause", "resume", "skip", "abort"):
        code, shown = hub.post(f"/api/v1/challenges/{challenge_id}/{action}")
        assert code == 200, shown
        for station in mats:
            got = wait_until(lambda s=station: _commands(s, f"challenge_{action}"))
            assert got[0]["challenge"] == challenge_id and got[0]["at_unix_s"] > 0
    assert hub.get(f"/api/v1/challenges/{challenge_id}")["status"] == "aborted"
    code, answer = hub.post(f"/api/v1/challenges/{challenge_id}/pause")
    assert code == 409 and "aborted" in answer["detail"]
    assert hub.post("/api/v1/challenges/nope/abort")[0] == 404
    assert hub.post(f"/api/v1/challenges/{challenge_id}/dance")[0] == 404


@pytest.mark.parametrize("body, words", [
    ({"challenge": "no-such", "stations": ["mat-1"]}, "no challenge called"),
    ({"challenge": "/etc/passwd", "stations": ["mat-1"]}, "preset"),
    ({"challenge": {"name": "x", "title": "X", "work_s": 0.1}, "stations": ["mat-1"]}, "work_s"),
    ({"challenge": "tabata", "stations": ["mat-1", "mat-1"]}, "twice"),
    ({"challenge": "tabata", "stations": ["mat-9"]}, "mat-9"),
])
def test_a_bad_challenge_request_is_one_sentence(hub, mats, body, words):
    code, answer = hub.post("/api/v1/challenges", body)
    assert code == 422 and words in answer["detail"]


def test_a_schedule_too_far_ahead_or_without_stations_is_refused(hub, mats):
    assert hub.post("/api/v1/challenges", {"challenge": "tabata", "stations": ["mat-1"],
                                           "start_in_s": 7200})[0] == 422
    assert hub.post("/api/v1/challenges", {"challenge": "tabata", "stations": []})[0] == 422
