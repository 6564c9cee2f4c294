"""The kiosk app: a frame shows what the pipeline just said, input reaches the flow,
buttons and cues plug in, landings flash, screenshots are written."""

import pygame

from kiosk_states import landing, rep
from station_process import station
from station.analysis.events import Landing, SetStart
from station.kiosk.screens import live
from station.kiosk.controls.actions import Action
from station.kiosk.app import FLASH_S, HIGHLIGHT_S, KioskApp, Screenshots
from station.kiosk.state.board import LiveBoard
from station.kiosk.config import KioskConfig
from station.kiosk.flow import Screen
from station.kiosk.draw.layout import FLASH, RATING_COLOURS
from station.kiosk.screen import KioskScreen
from station.kiosk.draw.text import TextCache

ROSTER = [(3, "Ada"), (5, "Grace")]


class FakeButtons:
    """Presses waiting to be taken, like the GPIO panel's queue."""

    def __init__(self):
        self.waiting = []

    def take(self):
        taken, self.waiting = self.waiting, []
        return taken


class HeardEvents:
    def __init__(self):
        self.events = []

    def on_event(self, event):
        self.events.append(event)


def make_app(kiosk=KioskConfig(), has_force=False, **options):
    picks = []
    app = KioskApp(KioskScreen((1280, 720)), LiveBoard(has_force=has_force), kiosk, roster=lambda: list(ROSTER),
                   on_pick=lambda athlete_id, name: picks.append((athlete_id, name)), **options)
    pygame.event.clear()
    return app, picks


def post_key(code, mod=0):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod))


def post_click(x, y):
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, button=pygame.BUTTON_LEFT, pos=(x, y), touch=False))


def pixels_of(surface, colour, area=None):
    part = surface if area is None else surface.subsurface(area)
    return pygame.mask.from_threshold(part, colour, (1, 1, 1, 255)).count()


def centre(box):
    x, y, width, height = box
    return x + width // 2, y + height // 2


def test_the_first_frame_after_a_rep_shows_the_new_count(video):
    app, _ = make_app()
    app.on_event(SetStart(1, 9.0))
    app.frame(10.0)
    before = app.screen.surface.copy()
    for event in rep(1):
        app.on_event(event)
    app.frame(10.9)
    count = max(app.rects, key=lambda rect: rect.height)
    expected = pygame.Surface((1280, 720))
    live.render(expected, app.board, TextCache(), highlight=True)
    shown = app.screen.surface.subsurface(count)
    assert pygame.image.tobytes(shown, "RGB") == pygame.image.tobytes(expected.subsurface(count), "RGB")
    assert pygame.image.tobytes(shown, "RGB") != pygame.image.tobytes(before.subsurface(count), "RGB")
    assert pixels_of(app.screen.surface, FLASH, count) > 0


def test_the_highlight_of_a_new_rep_fades_after_half_a_second(video):
    app, _ = make_app()
    app.on_event(SetStart(1, 9.0))
    for event in rep(1):
        app.on_event(event)
    app.frame(11.0)
    lit = pixels_of(app.screen.surface, FLASH)
    app.frame(11.0 + HIGHLIGHT_S + 0.01)
    assert lit > 0 and pixels_of(app.screen.surface, FLASH) == 0


def test_the_picker_is_worked_by_keys(video):
    app, picks = make_app()
    app.frame(0.0)
    post_key(pygame.K_RETURN)
    app.frame(0.1)
    assert app.flow.screen is Screen.PICKER
    post_key(pygame.K_DOWN)
    post_key(pygame.K_DOWN)
    post_key(pygame.K_UP)
    post_key(pygame.K_SPACE)
    app.frame(0.2)
    assert picks == [(3, "Ada")] and app.flow.screen is Screen.ATTRACT


def test_the_picker_is_worked_by_taps(video):
    app, picks = make_app()
    app.frame(0.0)
    post_click(*centre(app._targets["athlete"]))
    app.frame(0.1)
    assert app.flow.screen is Screen.PICKER
    post_click(*centre(app._targets["row 2"]))
    app.frame(0.2)
    assert picks == [(5, "Grace")] and app.flow.athlete_name == "Grace"


def test_a_tap_target_sits_below_the_banners(video):
    app, _ = make_app()
    app.board.simulated = True
    app.frame(0.0)
    x, y, _, _ = app._targets["athlete"]
    assert y > 0.07 * 720


def test_the_buttons_are_read_every_frame(video):
    buttons = FakeButtons()
    app, picks = make_app(buttons=buttons)
    app.frame(0.0)
    buttons.waiting = [Action.SELECT, Action.NEXT, Action.NEXT]
    app.frame(0.1)
    assert app.flow.screen is Screen.PICKER and app.flow.highlighted == 2
    buttons.waiting = [Action.SELECT]
    app.frame(0.2)
    assert picks == [(5, "Grace")]


def test_the_cues_hear_every_pipeline_event(video):
    cues = HeardEvents()
    app, _ = make_app(cues=cues)
    events = [SetStart(1, 9.0), *rep(1, rating="hard")]
    for event in events:
        app.on_event(event)
    assert cues.events == events


def test_only_the_exit_combination_ends_the_kiosk(video):
    app, _ = make_app()
    post_key(pygame.K_ESCAPE)
    pygame.event.post(pygame.event.Event(pygame.QUIT))   # a window: its close button still works
    assert app.frame(0.0) is False
    app, _ = make_app()
    post_key(pygame.K_ESCAPE)
    post_key(pygame.K_q, pygame.KMOD_LCTRL)
    assert app.frame(0.0) is True
    post_key(pygame.K_q, pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT)
    assert app.frame(0.1) is False


def flash_frames(kiosk, rating="hard"):
    app, _ = make_app(kiosk, has_force=True)
    app.on_event(SetStart(1, 9.0))
    app.on_event(rep(1)[-1].back_flight)
    app.frame(10.3)
    app.on_event(Landing(1, 2, 10.412, landing(rating, peak_bw=5.0)))
    app.frame(10.45)
    lit = pixels_of(app.screen.surface, RATING_COLOURS[rating])
    app.frame(10.45 + FLASH_S + 0.01)
    return lit, pixels_of(app.screen.surface, RATING_COLOURS[rating])


def test_with_flash_on_a_landing_fills_the_screen_in_its_colour_briefly(video):
    lit, after = flash_frames(KioskConfig(flash=True))
    assert lit == 1280 * 720 and 0 < after < 0.2 * 1280 * 720


def test_without_flash_a_landing_only_lights_the_traffic_light(video):
    lit, after = flash_frames(KioskConfig(flash=False), rating="soft")
    assert 0 < lit < 0.2 * 1280 * 720 and lit == after


def test_screenshots_keep_the_first_frame_of_each_state_only(video, tmp_path):
    shots = Screenshots(tmp_path / "shots")
    surface = pygame.Surface((320, 240))
    for name in ("attract", "attract", "live", "attract", "summary"):
        shots.take(surface, name)
    assert sorted(p.name for p in (tmp_path / "shots").iterdir()) == ["01-attract.png", "02-live.png",
                                                                      "03-summary.png"]


def test_a_simulated_run_saves_a_screenshot_of_each_screen_it_passes(tmp_path):
    folder = tmp_path / "shots"
    done = station("run", "--simulate", "--seed", "1", "--speed", "20", "--duration", "40",
                   "--size", "800x480", "--screenshots", folder)
    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in folder.iterdir())
    states = [name[3:-4] for name in names]
    assert [name[:3] for name in names] == [f"{i:02d}-" for i in range(1, len(names) + 1)]
    assert {"weigh-in", "weighed", "live", "live-reps", "hard-landing", "summary"} <= set(states)
    assert all(pygame.image.load(folder / name).get_size() == (800, 480) for name in names)


def test_screenshots_in_a_folder_that_cannot_be_made_is_a_plain_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    done = station("run", "--simulate", "--duration", "1", "--screenshots", tmp_path / "file" / "shots")
    assert done.returncode == 2
    assert "Screenshots cannot be saved" in done.stderr and "Traceback" not in done.stderr


class SteppingLoop:
    """A main loop whose ``decide_at`` step hands a landing to the app."""

    def __init__(self, app, decide_at):
        self.app, self.decide_at, self.steps = app, decide_at, 0
        self.problem, self.now_s = None, 12.0

    def step(self):
        self.steps += 1
        if self.steps == self.decide_at:
            self.app.on_event(Landing(1, 2, 11.9, landing("hard")))
        return True


def test_a_landing_decided_between_frames_is_drawn_without_waiting_for_the_frame(video):
    import threading
    app, _ = make_app(has_force=True)
    app.on_event(SetStart(1, 10.0))
    stop = threading.Event()
    app.between_steps(SteppingLoop(app, decide_at=0), stop)  # the first frame, then a whole frame's wait
    loop = SteppingLoop(app, decide_at=2)
    app.between_steps(loop, stop)
    assert loop.steps == 2  # the wait ended on the landing's step, not at the next frame


def test_without_news_the_loop_keeps_stepping_until_the_next_frame(video):
    import threading
    import time
    from station.kiosk.app import FRAME_RATE_HZ
    app, _ = make_app(has_force=True)
    stop = threading.Event()
    app.between_steps(SteppingLoop(app, decide_at=0), stop)
    loop = SteppingLoop(app, decide_at=0)
    began_s = time.monotonic()
    app.between_steps(loop, stop)
    assert time.monotonic() - began_s >= 1.0 / FRAME_RATE_HZ - 0.001  # a frame's time, not less
    assert loop.steps >= 1
