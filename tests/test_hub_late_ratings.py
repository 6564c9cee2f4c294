"""A landing rated late (its set weighed after its rep was logged) reaches
the hub: the station sends the rep again, rated, and the hub updates that
rep's rating columns, never adding a second rep. A real station replaying a
shared recording, a real mosquitto and a real `station hub`."""

from pathlib import Path

import pytest

from hub_process import FakeStation, HubProcess, wait_until
from station_process import start_station

RECORDINGS = Path(__file__).parent / "data" / "recordings"


@pytest.fixture
def hub(broker, tmp_path):
    running = HubProcess(tmp_path / "hub", broker.url)
    yield running
    running.stop()


def test_a_rep_logged_before_its_set_was_weighed_ends_up_rated_at_the_hub(hub, broker, tmp_path):
    # Its athlete never stands still for a whole second: the set is weighed
    # when it ends, after its first rep was logged and sent unrated.
    process = start_station("run", "--replay", RECORDINGS / "acl-bfr010-sj.csv", "--headless",
                            "--speed", 4, "--broker", broker.url, "--station-id", "mat-1",
                            "--data-dir", tmp_path / "station")
    try:
        assert process.wait(timeout=120) == 0, process.stderr.read()
        printed = process.stdout.read()
    finally:
        process.stdout.close()
        process.stderr.close()
    late = [line for line in printed.splitlines() if '"late":true' in line]
    assert late, "the replay had no landing rated late"
    reps = wait_until(lambda: [r for r in hub.all_reps("mat-1") if r["rating"] is not None] or None,
                      what="a rated rep at the hub")
    assert len(hub.all_reps("mat-1")) == len({(r["session"], r["index"]) for r in hub.all_reps("mat-1")})
    assert reps[0]["softness"] is not None and reps[0]["landing_peak_force_n"] is not None


def test_a_rep_sent_again_changes_only_its_rating_and_an_older_copy_undoes_nothing(hub, broker, closing):
    station = closing(FakeStation(broker.port, "mat-1"))
    station.publish(station.rep(1, 1, rating=None, softness=None))
    station.publish(station.rep(2, 1, rating="hard", softness=12.5, rsi=9.9))
    # Rep 2's rated entry arrives before its first one (a gap filled by a replay).
    station.publish(station.rep(4, 2, rating="firm", softness=40.0))
    station.publish(station.rep(3, 2, rating=None, softness=None))
    wait_until(lambda: hub.station("mat-1") and hub.station("mat-1")["seq_contiguous"] == 4)
    first, second = hub.all_reps("mat-1")
    assert (first["index"], first["rating"], first["softness"]) == (1, "hard", 12.5)
    assert first["rsi"] == 1.15   # not a rating: as first stored
    assert (second["index"], second["rating"], second["softness"]) == (2, "firm", 40.0)
    assert hub.station("mat-1")["reps"] == 2
