"""The kiosk's screens: readable layout at every size, what each shows, a real window."""

import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest

from kiosk_states import STATES, put_in, rated_board, rep
from station.kiosk.app import KioskApp
from station.kiosk.state.board import LiveBoard
from station.kiosk.flow import Screen
from station.kiosk.draw.layout import AMBER, BACKGROUND, BADGE, FLASH, LABEL, PROMPT, RATING_COLOURS, RED, TEXT
from station.kiosk.screens import live
from station.kiosk.screen import KioskScreen
from station.kiosk.draw.text import TextCache

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(800, 480), (1280, 720), (1920, 1080)]
# A laptop window of any shape in between, and the 7" panel's 1024x600 cousin.
BETWEEN = [(1024, 600), (1000, 740), (1366, 768), (1600, 900), (900, 560)]


def app_of(size):
    return KioskApp(KioskScreen(size), LiveBoard())


def drawn_state(name, size):
    """The app drawn in state ``name`` at ``size``: the window's surface and the text rects."""
    app = app_of(size)
    screen, now_s = put_in(app, name)
    rects = app.draw(screen, now_s)
    return app.screen.surface.copy(), rects  # a copy: the next window reuses the display surface


def pixels_of(surface, colour, area=None):
    """How many pixels of ``surface`` (within ``area``) are exactly ``colour``."""
    part = surface if area is None else surface.subsurface(area)
    return pygame.mask.from_threshold(part, colour, (1, 1, 1, 255)).count()


def count_rect(rects):
    return max(rects, key=lambda rect: rect.height)


@pytest.mark.parametrize("size", SIZES + BETWEEN)
@pytest.mark.parametrize("name", STATES)
def test_every_text_of_every_screen_lies_inside_the_window(video, size, name):
    surface, rects = drawn_state(name, size)
    assert rects and all(surface.get_rect().contains(rect) for rect in rects)


@pytest.mark.parametrize("size", SIZES + BETWEEN)
@pytest.mark.parametrize("name", STATES)
def test_no_two_texts_of_any_screen_overlap(video, size, name):
    _, rects = drawn_state(name, size)
    overlaps = [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.colliderect(b)]
    assert overlaps == []


@pytest.mark.parametrize("size", SIZES + BETWEEN)
@pytest.mark.parametrize("name", ["live full", "live hard"])
def test_the_count_is_at_least_forty_percent_of_the_screen_high_on_the_left(video, size, name):
    surface, rects = drawn_state(name, size)
    count = count_rect(rects)
    assert count.height >= 0.40 * size[1]
    assert count.right <= size[0] // 2


@pytest.mark.parametrize("size", SIZES + BETWEEN)
def test_a_three_digit_count_still_takes_a_quarter_of_the_screen_height(video, size):
    _, rects = drawn_state("live many", size)
    assert count_rect(rects).height >= 0.25 * size[1]


@pytest.mark.parametrize("size", SIZES)
def test_under_two_banners_the_count_still_takes_over_a_third_of_the_screen(video, size):
    _, rects = drawn_state("live hard two banners", size)
    assert count_rect(rects).height >= 0.35 * size[1]


def test_the_count_shows_the_valid_reps_in_white(video):
    surface, rects = drawn_state("live full", (1280, 720))
    count = count_rect(rects)
    assert pixels_of(surface, TEXT, count) > 0.1 * count.width * count.height


@pytest.mark.parametrize("size", SIZES)
def test_the_text_grows_with_the_screen_height(video, size):
    _, rects = drawn_state("summary", size)
    _, small = drawn_state("summary", (800, 480))
    assert max(r.height for r in rects) / size[1] == pytest.approx(max(r.height for r in small) / 480, abs=0.02)


@pytest.mark.parametrize("name", STATES)
def test_a_second_frame_of_an_unchanged_state_renders_no_new_text(video, name):
    app = app_of((1280, 720))
    screen, now_s = put_in(app, name)
    app.draw(screen, now_s)
    before = app.fonts.renders
    app.draw(screen, now_s)
    assert app.fonts.renders == before


def test_a_new_rep_lights_the_count_up(video):
    board = LiveBoard()
    for event in rep(1):
        board.apply(event)
    surface = pygame.Surface((1280, 720))
    rects = live.render(surface, board, TextCache(), highlight=True)
    count = count_rect(rects)
    assert pixels_of(surface, FLASH, count) > 0 and pixels_of(surface, TEXT, count) == 0


def test_simulated_readings_get_a_banner_across_the_top_and_real_ones_none(video):
    simulated, _ = drawn_state("attract long name", (1280, 720))
    real, _ = drawn_state("attract", (1280, 720))
    top = pygame.Rect(0, 0, 1280, 40)
    assert pixels_of(simulated, BADGE, top) > 0.5 * top.width * top.height
    assert pixels_of(real, BADGE) == 0


def test_a_fault_banner_comes_before_the_simulated_one_and_both_show(video):
    surface, _ = drawn_state("live hard two banners", (1280, 720))
    first, second = pygame.Rect(0, 0, 1280, 45), pygame.Rect(0, 55, 1280, 40)
    assert pixels_of(surface, RED, first) > 0.5 * first.width * first.height
    assert pixels_of(surface, BADGE, second) > 0.5 * second.width * second.height


def test_an_invalid_last_rep_puts_an_amber_band_at_the_bottom(video):
    surface, _ = drawn_state("live full", (1280, 720))
    bottom = pygame.Rect(0, 640, 1280, 60)
    assert pixels_of(surface, AMBER, bottom) > 0.5 * bottom.width * bottom.height


def test_the_attract_screen_asks_the_athlete_to_step_on(video):
    surface, _ = drawn_state("attract", (1280, 720))
    bottom = pygame.Rect(0, 640, 1280, 60)
    assert pixels_of(surface, PROMPT, bottom) > 0.5 * bottom.width * bottom.height


def test_the_attract_figure_moves(video):
    app = app_of((1280, 720))
    app.draw(Screen.ATTRACT, 0.3)
    standing = app.screen.surface.copy()
    app.draw(Screen.ATTRACT, 1.45)   # in the air, jumping back
    moved = pygame.Rect(0, 120, 500, 450)
    assert pixels_of(standing, TEXT, moved) > 0
    difference = np.abs(pygame.surfarray.array3d(standing).astype(int)
                        - pygame.surfarray.array3d(app.screen.surface).astype(int))
    assert difference[moved.left:moved.right, moved.top:moved.bottom].any()


def test_on_the_mat_with_a_valid_last_rep_the_bottom_band_is_empty(video):
    board = LiveBoard()
    for event in rep(1):
        board.apply(event)
    surface = pygame.Surface((1280, 720))
    live.render(surface, board, TextCache())
    bottom = pygame.Rect(0, 620, 1280, 100)
    assert pixels_of(surface, BACKGROUND, bottom) == bottom.width * bottom.height


@pytest.mark.parametrize("rating", ["soft", "firm", "hard"])
def test_the_last_landing_shows_as_a_traffic_light_in_its_colour(video, rating):
    app = app_of((1280, 720))
    app.board = rated_board(rating)
    app.draw(Screen.LIVE, 19.0)
    light_row = pygame.Rect(560, 360, 720, 110)
    assert pixels_of(app.screen.surface, RATING_COLOURS[rating], light_row) > 3000
    others = [colour for other, colour in RATING_COLOURS.items() if other != rating]
    assert all(pixels_of(app.screen.surface, colour, light_row) == 0 for colour in others)


def test_a_hard_landing_adds_one_cue_under_its_word(video):
    hard, hard_rects = drawn_state("live hard", (1280, 720))
    soft, soft_rects = drawn_state("live soft force", (1280, 720))
    assert len(hard_rects) == len(soft_rects) + 1


def test_the_force_trace_is_drawn_from_the_readings(video):
    with_force, _ = drawn_state("live hard", (1280, 720))
    app = app_of((1280, 720))
    app.board = rated_board()
    app.board.trace = type(app.board.trace)()
    app.draw(Screen.LIVE, 19.0)
    trace_box = pygame.Rect(570, 500, 390, 110)
    assert pixels_of(with_force, LABEL, trace_box) > 200
    assert pixels_of(app.screen.surface, LABEL, trace_box) < 100   # the label only


def test_the_summary_has_a_bar_per_rep_in_its_landing_colour(video):
    surface, _ = drawn_state("summary", (1280, 720))
    chart = pygame.Rect(0, 500, 1280, 220)
    for colour in RATING_COLOURS.values():
        assert pixels_of(surface, colour, chart) > 1000


def test_the_summary_without_load_cells_has_white_bars(video):
    surface, _ = drawn_state("summary without force", (1280, 720))
    chart = pygame.Rect(0, 560, 1280, 160)
    assert pixels_of(surface, TEXT, chart) > 5000 and pixels_of(surface, RATING_COLOURS["soft"], chart) == 0


def test_a_frame_saves_as_a_screenshot(video, tmp_path):
    surface, _ = drawn_state("live full", (1280, 720))
    pygame.image.save(surface, tmp_path / "kiosk.png")
    saved = pygame.image.load(tmp_path / "kiosk.png")
    assert saved.get_size() == (1280, 720)
    assert 0 < pixels_of(saved, BACKGROUND) < 0.9 * 1280 * 720


def test_the_window_has_the_size_asked_for(video):
    screen = KioskScreen((800, 480))
    assert pygame.display.get_surface().get_size() == (800, 480) == screen.size
    screen.close()


def test_full_screen_takes_the_desktop_size(video):
    pygame.display.init()
    desktop = pygame.display.get_desktop_sizes()[0]
    screen = KioskScreen(fullscreen=True)
    assert pygame.display.get_surface().get_size() == desktop
    screen.close()


# Draws the kiosk in a real window, says so, and keeps it up until stdin closes.
WINDOW_CHILD = """
import sys
import pygame
from station.analysis.events import Contact, Flight, Rep, SetStart
from station.kiosk.app import KioskApp
from station.kiosk.state.board import LiveBoard
from station.kiosk.screen import KioskScreen

app = KioskApp(KioskScreen((1280, 720)), LiveBoard(simulated=True))
app.on_event(SetStart(1, 0.5))
app.on_event(Rep(1, 1, Flight(1, 1.0, 1.412, "backward"), Contact(2, 1.412, 1.595, "back", True),
                 Flight(2, 1.595, 1.993, "forward"), True, None))
for frame in range(5):
    app.frame(3.0 + frame / 60)
print("drawn", pygame.display.get_driver(), app.flow.screen.value, flush=True)
sys.stdin.read()
app.close()
"""


def test_the_screen_draws_in_a_real_x_window(tmp_path):
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb): cannot open a real window")
    # -displayfd: Xvfb picks a free display itself and writes its number once it is ready.
    server = subprocess.Popen([xvfb, "-displayfd", "1", "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    child = None
    try:
        display = ":" + line_within(server.stdout, 10.0)
        env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy")
        child = subprocess.Popen([sys.executable, "-c", WINDOW_CHILD], cwd=ROOT, env=env, text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert line_within(child.stdout, 20.0) == "drawn x11 live"
        if shutil.which("xwd"):
            dump = subprocess.run(["xwd", "-root", "-silent", "-display", display],
                                  capture_output=True, check=True, timeout=20).stdout
            colours = XwdColours(dump)
            assert colours.most_common_rgb == BACKGROUND
            assert TEXT in colours.present
        child.stdin.close()
        assert child.wait(timeout=20) == 0, child.stderr.read()
    finally:
        for process in (child, server):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()


def line_within(stream, timeout_s):
    """The next line from a child's pipe, failing the test if none comes in time."""
    ready, _, _ = select.select([stream], [], [], timeout_s)
    assert ready, f"no line within {timeout_s} s"
    return stream.readline().strip()


class XwdColours:
    """The colours in an X window dump (XWD format 7, true colour, 32 bits a pixel)."""

    def __init__(self, dump: bytes):
        header = np.frombuffer(dump[:100], dtype=">u4")
        header_size, version, width, height = header[0], header[1], header[4], header[5]
        byte_order, bits_per_pixel, bytes_per_line = header[7], header[11], header[12]
        masks, ncolours = header[14:17], header[19]
        assert (version, bits_per_pixel, width, height) == (7, 32, 1280, 720)
        start = header_size + 12 * ncolours
        pixel_type = "<u4" if byte_order == 0 else ">u4"  # 0: least significant byte first
        rows = np.frombuffer(dump[start:start + bytes_per_line * height], dtype=pixel_type)
        pixels = rows.reshape(height, bytes_per_line // 4)[:, :width].ravel()
        rgb = np.stack([(pixels & m) >> _shift(m) for m in masks], axis=1)
        values, counts = np.unique(rgb, axis=0, return_counts=True)
        self.most_common_rgb = tuple(int(v) for v in values[counts.argmax()])
        self.present = {tuple(int(v) for v in value) for value in values}


def _shift(mask):
    return (int(mask) & -int(mask)).bit_length() - 1
