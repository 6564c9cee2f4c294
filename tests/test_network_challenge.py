"""Class challenges the hub starts on several real headless stations through
a real mosquitto: one wall-clock start for everyone, rounds published with
the hub's challenge id, a start that has passed not run."""

import time

from network_station import Listener, Station, wait_until

QUICK = {"name": "quick", "title": "Quick", "rounds": 2, "work_s": 3, "rest_s": 2}


def start_command(challenge, athlete, start_at_unix_s, command_id):
    return {"v": 1, "cmd": "challenge_start", "id": command_id, "challenge": challenge,
            "definition": QUICK, "athlete": athlete, "start_at_unix_s": start_at_unix_s}


def cmd_topic(station):
    return f"jumpmat/v1/gym/station/{station}/cmd"


def online(listener, station):
    return any(s["state"] == "online" for s in listener.statuses(station))


def test_two_stations_begin_the_first_work_interval_at_the_same_wall_clock_time(tmp_path, broker):
    listener = Listener(broker.port)
    stations = {name: Station(tmp_path / name, "--broker", broker.url, "--station-id", name,
                              "--seed", str(n)) for n, name in enumerate(("mat-1", "mat-2"))}
    try:
        for name in stations:
            wait_until(lambda: online(listener, name), what=f"{name} online")
        start_at = time.time() + 3.0
        for name, athlete in zip(stations, ("Ann", "Bob")):
            listener.publish(cmd_topic(name), start_command("c-1", athlete, start_at, f"s-{name}"))
        for station in stations.values():
            wait_until(lambda: any(h["state"] == "finished" for h in station.of_type("hub_challenge")),
                       timeout_s=90, what="the challenge's end")
        wait_until(lambda: len([m for m in listener.log_entries() if m["kind"] == "challenge_round"]) == 4,
                   what="four rounds at the listener")
    finally:
        for station in stations.values():
            station.stop()
    began = {}
    for name, station in stations.items():
        starts = [line for line in station.of_type("interval_start") if line["challenge"] == "c-1"]
        assert [s["kind"] for s in starts] == ["work", "rest", "work"]
        # What the station did: the wall clock when its loop began the interval.
        began[name] = starts[0]["shown_unix_s"]
        assert start_at - 0.005 <= began[name] and starts[0]["started_unix_s"] <= began[name]
        # The intervals follow on the session timeline: 3 s work, 2 s rest.
        assert abs(starts[1]["started_unix_s"] - starts[0]["started_unix_s"] - 3.0) < 0.05
        intervals = [line for line in station.of_type("interval") if line["kind"] == "work"]
        rounds = sorted((m["body"] for m in listener.log_entries(name) if m["kind"] == "challenge_round"),
                        key=lambda body: body["round_index"])
        assert [(r["challenge"], r["name"], r["round_index"], r["reps"], r["valid_reps"], r["quality_reps"])
                for r in rounds] == [("c-1", "quick", i["round"], i["reps"], i["valid"], i["quality"])
                                     for i in intervals]
        assert {r["athlete"] for r in rounds} == {"Ann" if name == "mat-1" else "Bob"}
    print(f"first work interval began {abs(began['mat-1'] - began['mat-2']) * 1000:.1f} ms apart")
    assert abs(began["mat-1"] - began["mat-2"]) < 0.05
    listener.close()


def test_a_start_that_has_passed_is_not_run_and_a_command_is_acted_on_once(tmp_path, broker):
    listener = Listener(broker.port)
    station = Station(tmp_path, "--speed", "5", "--broker", broker.url, "--station-id", "mat-1")
    try:
        wait_until(lambda: online(listener, "mat-1"), what="the station online")
        listener.publish(cmd_topic("mat-1"), start_command("c-old", "Ann", time.time() - 1.0, "late"))
        refused = wait_until(lambda: station.of_type("hub_challenge"), what="the refusal")
        assert refused[0]["state"] == "refused" and refused[0]["challenge"] == "c-old"
        assert "passed" in refused[0]["why"]
        later = start_command("c-2", "Ann", time.time() + 60.0, "later")
        listener.publish(cmd_topic("mat-1"), later)
        listener.publish(cmd_topic("mat-1"), later)  # delivered twice: acted on once
        listener.publish(cmd_topic("mat-1"), {"v": 1, "cmd": "challenge_abort", "id": "stop",
                                               "challenge": "c-2", "at_unix_s": time.time()})
        wait_until(lambda: [h for h in station.of_type("hub_challenge") if h["state"] == "aborted"],
                   what="the abort")
    finally:
        station.stop()
    notes = [(h["challenge"], h["state"]) for h in station.of_type("hub_challenge")]
    assert notes == [("c-old", "refused"), ("c-2", "scheduled"), ("c-2", "aborted")]
    assert not [line for line in station.of_type("interval_start")]
    conn = station.db()
    assert conn.execute("SELECT count(*) FROM challenges").fetchone() == (0,)
    conn.close()
    listener.close()


def test_the_kiosk_runs_the_hubs_challenge_in_its_screens_and_publishes_the_rounds(tmp_path, broker):
    listener = Listener(broker.port)
    shots = tmp_path / "shots"
    kiosk = Station(tmp_path / "kiosk", "--broker", broker.url, "--station-id", "k-1",
                    "--size", "800x480", "--screenshots", shots)
    try:
        wait_until(lambda: online(listener, "k-1"), what="the kiosk online")
        listener.publish(cmd_topic("k-1"), start_command("c-9", "Ann", time.time() + 3.0, "k-start"))
        wait_until(lambda: len([m for m in listener.log_entries("k-1") if m["kind"] == "challenge_round"]) == 2,
                   timeout_s=90, what="the kiosk's two rounds")
    finally:
        kiosk.stop()
    rounds = [m["body"] for m in listener.log_entries("k-1") if m["kind"] == "challenge_round"]
    assert [(r["challenge"], r["athlete"], r["round_index"]) for r in rounds] == [
        ("c-9", "Ann", 1), ("c-9", "Ann", 2)]
    states = {path.name[3:-4] for path in shots.iterdir()}
    assert {"challenge-ready", "challenge-work", "challenge-rest"} <= states
    listener.close()


def test_the_challenge_screen_shows_the_athletes_place_in_the_room(video):
    from station.analysis.pipeline import Pipeline
    from station.analysis.rules import TimingRules
    from station.app import StationLoop
    from station.kiosk.challenge.control import ChallengeControl
    from station.kiosk.challenge.mode import ChallengeMode
    from station.network.kiosk_hub import KioskHubChallenge, ordinal
    from station.sources.simulated import SimulatedAthlete, SimulatedSource
    loop = StationLoop(SimulatedSource(SimulatedAthlete(0)), Pipeline(), on_event=lambda event: None)
    mode = ChallengeMode(ChallengeControl(lambda: [(7, "Ann")], TimingRules()))
    hub = KioskHubChallenge(mode, "mat-2")
    standings = {"v": 1, "challenge": "c-3", "name": "quick", "status": "running", "standings": [
        {"place": 1, "station": "mat-5", "athlete": "Bo"}, {"place": 2, "station": "mat-2", "athlete": "Ann"},
        {"place": 3, "station": "mat-1", "athlete": "Cy"}]}
    hub.standings = lambda: standings
    assert hub.room_text() == ""  # no hub challenge on this mat yet
    hub.command(start_command("c-3", "Ann", time.time() + 30.0, "x"), loop)
    assert mode.control.stage == "ready" and mode.control.starts_at_s > loop.now_s + 25
    assert hub.room_text() == "2nd of 3 in the room"
    standings["challenge"] = "another"
    assert hub.room_text() == ""
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
    loop.finish()


def test_the_hubs_pause_and_resume_take_effect_at_their_wall_clock_moments(tmp_path, broker):
    listener = Listener(broker.port)
    station = Station(tmp_path, "--broker", broker.url, "--station-id", "mat-1")
    definition = {"name": "long", "title": "Long", "rounds": 1, "work_s": 4, "rest_s": 2}
    try:
        wait_until(lambda: online(listener, "mat-1"), what="the station online")
        start_at = time.time() + 2.0
        command = start_command("c-5", "Ann", start_at, "p-start")
        listener.publish(cmd_topic("mat-1"), {**command, "definition": definition})
        for what, at in (("pause", 1.0), ("resume", 2.5)):
            listener.publish(cmd_topic("mat-1"), {"v": 1, "cmd": f"challenge_{what}", "id": what,
                                                   "challenge": "c-5", "at_unix_s": start_at + at})
        wait_until(lambda: [h for h in station.of_type("hub_challenge") if h["state"] == "finished"],
                   timeout_s=90, what="the end of the challenge")
    finally:
        station.stop()
    [work] = [line for line in station.of_type("interval") if line["kind"] == "work"]
    # 4 s of work and 1.5 s paused, to the microsecond the JSON keeps.
    assert abs(work["end_s"] - work["start_s"] - 5.5) < 2e-6
    starts = station.of_type("interval_start")
    assert abs(starts[0]["started_unix_s"] - start_at) < 0.05
    listener.close()


def test_the_kiosks_challenge_screen_shows_its_place_from_a_real_hub(tmp_path, broker, video):
    """A kiosk (its real challenge mode, log and network link, stepped here as
    its frame would) in a hub challenge with two headless stations, through a
    real hub process: its screen's title says its place as the hub ranks it."""
    from types import SimpleNamespace

    import pygame

    from class_stations import StationProcess
    from hub_process import HubProcess
    from station.analysis.pipeline import Pipeline
    from station.app import StationLoop
    from station.config import Config
    from station.kiosk.challenge.mode import attach as attach_challenge
    from station.kiosk.draw.text import TextCache
    from station.log.run_log import open_run_log
    from station.network import kiosk_hub
    from station.network.config import Network, parse_broker
    from station.network.kiosk_hub import ordinal
    from station.network.link import NetworkLink
    from station.sources.simulated import SimulatedAthlete, SimulatedSource

    hub = HubProcess(tmp_path / "hub", broker.url)
    mats = [StationProcess(tmp_path / name, broker.url, name, seed=n, speed=1.0, duration_s=None)
            for n, name in enumerate(("mat-1", "mat-2"), 1)]
    config, source = Config(), SimulatedSource(SimulatedAthlete(3))
    log = open_run_log(tmp_path / "k-1", config, source, ("simulated", "simulated"))
    app = SimpleNamespace(usb=None, cues=None, challenge=None)
    mode = attach_challenge(app, config, log)
    loop = StationLoop(source, Pipeline(), log.showing(mode.on_event), on_readings=log.on_readings)
    log.started(loop, config)
    link = NetworkLink(Network(parse_broker(broker.url), broker.url, "k-1", "gym", "", None, None),
                       tmp_path / "k-1" / "station.db")
    link.start()
    commands = kiosk_hub.attach(link, log, app)

    def turn() -> None:  # what the kiosk's frame does between its loop's steps
        loop.step()
        commands.step(loop)
        mode.control.tick(loop.now_s)

    try:
        wait_until(lambda: turn() or all((hub.station(s) or {}).get("online")
                                         for s in ("mat-1", "mat-2", "k-1")),
                   what="three stations online at the hub")
        code, answer = hub.post("/api/v1/challenges", {
            # Two rounds: the room's ranking after the first shows during the second.
            "challenge": {"name": "room", "title": "Room", "rounds": 2, "work_s": 8, "rest_s": 4},
            "stations": ["mat-1", "mat-2", "k-1"], "athletes": {"k-1": "Ann"}, "start_in_s": 3})
        assert code == 200, answer

        def shown_and_ranked():
            turn()
            standings = hub.get(f"/api/v1/challenges/{answer['id']}")["standings"]
            place = next(s["place"] for s in standings if s["station"] == "k-1")
            expected = f"{ordinal(place)} of 3 in the room"
            # After the first round: the stations' reps are in the hub's ranking.
            return sum(s["reps"] for s in standings) > 0 and mode.room() == expected and expected
        expected = wait_until(shown_and_ranked, timeout_s=90,
                              what="the kiosk's place as the hub ranks it")
        print(f"the kiosk's challenge screen: {expected!r}")
        assert mode.room() == expected
        # It is on the screen's title, drawn as the kiosk draws it.
        mode.render(pygame.Surface((800, 480)), loop.now_s, TextCache(), {})
    finally:
        link.close()
        loop.finish()
        log.close()
        for mat in mats:
            mat.stop()
        hub.stop()
