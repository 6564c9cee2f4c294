"""The USB stick's screens: readable at every size, rows to tap, and the
whole kiosk showing them (or only a banner while someone is on the mat).

    .venv/bin/python tests/test_kiosk_usb_screens.py docs/screenshots/1280x720

saves a screenshot of each stick screen at 1280x720 in that folder.
"""

import sys
from pathlib import Path
from types import SimpleNamespace

import pygame
import pytest

from kiosk_states import rep
from station.analysis.events import SetStart
from station.kiosk.app import KioskApp
from station.kiosk.state.board import LiveBoard
from station.kiosk.screen import KioskScreen
from station.kiosk.draw.text import TextCache
from station.kiosk.usb.control import import_outcome
from station.kiosk.usb.mode import WAITING, UsbMode
from station.kiosk.usb.screens import UsbView, render
from test_kiosk_usb_fakes import Mounts, Recorder, control_for

SIZES = [(800, 480), (1280, 720), (1920, 1080)]
LONG_STICK = "SANDISK ULTRA FIT 128GB BACKUP OF THE WHOLE CLUB 2026"
PROBLEMS = ["line 4: the name is empty", "line 9: body_mass_kg 'heavy' is not a number",
            "line 12: tag 04A1B2 is already Maximiliane Alexandrina von Hohenzollern-Sigmaringen's",
            "line 15: the name is empty", "line 16: the name is empty"]
VIEWS = {
    "usb-offer": UsbView("USB STICK FOUND", LONG_STICK, ["What shall the station do with it?"],
                         rows=["Export all", "Since last export (1234 new reps)", "Import roster",
                               "Not now"]),
    "usb-exporting": UsbView("EXPORTING", "JUMPMAT", ["Leave the stick in until it says safe to "
                                                      "remove."], progress=(37, 112)),
    "usb-result": UsbView("SAFE TO REMOVE", "JUMPMAT", ["1234 reps exported to JumpMat-2026-11-24T1805.",
                                                        "You can take the USB stick out now."],
                          rows=["Done"]),
    "usb-result-problem": UsbView("EXPORT FAILED", "JUMPMAT", [
        "The USB stick stopped answering (was it pulled out?): plug it in again, then export again."],
        rows=["Try again", "Close"]),
    "usb-imported-problem": UsbView("ROSTER IMPORTED", "JUMPMAT", import_outcome(SimpleNamespace(
        error=None, value=SimpleNamespace(imported=list(range(23)), problems=PROBLEMS))).lines,
        rows=["Back to the stick", "Close"]),
    "usb-importing": UsbView("IMPORTING THE ROSTER", "JUMPMAT", ["Reading roster.csv from the stick."]),
    "usb-offer-challenges": UsbView("USB STICK FOUND", "JUMPMAT", [
        "What shall the station do with it?",
        "2 class challenges on it: NEXT on the start screen lists them.",
        "The challenge file /media/jumpmat/3A5F-19C2/club-ladder-for-the-tuesday-class.toml is not "
        "valid TOML (Invalid value (at line 1, column 9)); fix it or use a preset. (1 more in the log)"],
        rows=["Export all", "Since last export (1234 new reps)", "Import roster", "Not now"]),
}


def drawn(name, size):
    surface = pygame.Surface(size)
    targets = {}
    rects = render(surface, VIEWS[name], TextCache(), targets)
    return surface, rects, targets


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", VIEWS)
def test_every_text_lies_inside_the_screen_and_none_overlaps(video, name, size):
    surface, rects, _ = drawn(name, size)
    assert rects and all(surface.get_rect().contains(rect) for rect in rects)
    overlaps = [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.colliderect(b)]
    assert overlaps == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", VIEWS)
def test_rows_are_finger_sized_inside_the_screen_below_the_sentences(video, name, size):
    surface, rects, targets = drawn(name, size)
    boxes = [pygame.Rect(targets[f"row {i}"]) for i in range(len(VIEWS[name].rows))]
    assert all(surface.get_rect().contains(box) and box.height >= size[1] * 0.09 for box in boxes)
    assert all(a.bottom <= b.top for a, b in zip(boxes, boxes[1:]))
    labels = [r for r in rects if any(box.contains(r) for box in boxes)]
    assert len(labels) == len(boxes), "each row holds its label"
    others = [r for r in rects if r not in labels]
    assert not [(r, b) for r in others for b in boxes if r.colliderect(b)], "no sentence under a row"


def test_the_progress_bar_fills_as_files_are_written(video):
    def green(progress):
        view = UsbView("EXPORTING", "S", progress=progress)
        surface = pygame.Surface((1280, 720))
        render(surface, view, TextCache())
        return pygame.mask.from_threshold(surface, (40, 200, 90), (1, 1, 1, 255)).count()
    assert green((0, 10)) == 0 < green((3, 10)) < green((7, 10)) < green((10, 10))


def kiosk_with_stick(tmp_path, size=(1280, 720)):
    mounts, recorder = Mounts(tmp_path), Recorder()
    app = KioskApp(KioskScreen(size), LiveBoard())
    app.usb = UsbMode(control_for(mounts, recorder), app.board)
    pygame.event.clear()
    return app, mounts, recorder


def test_the_kiosk_shows_the_stick_and_its_choices_take_the_buttons(video, tmp_path):
    app, mounts, recorder = kiosk_with_stick(tmp_path)
    app.frame(0.0)
    mounts.plug()
    app.frame(1.0)
    assert app.usb.showing and "row 3" in app._targets
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_DOWN, mod=0))
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0))
    app.frame(1.1)
    assert recorder.exports[0][1] == "last" and app.flow.screen.value == "attract", \
        "the keys went to the stick, not to the picker"


def test_someone_on_the_mat_sees_only_a_banner_until_they_step_off(video, tmp_path):
    app, mounts, recorder = kiosk_with_stick(tmp_path)
    for event in [SetStart(1, 0.5), *rep(1, start_s=0.6)]:
        app.on_event(event)
    mounts.plug()
    app.frame(1.0)
    assert not app.usb.showing and ("usb", WAITING) in app.board.shown_banners
    assert app.flow.screen.value == "live"
    app.board.on_mat = False      # stepped off; the summary shows for a few seconds, then attract
    app.frame(20.0)
    app.frame(20.1)
    assert app.usb.showing and ("usb", WAITING) not in app.board.banners


def test_screenshots_name_the_stick_screens(video, tmp_path):
    mounts, recorder = Mounts(tmp_path), Recorder()
    app = KioskApp(KioskScreen((800, 480)), LiveBoard(), screenshots=tmp_path / "shots")
    app.usb = UsbMode(control_for(mounts, recorder), app.board)
    app.frame(0.0)
    mounts.plug()
    app.frame(1.0)
    assert [path.name for path in app.shots.saved] == ["01-attract.png", "02-usb-offer.png"]


def save_screenshots(folder: Path) -> list[Path]:
    """Each stick screen drawn by the kiosk at 1280x720, as usb-*.png in ``folder``."""
    pygame.display.init()
    pygame.font.init()
    screen = KioskScreen((1280, 720))
    fonts, saved = TextCache(), []
    for name, view in VIEWS.items():
        render(screen.surface, view, fonts)
        saved.append(folder / f"{name}.png")
        pygame.image.save(screen.surface, saved[-1])
    return saved


if __name__ == "__main__":
    import os
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    print("\n".join(map(str, save_screenshots(Path(sys.argv[1])))))
