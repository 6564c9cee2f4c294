"""The hub against messages the test publishes itself with paho-mqtt, through
a real mosquitto, to a real `station hub` process: each rep stored exactly
once, gaps answered with replay commands, bad messages counted and dropped."""

import json
import math

import pytest

from hub_process import FakeStation, HubProcess, wait_until


@pytest.fixture
def hub(broker, tmp_path):
    running = HubProcess(tmp_path / "hub", broker.url)
    yield running
    running.stop()


@pytest.fixture
def station(broker, closing):
    return closing(FakeStation(broker.port, "mat-1"))


def test_a_message_delivered_twice_is_stored_once(hub, station):
    for seq in (1, 2, 2, 3, 1, 3):
        station.publish(station.rep(seq, seq))
    # The same rep again under a later seq (a station that sent it twice) is still one rep.
    station.publish(station.rep(4, 3, rsi=9.9))
    wait_until(lambda: hub.station("mat-1") and hub.station("mat-1")["seq_contiguous"] == 4)
    reps = hub.all_reps("mat-1")
    assert [(r["session"], r["index"]) for r in reps] == [(station.session, i) for i in (1, 2, 3)]
    assert [r["rsi"] for r in reps] == [1.15, 1.15, 1.15]  # never changed once stored
    assert reps[0]["rebound_contact_s"] == pytest.approx(0.181)
    assert reps[0]["valid"] is True and reps[0]["rating"] == "soft"
    assert hub.station("mat-1")["reps"] == 3


def test_a_gap_gets_a_replay_command_from_the_first_missing_seq(hub, station):
    for seq in (1, 2, 4, 5):
        station.publish(station.rep(seq, seq))
    replay = wait_until(lambda: [c for c in station.commands if c["cmd"] == "replay"],
                        what="a replay command")
    assert replay[0]["from_seq"] == 3 and replay[0]["v"] == 1 and replay[0]["id"]
    station.publish(station.rep(3, 3))
    wait_until(lambda: hub.station("mat-1")["seq_contiguous"] == 5)
    assert hub.station("mat-1")["replays_asked"] == 1
    assert len(hub.all_reps("mat-1")) == 5


def test_a_status_ahead_of_the_hub_gets_a_replay(hub, station):
    station.publish(station.rep(1, 1))
    wait_until(lambda: hub.station("mat-1") and hub.station("mat-1")["seq_contiguous"] == 1)
    station.publish(station.status(seq_last=9, seq_sent=7, waiting=2), leaf="status")
    replay = wait_until(lambda: [c for c in station.commands if c["cmd"] == "replay"],
                        what="a replay command")
    assert replay[0]["from_seq"] == 2
    listed = hub.station("mat-1")
    assert listed["online"] is True and listed["waiting"] == 2
    assert listed["status"]["seq_last"] == 9


def test_a_hole_still_there_is_asked_for_again_only_after_10_s(hub, station):
    station.publish(station.rep(2, 2))
    first = wait_until(lambda: [c for c in station.commands if c["cmd"] == "replay"])
    again = wait_until(lambda: [c for c in station.commands if c["cmd"] == "replay"][1:],
                       what="the repeated replay")
    assert first[0]["from_seq"] == again[0]["from_seq"] == 1
    assert first[0]["id"] != again[0]["id"]


def _entry(station="mat-x", **changes):
    entry = {"v": 1, "station": station, "seq": 1, "kind": "rep", "at": "2026-12-04T18:00:00Z",
             "body": {"session": "s-1", "set_index": 1, "index": 1, "athlete": None,
                      "completed_at": None, "back_flight_s": 0.4, "rebound_contact_s": 0.2,
                      "forward_flight_s": 0.4, "jump_height_m": 0.2, "rsi": 1.0,
                      "landing_peak_force_n": None, "loading_rate_bw_per_s": None,
                      "softness": None, "rating": None, "valid": True, "reason": None,
                      "fatigue": None}}
    body = changes.pop("body", {})
    entry["body"].update(body)
    entry.update(changes)
    return entry


def _bytes(entry) -> bytes:
    return json.dumps(entry).encode()


MALFORMED = {
    "not-json": b"{this is not json",
    "not-an-object": b"[1, 2, 3]",
    "wrong-version": _bytes(_entry(v=2)),
    "no-version": _bytes({k: v for k, v in _entry().items() if k != "v"}),
    "another-station": _bytes(_entry(station="mat-other")),
    "too-big": _bytes(_entry(body={"reason": "x" * (64 * 1024)})),
    "negative-duration": _bytes(_entry(body={"rebound_contact_s": -0.01})),
    "infinite-duration": json.dumps(_entry(body={"back_flight_s": math.inf})).encode(),
    "nan-height": json.dumps(_entry(body={"jump_height_m": math.nan})).encode(),
    "unknown-key-in-body": _bytes(_entry(body={"speed": 3})),
    "unknown-key-in-entry": _bytes(_entry(extra=1)),
    "unknown-kind": _bytes(_entry(kind="selfie")),
    "missing-key": _bytes({**_entry(), "body": {"session": "s-1"}}),
    "bad-seq": _bytes(_entry(seq=0)),
    "not-utf8": b"\xff\xfe\x00",
}


def test_every_kind_of_bad_message_is_counted_per_station_and_never_stored(hub, broker,
                                                                           closing):
    senders = {}
    for case, payload in MALFORMED.items():
        sender = senders[case] = closing(FakeStation(broker.port, f"bad-{case}"))
        sender.publish_raw(payload.replace(b'"mat-x"', f'"bad-{case}"'.encode())
                           if case != "another-station" else payload)
        # Then a good message on the same topic: once it is in, the bad one was handled.
        sender.publish(sender.rep(1, 1))
    wait_until(lambda: all((hub.station(f"bad-{case}") or {}).get("reps") == 1
                           for case in MALFORMED), what="every sender's good rep")
    for case in MALFORMED:
        listed = hub.station(f"bad-{case}")
        assert listed["rejected"] == 1, case
        assert [r["session"] for r in hub.all_reps(f"bad-{case}")] == \
            [senders[case].session], case
    assert hub.get("/api/v1/health")["ok"] is True
    # Logged at most once a minute per station: one line for each sender here.
    assert hub.log_text().count("refused") == len(MALFORMED)


def test_a_storm_of_bad_messages_is_logged_once_a_minute(hub, broker, closing):
    sender = closing(FakeStation(broker.port, "noisy"))
    for _ in range(30):
        sender.publish_raw(b"garbage")
    sender.publish(sender.rep(1, 1))
    wait_until(lambda: (hub.station("noisy") or {}).get("reps") == 1)
    assert hub.station("noisy")["rejected"] == 30
    assert hub.log_text().count("refused") == 1


def test_reps_come_in_pages_with_a_keyset_cursor(hub, broker, closing):
    one, two = closing(FakeStation(broker.port, "mat-1")), closing(FakeStation(broker.port, "mat-2"))
    for seq in range(1, 16):
        one.publish(one.rep(seq, seq))
        two.publish(two.rep(seq, seq))
    wait_until(lambda: len(hub.all_reps()) == 30)
    pages, after = [], None
    while True:
        page = hub.get("/api/v1/reps?station=mat-1&limit=4" + (f"&after={after}" if after else ""))
        pages.append(page["reps"])
        after = page["next"]
        if after is None:
            break
    assert [len(p) for p in pages] == [4, 4, 4, 3]
    assert [r["index"] for p in pages for r in p] == list(range(1, 16))
    assert {r["station"] for p in pages for r in p} == {"mat-1"}
    # A page exactly full says there may be more; the next one is then empty.
    assert hub.get("/api/v1/reps?station=mat-2&limit=15")["next"] is not None
    last = hub.get("/api/v1/reps?station=mat-2&limit=15")["next"]
    assert hub.get(f"/api/v1/reps?station=mat-2&after={last}") == {"reps": [], "next": None}
    # Following the class live: the last rep's cursor asks for what came after it.
    tail = hub.get("/api/v1/reps?station=mat-1&limit=1000")["reps"]
    one.publish(one.rep(16, 16))
    after = f"/api/v1/reps?station=mat-1&after={tail[-1]['cursor']}"
    wait_until(lambda: hub.get(after)["reps"])
    assert [r["index"] for r in hub.get(after)["reps"]] == [16]


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "after=abc", "limit=x"])
def test_a_bad_page_request_is_422(hub, query):
    import urllib.error
    with pytest.raises(urllib.error.HTTPError) as error:
        hub.get(f"/api/v1/reps?{query}")
    assert error.value.code == 422


def test_write_endpoints_need_the_token(hub, station):
    body = {"challenge": "tabata", "stations": ["mat-1"], "start_in_s": 5}
    assert hub.post("/api/v1/challenges", body, token=None)[0] == 401
    assert hub.post("/api/v1/challenges", body, token="wrong")[0] == 401
    assert hub.post("/api/v1/challenges/abc/abort", token=None)[0] == 401
    # With the token, a station the hub never heard of is a sentence, not a crash.
    code, answer = hub.post("/api/v1/challenges", body)
    assert code == 422 and "mat-1" in answer["detail"]


@pytest.mark.parametrize("path", ["/api/v1/stations", "/api/v1/reps",
                                  "/api/v1/challenges/abc"])
def test_what_names_athletes_needs_the_token_and_health_does_not(hub, station, path):
    station.publish(station.rep(1, 1))
    wait_until(lambda: hub.station("mat-1"))
    assert hub.get_status(path, token=None) == 401
    assert hub.get_status(path, token="wrong") == 401
    assert hub.get_status(path) == (404 if path.endswith("/abc") else 200)
    assert hub.get("/api/v1/health", token=None)["ok"] is True


def test_the_api_describes_itself(hub):
    schema = hub.get("/api/openapi.json")
    assert {"/api/v1/health", "/api/v1/stations", "/api/v1/reps", "/api/v1/challenges",
            "/api/v1/challenges/{challenge_id}"} <= set(schema["paths"])
    import urllib.request
    with urllib.request.urlopen(hub.url + "/api/docs", timeout=10) as page:
        assert b"swagger" in page.read().lower()
