"""Each sensor is opened and started once: the check before the kiosk comes up hands the started
source to the main loop, whose session clock counts from the source's start."""

from station.analysis.pipeline import Pipeline
from station.app import StationLoop
from station.cli import build_parser
from station.commands import run as run_command
from station.readings import MatStart
from station.sources.athlete import SimulatedAthlete
from station.sources.chronopic import Chronopic
from station.sources.chronopic_emulator import ChronopicEmulator


class StartedAlready:
    """A source that must not be started again."""

    has_force = False
    latency_s = 0.0

    def start(self):
        raise AssertionError("started twice")

    def read(self, until_s):
        return []

    def end_s(self):
        return None

    def close(self):
        pass


def test_a_loop_given_a_started_source_counts_session_time_from_its_start():
    now = [103.0]
    loop = StationLoop(StartedAlready(), Pipeline(), lambda event: None, clock=lambda: now[0],
                       started=(MatStart(7.0, {"front": False}), 100.0))
    assert loop.start_s == 7.0 and loop.mat_start.contact_by_zone == {"front": False}
    assert loop.session_time_s() == 10.0   # 3 s since the source started, not since the loop was made
    now[0] = 104.5
    assert loop.session_time_s() == 11.5


def test_station_run_opens_and_starts_the_chronopic_once(video, tmp_path, monkeypatch, closing):
    emulator = closing(ChronopicEmulator(SimulatedAthlete(1).phases()), "stop")
    emulator.start()
    opened, starts = [], []
    real_open, real_start = run_command.open_source, Chronopic.start

    def counting_open(options, config):
        opened.append(options.mat)
        return real_open(options, config)

    def counting_start(chronopic):
        starts.append(chronopic.port)
        return real_start(chronopic)

    monkeypatch.setattr(run_command, "open_source", counting_open)
    monkeypatch.setattr(Chronopic, "start", counting_start)
    args = build_parser().parse_args(["run", "--mat", f"chronopic:{emulator.path}", "--force", "none",
                                      "--duration", "1", "--size", "800x480", "--data-dir", str(tmp_path)])
    assert run_command.run(args) == 0
    assert opened == [f"chronopic:{emulator.path}"]
    assert starts == [emulator.path]
