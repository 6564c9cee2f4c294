"""The live screen: readable layout at every size, a real window, quitting."""

import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest

from station.analysis.events import Contact, Flight, Rep, SetEnd, Summary
from station.kiosk.board import LiveBoard
from station.kiosk.live import AMBER, BACKGROUND, BADGE, FLASH, PROMPT, TEXT
from station.kiosk.screen import KioskScreen, render
from station.kiosk.text import TextCache

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(800, 480), (1280, 720), (1920, 1080)]
LONG_REASON = "paused 0.41 s on landing; jump forward at once (at most 0.30 s)"


def rep(index, valid=True, reason=None, start_s=10.0, rebound_s=0.183):
    back = Flight(2 * index - 1, start_s, start_s + 0.412, "backward")
    rebound = Contact(2 * index, back.landing_s, back.landing_s + rebound_s, "back", True)
    forward = Flight(2 * index, rebound.end_s, rebound.end_s + 0.398, "forward")
    return Rep(index, 2, back, rebound, forward, valid, reason)


def full_board():
    """Everything at once: a set behind, valid reps, an invalid last rep with a long reason, simulated."""
    board = LiveBoard(simulated=True)
    board.apply(SetEnd(1, 0.0, 9.0, 13, 12, "step_off"))
    for index in range(1, 12):
        board.apply(rep(index, start_s=10.0 + index))
    board.apply(rep(12, valid=False, reason=LONG_REASON, rebound_s=0.41))
    return board


def boards():
    """Boards whose layouts differ: each must fit at every size."""
    empty = LiveBoard()
    many = LiveBoard(simulated=True)
    for index in range(1, 129):
        many.apply(rep(index, start_s=float(index)))
    for index in range(129, 229):
        many.apply(rep(index, valid=False, reason="x", start_s=float(index)))
    many.apply(rep(229, valid=False, reason="a flight of 1.25 s is longer than any jump (at most 0.90 s)",
                   start_s=229.0, rebound_s=1.234))
    between = full_board()
    between.apply(SetEnd(2, 9.0, 30.0, 12, 11, "step_off"))
    finished = full_board()
    finished.apply(SetEnd(2, 9.0, 30.0, 12, 11, "end"))
    finished.apply(Summary(reps=25, valid_reps=23, flights=50, duration_s=30.0))
    return {"full": full_board(), "empty": empty, "many": many,
            "between sets": between, "finished": finished}


@pytest.fixture
def video(monkeypatch):
    """pygame on SDL's dummy drivers: no window, no sound card."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.font.init()
    yield
    pygame.display.quit()


@pytest.fixture
def screen(video):
    screen = KioskScreen((1280, 720))
    yield screen
    screen.close()


def pixels_of(surface, colour, area=None):
    """How many pixels of ``surface`` (within ``area``) are exactly ``colour``."""
    part = surface if area is None else surface.subsurface(area)
    return pygame.mask.from_threshold(part, colour, (1, 1, 1, 255)).count()


def drawn(board, size=(1280, 720), highlight=False):
    surface = pygame.Surface(size)
    rects = render(surface, board, TextCache(), highlight=highlight)
    return surface, rects


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", boards().keys())
def test_every_text_lies_inside_the_screen(video, size, name):
    surface, rects = drawn(boards()[name], size)
    assert rects and all(surface.get_rect().contains(rect) for rect in rects)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", boards().keys())
def test_no_two_texts_overlap(video, size, name):
    _, rects = drawn(boards()[name], size)
    overlaps = [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.colliderect(b)]
    assert overlaps == []


@pytest.mark.parametrize("size", SIZES)
def test_the_count_is_about_half_the_screen_high_on_the_left(video, size):
    surface, rects = drawn(full_board(), size)
    count = max(rects, key=lambda rect: rect.height)
    assert 0.4 <= count.height / size[1] <= 0.6
    assert count.right <= size[0] // 2
    assert pixels_of(surface, TEXT, count) > 0.1 * count.width * count.height


def test_a_new_rep_lights_the_count_up(video):
    board = LiveBoard()
    board.apply(rep(1))
    surface, rects = drawn(board, highlight=True)
    count = max(rects, key=lambda rect: rect.height)
    assert pixels_of(surface, FLASH, count) > 0 and pixels_of(surface, TEXT, count) == 0


def test_the_simulated_badge_shows_only_for_simulated_readings(video):
    simulated, _ = drawn(LiveBoard(simulated=True))
    real, _ = drawn(LiveBoard(simulated=False))
    assert pixels_of(simulated, BADGE) > 0 and pixels_of(real, BADGE) == 0


def test_an_invalid_last_rep_puts_an_amber_band_at_the_bottom(video):
    surface, _ = drawn(full_board())
    bottom = pygame.Rect(0, 620, 1280, 100)
    assert pixels_of(surface, AMBER, bottom) > 0.5 * bottom.width * bottom.height


def test_off_the_mat_the_bottom_band_asks_the_athlete_to_step_on(video):
    surface, _ = drawn(LiveBoard())
    bottom = pygame.Rect(0, 620, 1280, 100)
    assert pixels_of(surface, PROMPT, bottom) > 0.5 * bottom.width * bottom.height


def test_on_the_mat_with_a_valid_last_rep_the_bottom_band_is_empty(video):
    board = LiveBoard()
    board.apply(rep(1))
    surface, _ = drawn(board)
    bottom = pygame.Rect(0, 620, 1280, 100)
    assert pixels_of(surface, BACKGROUND, bottom) == bottom.width * bottom.height


def test_a_frame_of_an_unchanged_board_renders_no_new_text(video):
    fonts = TextCache()
    surface = pygame.Surface((1280, 720))
    board = full_board()
    render(surface, board, fonts)
    before = fonts.renders
    render(surface, board, fonts)
    assert fonts.renders == before


def test_a_frame_saves_as_a_screenshot(video, tmp_path):
    surface, _ = drawn(full_board())
    pygame.image.save(surface, tmp_path / "kiosk.png")
    saved = pygame.image.load(tmp_path / "kiosk.png")
    assert saved.get_size() == (1280, 720)
    assert 0 < pixels_of(saved, BACKGROUND) < 0.9 * 1280 * 720


def test_the_window_has_the_size_asked_for(video):
    screen = KioskScreen((800, 480))
    assert pygame.display.get_surface().get_size() == (800, 480)
    screen.close()


def test_full_screen_takes_the_desktop_size(video):
    pygame.display.init()
    desktop = pygame.display.get_desktop_sizes()[0]
    screen = KioskScreen(fullscreen=True)
    assert pygame.display.get_surface().get_size() == desktop
    screen.close()


def test_the_highlight_of_a_new_rep_fades_after_half_a_second(video):
    now_s = [100.0]
    screen = KioskScreen((1280, 720), clock_s=lambda: now_s[0])
    board = LiveBoard()
    board.apply(rep(1))
    screen.draw(board)
    lit = pixels_of(pygame.display.get_surface(), FLASH)
    now_s[0] += 0.6
    screen.draw(board)
    assert lit > 0 and pixels_of(pygame.display.get_surface(), FLASH) == 0
    screen.close()


def test_poll_without_events_does_not_ask_to_quit(screen):
    pygame.event.clear()
    assert screen.poll() is False


def test_closing_the_window_asks_to_quit(screen):
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert screen.poll() is True


@pytest.mark.parametrize("key, mod", [(pygame.K_ESCAPE, 0), (pygame.K_q, pygame.KMOD_LCTRL)])
def test_escape_or_ctrl_q_asks_to_quit(screen, key, mod):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod))
    assert screen.poll() is True


def test_q_alone_does_not_ask_to_quit(screen):
    pygame.event.clear()
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q, mod=0))
    assert screen.poll() is False


# Draws a board in a real window, says so, and keeps it up until stdin closes.
WINDOW_CHILD = """
import sys
import pygame
from station.analysis.events import Contact, Flight, Rep
from station.kiosk.board import LiveBoard
from station.kiosk.screen import KioskScreen

board = LiveBoard(simulated=True)
board.apply(Rep(1, 1, Flight(1, 1.0, 1.412, "backward"), Contact(2, 1.412, 1.595, "back", True),
                Flight(2, 1.595, 1.993, "forward"), True, None))
screen = KioskScreen((1280, 720))
for _ in range(5):
    screen.poll()
    screen.draw(board)
print("drawn", pygame.display.get_driver(), flush=True)
sys.stdin.read()
screen.close()
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
        assert line_within(child.stdout, 20.0) == "drawn x11"
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
