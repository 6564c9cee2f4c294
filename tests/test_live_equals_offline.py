"""One recording, fed live-paced through the source interface and offline:
the same events, to the last digit."""

from station_process import json_lines, station
from station.analysis.pipeline import Pipeline, analyse
from station.analysis.force.handover import NO_MAT
from station.app import StationLoop
from station.readings import TWO_ZONES, ForceBlock, MatStart
from station.sources.recording import RecordingSource, recording_from_readings, write_recording
from station.sources.simulated import simulate


def make_recording(tmp_path, seed=7, duration_s=90, force=True):
    start, readings, _ = simulate(seed, duration_s, zones=TWO_ZONES, force=force)
    path = tmp_path / "session.csv"
    write_recording(path, recording_from_readings(start, readings, TWO_ZONES))
    return path


class SteppingClock:
    """A host clock that moves on by an uneven step each time it is read."""

    def __init__(self, steps_s):
        self.now_s, self.steps_s, self.calls = 0.0, steps_s, 0

    def __call__(self):
        self.now_s += self.steps_s[self.calls % len(self.steps_s)]
        self.calls += 1
        return self.now_s


def live_and_offline(recording):
    """(live, offline): the recording played through the main loop on an
    uneven clock, and analysed as a file."""
    offline = [e.to_json() for e in analyse(RecordingSource(recording))]
    live = []
    loop = StationLoop(RecordingSource(recording), Pipeline(), lambda e: live.append(e.to_json()),
                       speed=1.0, clock=SteppingClock([0.016, 0.0167, 0.033, 0.001]))
    while loop.step():
        pass
    loop.finish()
    return live, offline


def test_live_paced_replay_gives_the_offline_events(tmp_path):
    from station.sources.recording import read_recording
    live, offline = live_and_offline(read_recording(make_recording(tmp_path)))
    assert live == offline
    assert any(e["type"] == "rep" for e in live)


def test_a_session_with_the_mat_unplugged_plays_live_as_it_is_analysed():
    # The mat reads open throughout: the load cells time the jumps.
    start, readings, _ = simulate(7, 40, zones=TWO_ZONES, force=True)
    force = [r for r in readings if isinstance(r, ForceBlock)]
    unplugged = MatStart(start.time_s, {zone: False for zone in TWO_ZONES})
    live, offline = live_and_offline(recording_from_readings(unplugged, force, TWO_ZONES))
    assert live == offline
    assert [e["message"] for e in live if e["type"] == "fault"] == [NO_MAT]
    assert sum(e["type"] == "rep" and e["valid"] for e in live) > 5


def test_station_run_replay_prints_what_analyse_prints(tmp_path):
    path = make_recording(tmp_path, seed=8, duration_s=60, force=False)
    analysed = station("analyse", path, "--json")
    replayed = station("run", "--replay", path, "--headless", "--speed", 50)
    assert analysed.returncode == 0 and replayed.returncode == 0, analysed.stderr + replayed.stderr
    assert json_lines(replayed.stdout) == json_lines(analysed.stdout)


class FlakySource:
    """A source whose device comes and goes, as a replugged cable does."""

    zones, has_force, simulated, latency_s = ("mat",), False, False, 0.0

    def __init__(self):
        self.problem = None

    def start(self):
        from station.readings import MatStart
        return MatStart(0.0, {"mat": True})

    def read(self, until_s):
        self.problem = "The mat was unplugged; plug it back in." if 1.0 <= until_s < 2.0 else None
        return []

    def end_s(self):
        return 3.0

    def close(self):
        pass


def test_the_loop_logs_a_device_problem_and_its_end(caplog):
    loop = StationLoop(FlakySource(), Pipeline(), lambda e: None,
                       clock=SteppingClock([0.25]))
    seen = []
    while loop.step():
        seen.append(loop.problem)
    assert "The mat was unplugged; plug it back in." in seen and seen[-1] is None
    assert [r.getMessage() for r in caplog.records] == [
        "The mat was unplugged; plug it back in.", "devices are working again"]
