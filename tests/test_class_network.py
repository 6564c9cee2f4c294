"""Three real headless stations, a real hub and a real mosquitto on this
machine, through the faults a gym's network has: each test ends with the hub
holding exactly the union of the stations' own logs (same reps, same values,
read from each station.db) and nothing twice, filled by the stations while
they ran on (class_stations.finish fails a test whose running stations had
to be started again). A challenge the hub started survives a broker killed
in its middle, with standings equal to the stations' own rounds.
"""

import time

import pytest

from broker import Broker
from class_stations import (StationProcess, finish, hub_ranking, hub_reps, newest_seq,
                            own_rounds, ranking_of_own_rounds, station_reps)
from hub_process import HubProcess, wait_until

SPEED = 5.0
#: The hub down as long as a real outage might keep it: the stations' messages
#: wait at the broker meanwhile.
HUB_DOWN_S = 30.0


@pytest.fixture
def class_of_three(tmp_path):
    """Start a broker, a hub and three stations; stops whatever is left."""
    started = []

    def start(broker_extra: str = "", duration_s: float | None = 100.0,
              persistence: bool = False, speed: float = SPEED):
        broker = Broker(tmp_path / "broker", extra=broker_extra, persistence=persistence)
        started.append(broker)
        hub = HubProcess(tmp_path / "hub", broker.url)
        started.append(hub)
        mats = [StationProcess(tmp_path / f"mat-{n}", broker.url, f"mat-{n}", seed=n,
                               speed=speed, duration_s=duration_s) for n in (1, 2, 3)]
        started.extend(mats)
        return broker, hub, mats

    yield start
    for thing in reversed(started):
        thing.stop()


def _some_reps_in(hub, mats, at_least=3):
    wait_until(lambda: all(len(hub_reps(hub, m.station_id)) >= at_least for m in mats),
               what=f"{at_least} reps of every station at the hub")


def test_broker_killed_and_restarted_mid_run(class_of_three):
    broker, hub, mats = class_of_three()
    _some_reps_in(hub, mats)
    broker.kill()
    # The stations go on measuring and logging without a broker.
    logged = [m.reps_logged() for m in mats]
    wait_until(lambda: all(m.reps_logged() > n + 2 for m, n in zip(mats, logged)),
               what="reps logged while the broker is down")
    broker.start()
    finish(hub, mats)


def test_hub_killed_for_a_while(class_of_three):
    # Long enough at 5x that the stations run on well after the hub is back.
    broker, hub, mats = class_of_three(duration_s=(HUB_DOWN_S + 30.0) * SPEED)
    _some_reps_in(hub, mats)
    hub.kill()
    held_s = time.monotonic()
    logged = [m.reps_logged() for m in mats]
    wait_until(lambda: all(m.reps_logged() > n + 2 for m, n in zip(mats, logged))
               and time.monotonic() - held_s >= HUB_DOWN_S, timeout_s=HUB_DOWN_S + 60.0,
               what=f"{HUB_DOWN_S:g} s with the hub down")
    assert all(m.process.poll() is None for m in mats), "a station ended before the hub was back"
    hub.start()
    finish(hub, mats)


def test_a_station_killed_and_restarted(class_of_three):
    broker, hub, mats = class_of_three(duration_s=60.0)
    _some_reps_in(hub, mats)
    mats[1].kill()
    mats[1].start(duration_s=30.0)
    finish(hub, mats)
    assert len({session for session, _ in station_reps(mats[1].data_dir)}) == 2


def test_broker_frozen_for_20_s(class_of_three):
    broker, hub, mats = class_of_three(duration_s=200.0)
    _some_reps_in(hub, mats)
    broker.freeze()
    frozen_s = time.monotonic()
    try:
        wait_until(lambda: time.monotonic() - frozen_s >= 20.0, timeout_s=30.0,
                   what="20 s with the broker stopped")
    finally:
        broker.thaw()
    finish(hub, mats, timeout_s=180.0)


def test_a_broker_queue_smaller_than_the_backlog_is_filled_by_replays(class_of_three):
    broker, hub, mats = class_of_three(broker_extra="max_queued_messages 5",
                                       duration_s=150.0)
    _some_reps_in(hub, mats)
    hub.kill()
    logged = [m.reps_logged() for m in mats]
    # Far more than 5 messages each while the hub is away: the broker drops the rest.
    wait_until(lambda: all(m.reps_logged() > n + 10 for m, n in zip(mats, logged)),
               what="a backlog bigger than the broker's queue")
    hub.start()
    finish(hub, mats)
    assert all(hub.station(m.station_id)["replays_asked"] >= 1 for m in mats)


#: Two work intervals with a rest between, at real speed.
CHALLENGE = {"name": "crash", "title": "Crash", "score": "valid_reps", "rounds": 2,
             "work_s": 12, "rest_s": 6}


def test_broker_killed_in_the_middle_of_a_hub_challenge(class_of_three):
    # Real speed: the challenge starts on the wall clock.
    broker, hub, mats = class_of_three(duration_s=None, speed=1.0)
    wait_until(lambda: all((hub.station(m.station_id) or {}).get("online") for m in mats),
               what="three stations online at the hub")
    code, answer = hub.post("/api/v1/challenges", {
        "challenge": CHALLENGE, "stations": [m.station_id for m in mats],
        "athletes": {"mat-1": "Ann", "mat-2": "Bob", "mat-3": "Cy"}, "start_in_s": 3})
    assert code == 200, answer
    challenge = f"/api/v1/challenges/{answer['id']}"
    wait_until(lambda: time.time() > answer["start_at_unix_s"] + 4.0, timeout_s=30,
               what="the first work interval under way")
    broker.kill()
    logged = [m.reps_logged() for m in mats]
    wait_until(lambda: all(m.reps_logged() > n + 2 for m, n in zip(mats, logged)),
               what="reps logged while the broker is down")
    broker.start()
    finished = wait_until(lambda: (lambda c: c["status"] == "finished" and c)(hub.get(challenge)),
                          timeout_s=120, what="the challenge finished at the hub")
    assert all(len(own_rounds(m, answer["id"])) == 2 for m in mats)
    assert hub_ranking(finished) == ranking_of_own_rounds(mats, answer["id"], "valid_reps")
    assert sum(s["reps"] for s in finished["standings"]) > 0
    # Filled while the stations run on: everything they had logged by now.
    newest = {m.station_id: newest_seq(m.data_dir) for m in mats}
    wait_until(lambda: all(hub.station(station)["seq_contiguous"] >= seq
                           for station, seq in newest.items()),
               timeout_s=120, what="the hub holding all the stations had logged")
    for mat in mats:
        mat.stop()
    finish(hub, mats)
