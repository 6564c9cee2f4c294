"""Three real headless stations, a real hub and a real mosquitto on this
machine, through the faults a gym's network has: each test ends with the hub
holding exactly the union of the stations' own logs (same reps, same values,
read from each station.db) and nothing twice.

The hub is killed for 5 s here, not the 30 s of a real outage: what matters
is that the stations' messages wait at the broker meanwhile, and 5 s of
simulated reps at 5x speed is already a backlog of dozens.
"""

import time

import pytest

from broker import Broker
from class_stations import StationProcess, finish, hub_reps, station_reps
from hub_process import HubProcess, wait_until

SPEED = 5.0


@pytest.fixture
def class_of_three(tmp_path):
    """Start a broker, a hub and three stations; stops whatever is left."""
    started = []

    def start(broker_extra: str = "", duration_s: float = 100.0, persistence: bool = False):
        broker = Broker(tmp_path / "broker", extra=broker_extra, persistence=persistence)
        started.append(broker)
        hub = HubProcess(tmp_path / "hub", broker.url)
        started.append(hub)
        mats = [StationProcess(tmp_path / f"mat-{n}", broker.url, f"mat-{n}", seed=n,
                               speed=SPEED, duration_s=duration_s) for n in (1, 2, 3)]
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
    broker, hub, mats = class_of_three()
    _some_reps_in(hub, mats)
    hub.kill()
    held_s = time.monotonic()
    logged = [m.reps_logged() for m in mats]
    wait_until(lambda: all(m.reps_logged() > n + 2 for m, n in zip(mats, logged))
               and time.monotonic() - held_s >= 5.0, what="5 s with the hub down")
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
