"""A chain of gyms: each gym's mosquitto bridges to a central one with its
own topic prefix (docs/network.md, "A chain of gyms"), and a hub on the
central broker finds both sites' reps, and reaches a gym's station back."""

import sqlite3

import pytest

from broker import Broker, mosquitto_path
from hub_process import FakeStation, HubProcess, wait_until

pytestmark = pytest.mark.skipif(mosquitto_path() is None,
                                reason="mosquitto is not installed (Debian package mosquitto)")


def bridge_lines(name: str, central_port: int, site: str) -> str:
    """What docs/network.md tells a gym to add, pointed at the central broker."""
    return "\n".join([f"connection {name}", f"address 127.0.0.1:{central_port}",
                      f"remote_clientid bridge-{name}", "cleansession false",
                      f"topic station/# both 1 jumpmat/v1/gym/ jumpmat/v1/{site}/"])


def test_a_central_hub_finds_the_reps_of_two_bridged_gyms(tmp_path, closing):
    central = closing(Broker(tmp_path / "central"), "stop")
    gyms = {site: closing(Broker(tmp_path / site, extra=bridge_lines(site, central.port, site)),
                          "stop") for site in ("north", "south")}
    hub = closing(HubProcess(tmp_path / "hub", central.url), "stop")
    # Both gyms call their mats mat-1 and use the default site name locally.
    mats = {site: closing(FakeStation(broker.port, "mat-1")) for site, broker in gyms.items()}
    for site, mat in mats.items():
        for seq in (1, 2, 3):
            mat.publish(mat.rep(seq, seq))
    wait_until(lambda: len(hub.all_reps("mat-1")) == 6, what="both gyms' reps at the centre")
    stations = hub.get("/api/v1/stations")["stations"]
    assert sorted((s["site"], s["id"], s["reps"]) for s in stations) == \
        [("north", "mat-1", 3), ("south", "mat-1", 3)]
    # The filter names the site too: each gym's mat-1 alone.
    for site, mat in mats.items():
        assert {(rep["site"], rep["session"], rep["index"]) for rep in
                hub.all_reps("mat-1", site=site)} == {(site, mat.session, i) for i in (1, 2, 3)}
    # A hole at one gym: the central hub's replay reaches that gym's station only.
    north = mats["north"]
    north.publish(north.rep(5, 5))
    replay = wait_until(lambda: [c for c in north.commands if c["cmd"] == "replay"],
                        what="the replay through the bridge")
    assert replay[0]["from_seq"] == 4
    assert [c for c in mats["south"].commands if c["cmd"] == "replay"] == []
    # Both gyms have an Ann on their mat-1 (north's fills its hole at 4): two
    # athletes at the centre, one per site.
    for mass_kg, mat in ((54.0, north), (55.0, mats["south"])):
        mat.publish({"v": 1, "station": "mat-1", "seq": 4, "kind": "athlete",
                     "at": "2026-12-04T18:00:00.000+00:00",
                     "body": {"name": "Ann", "body_mass_kg": mass_kg, "tag_id": None,
                              "guest": False, "erased": False}})
    wait_until(lambda: (hub.station("mat-1", "north")["seq_contiguous"],
                        hub.station("mat-1", "south")["seq_contiguous"]) == (5, 4),
               what="both gyms' athletes at the centre")
    conn = sqlite3.connect(f"file:{hub.data_dir / 'hub.db'}?mode=ro", uri=True)
    athletes = conn.execute("SELECT site, station, name, body_mass_kg FROM athletes "
                            "ORDER BY site").fetchall()
    conn.close()
    assert athletes == [("north", "mat-1", "Ann", 54.0), ("south", "mat-1", "Ann", 55.0)]
