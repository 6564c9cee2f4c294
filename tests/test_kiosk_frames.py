"""A frame draws and presents only what changed, and looks exactly as if it had been drawn whole."""

import csv

import numpy as np
import pygame
import pytest

from station.analysis.pipeline import Pipeline
from station.kiosk.app import FIGURE_RATE_HZ, KioskApp
from station.kiosk.config import KioskConfig
from station.kiosk.flow import Screen
from station.kiosk.frame_stats import HEADER, FrameStats
from station.kiosk.screen import KioskScreen
from station.kiosk.state.board import LiveBoard
from station.readings import TWO_ZONES, ForceBlock
from station.sources.athlete import SimulatedAthlete
from station.sources.simulated import SimulatedSource

FRAME_S = 1 / 60


class RecordingScreen(KioskScreen):
    """A real screen that remembers what each ``show`` was asked to present."""

    def __init__(self, size):
        super().__init__(size)
        self.shown = []

    def show(self, rects=None):
        self.shown.append(None if rects is None else [pygame.Rect(rect) for rect in rects])
        super().show(rects)


def pixels(surface):
    return pygame.image.tobytes(surface, "RGB")


def drawn_whole_alike(app, now_s):
    """After ``app.frame(now_s)``: is the window as a whole drawing of the same frame leaves it?"""
    shown = pixels(app.screen.surface)
    app.draw(app.flow.screen, now_s)
    return pixels(app.screen.surface) == shown


@pytest.mark.parametrize("flash", [False, True])
def test_every_frame_of_a_simulated_session_matches_the_same_frame_drawn_whole(video, flash):
    app = KioskApp(RecordingScreen((1280, 720)), LiveBoard(simulated=True, has_force=True, weigh_in_s=1.0),
                   KioskConfig(flash=flash))
    source = SimulatedSource(SimulatedAthlete(2), zones=TWO_ZONES, force=True)
    pipeline = Pipeline()
    for event in pipeline.start(source.start(), has_force=True):
        app.on_event(event)
    screens = set()
    for frame in range(1, 60 * 16):
        now_s = frame * FRAME_S
        readings = source.read(now_s)
        app.board.on_readings(readings)
        for event in pipeline.feed(readings):
            app.on_event(event)
        app.frame(now_s)
        screens.add(app.flow.screen)
        assert drawn_whole_alike(app, now_s), f"frame {frame} ({app.flow.screen.value}) differs"
    app.close()
    assert {Screen.WEIGH_IN, Screen.LIVE} <= screens
    assert sum(rects is not None for rects in app.screen.shown) > 100, "the moving parts were drawn on their own"


def test_every_frame_of_the_attract_screen_matches_the_same_frame_drawn_whole(video):
    app = KioskApp(RecordingScreen((1920, 1080)), LiveBoard(simulated=True), roster=lambda: [(1, "Ada")])
    for frame in range(60 * 4):   # more than one cycle of the figure
        now_s = 100.0 + frame * FRAME_S
        app.frame(now_s)
        assert app.flow.screen is Screen.ATTRACT
        assert drawn_whole_alike(app, now_s), f"frame {frame} differs"
    app.close()
    assert sum(rects is not None for rects in app.screen.shown) > 30


def test_a_screen_with_nothing_moving_is_drawn_and_presented_once(video):
    app = KioskApp(RecordingScreen((1280, 720)), LiveBoard(), roster=lambda: [(1, "Ada")])
    app.frame(10.0)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0))
    for frame in range(1, 30):
        app.frame(10.0 + frame * FRAME_S)
    app.close()
    assert app.flow.screen is Screen.PICKER
    assert app.screen.shown == [None, None]   # the attract screen, then the picker


def test_the_attract_figure_standing_still_presents_nothing(video):
    app = KioskApp(RecordingScreen((1280, 720)), LiveBoard())
    for frame in range(40):   # the first 0.8 s of the cycle: the figure stands
        app.frame(frame * 0.75 / 40)
    app.close()
    assert app.screen.shown == [None]


def test_the_attract_figure_moves_at_most_its_rate_and_only_its_box_is_presented(video):
    app = KioskApp(RecordingScreen((1920, 1080)), LiveBoard())
    for frame in range(120):   # 2 s in which the figure jumps back and lands
        app.frame(0.8 + frame * FRAME_S)
    app.close()
    presented = app.screen.shown
    assert presented[0] is None
    assert 10 < len(presented) <= 2 * FIGURE_RATE_HZ + 1
    figure = app._moving["figure"]
    steps = app._moving["steps"]
    for rects in presented[1:]:
        for rect in rects:
            assert rect == steps or figure.contains(rect) and rect.width * rect.height < 1920 * 1080 / 8


def test_on_the_live_screen_only_the_force_trace_box_is_presented_while_no_event_comes(video):
    app = KioskApp(RecordingScreen((1280, 720)), LiveBoard(has_force=True))
    app.board.on_mat, app.board.jumped, app.board.body_weight_n = True, True, 700.0
    for frame in range(20):
        now_s = 5.0 + frame * FRAME_S
        times_s = np.arange(now_s - FRAME_S, now_s, 0.001)
        app.board.on_readings([ForceBlock(times_s, np.full(len(times_s), 700.0 + 50 * frame))])
        app.frame(now_s)
        assert app.flow.screen is Screen.LIVE
    app.close()
    trace = app._moving["trace"]
    assert app.screen.shown == [None] + [[trace]] * 19
    assert trace.width * trace.height < 1280 * 720 / 10


def test_a_window_uncovered_is_drawn_whole_again(video):
    app = KioskApp(RecordingScreen((1280, 720)), LiveBoard())
    app.frame(0.1)
    app.frame(0.2)
    pygame.event.post(pygame.event.Event(pygame.WINDOWEXPOSED))
    app.frame(0.3)
    app.close()
    assert app.screen.shown == [None, None]


def test_frame_stats_write_a_row_per_presented_frame(video, tmp_path):
    path = tmp_path / "frames.csv"
    app = KioskApp(KioskScreen((800, 480)), LiveBoard(), frame_stats=FrameStats(path))
    for frame in range(90):   # 1.5 s of the attract screen: standing, then the jump begins
        app.frame(frame * FRAME_S)
    app.close()
    text = path.read_text()
    assert text.startswith(HEADER)
    rows = list(csv.DictReader(text.splitlines()))
    assert 2 <= len(rows) < 90
    times_s = [float(row["t_s"]) for row in rows]
    assert times_s == sorted(times_s)
    assert all(float(row["draw_ms"]) >= 0 and float(row["present_ms"]) >= 0 for row in rows)


def test_frame_stats_to_a_folder_that_cannot_be_written_say_so(tmp_path):
    from station.errors import UserError
    with pytest.raises(UserError, match="cannot be written"):
        FrameStats(tmp_path / "missing" / "frames.csv")


def test_station_run_writes_the_frame_stats_of_a_simulated_run(tmp_path):
    from station_process import station
    path = tmp_path / "frames.csv"
    done = station("run", "--simulate", "--seed", "1", "--speed", "5", "--duration", "10",
                   "--size", "800x480", "--frame-stats", path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert list(rows[0]) == ["t_s", "draw_ms", "present_ms"]
    assert len(rows) > 10
    assert [float(row["t_s"]) for row in rows] == sorted(float(row["t_s"]) for row in rows)


def test_station_run_with_frame_stats_to_a_missing_folder_is_a_plain_error(tmp_path):
    from station_process import station
    done = station("run", "--simulate", "--duration", "1", "--frame-stats", tmp_path / "missing" / "frames.csv")
    assert done.returncode == 2
    assert "frame statistics cannot be written" in done.stderr and "Traceback" not in done.stderr
