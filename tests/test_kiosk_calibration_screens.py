"""The calibration's screens: readable at every size, rows and buttons to tap.

    .venv/bin/python tests/test_kiosk_calibration_screens.py docs/screenshots

runs a calibration on the kiosk against the front-end emulator at 800x480,
1280x720 and 1920x1080 (tests/calibration_station.py), with the kiosk's own
screenshots, and keeps those of its screens as calibration-*.png in each
size's folder.
"""

import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from station.kiosk.calibration.mode import done_lines, placement_line
from station.kiosk.calibration.screens import CalibrationView, render
from station.kiosk.controls.actions import Action
from station.kiosk.draw.text import TextCache
from station.sources.loadcell.calibration import GainFit
from station.sources.loadcell.emulator import EMULATED_CALIBRATION
from station.sources.loadcell.steps import EMPTY

SIZES = [(800, 480), (1280, 720), (1920, 1080)]
ROWS = ["Weigh again", "Stop"]
FIT = GainFit(EMULATED_CALIBRATION, 196.2, (0.4, -3.1, 1.2, 2.6, -1.0), False)
LONGEST = ("The placements disagree by up to 3.1 N, more than 1 % of the mass: check that the plate "
           "rests on its four cells alone and touches nothing else, then calibrate again; nothing was "
           "saved.")
VIEWS = {
    "confirm": CalibrationView("CALIBRATE THE LOAD CELLS", "For the coach", [
        "You need a known mass of 5 to 200 kg (a weight plate, a dumbbell or a kettlebell) and a few "
        "minutes with nobody on the plate.",
        "Nothing is saved until every corner agrees; the old calibration stays until then."],
        ["Start", "Not now"], hint="NEXT and BACK move, SELECT picks, or tap. Hold BACK 2 s to stop."),
    "mass": CalibrationView("THE KNOWN MASS", "Step 1 of 7", [
        "The calibration is only as good as the mass: weigh it on a good scale first, or use a "
        "calibrated one; set [plate] calibration_mass_kg to offer it here."],
        ["Use 187 kg"], hint="NEXT heavier, BACK lighter, SELECT uses it, or tap", mass_kg=187.0),
    "step": CalibrationView("THE FRONT-RIGHT CORNER", "Step 5 of 7", [
        "Move the 187 kg mass to the FRONT-RIGHT corner, as close to the corner as it fits.",
        "Then SELECT: the plate is read for 2 s."], ["Weigh now", "Stop"], place="front-right",
        weighed=("centre", "front-left"), hint="Hold BACK 2 s to stop."),
    "reading": CalibrationView("THE EMPTY PLATE", "Step 2 of 7", [
        "Reading the plate for 2 s: hands off, nobody on it."], place=EMPTY, progress=0.6),
    "problem": CalibrationView("A LOAD CELL NEEDS A LOOK", "Step 3 of 7", [
        "The back-right cell reads at the limit of the converter: check its cable and that nothing "
        "presses on that corner; if it stays there, the cell is overloaded or damaged."], ROWS,
        place="centre", hint="Hold BACK 2 s to stop."),
    "done": CalibrationView("CALIBRATED", "Saved", done_lines(FIT), ["Done"]),
    "failed": CalibrationView("THE CORNERS DISAGREE", "Nothing was saved", [LONGEST, placement_line(FIT)],
                              ["Start again", "Close"]),
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
def test_sentences_stay_readable_and_clear_of_the_rows(video, name, size):
    surface, rects, targets = drawn(name, size)
    boxes = [pygame.Rect(targets[f"row {i}"]) for i in range(len(VIEWS[name].rows))]
    assert all(box.height >= size[1] * 0.09 for box in boxes), "finger-sized rows"
    labels = [r for r in rects if any(box.contains(r) for box in boxes)]
    assert len(labels) == len(boxes), "each row holds its label"
    others = [r for r in rects if r not in labels]
    assert not [(r, b) for r in others for b in boxes if r.colliderect(b)], "no sentence under a row"
    assert min(r.height for r in others) >= size[1] * 0.02, "no text too small to read from the plate"


@pytest.mark.parametrize("size", SIZES)
def test_the_mass_has_a_lighter_and_a_heavier_button_to_tap(video, size):
    _, _, targets = drawn("mass", size)
    lighter, heavier = pygame.Rect(targets["lighter"]), pygame.Rect(targets["heavier"])
    assert lighter.right < heavier.left and min(lighter.height, heavier.height) >= size[1] * 0.09


def test_the_ring_fills_as_the_plate_is_read(video):
    def white(progress):
        surface = pygame.Surface((1280, 720))
        render(surface, replace(VIEWS["reading"], progress=progress), TextCache())
        return pygame.mask.from_threshold(surface, (240, 242, 245), (1, 1, 1, 255)).count()
    assert white(0.0) < white(0.3) < white(0.7) < white(1.0)


#: The kiosk's screenshots kept for the docs, by what they show.
KEPT = ("confirm", "mass", "step-empty", "problem-not-empty", "reading-centre", "problem-moved",
        "step-back-right", "done", "failed-disagree")


def save_screenshots(folder: Path) -> list[Path]:
    """A calibration on the kiosk at each size, its screens kept as
    ``<size>/calibration-NN-<what>.png`` under ``folder``."""
    sys.path.insert(0, str(Path(__file__).parent))
    from calibration_station import CalibrationStation
    from test_kiosk_calibration import CALIBRATED
    from station.sources.loadcell.calibration import calibration_path, save_calibration
    pygame.font.init()
    saved = []
    for width, height in SIZES:
        with tempfile.TemporaryDirectory() as temporary:
            data, shots = Path(temporary) / "data", Path(temporary) / "shots"
            save_calibration(calibration_path(data), CALIBRATED)
            kiosk = CalibrationStation(data, size=(width, height), screenshots=shots)
            try:
                kiosk.start()
                kiosk.place(10.0, "back-left")
                kiosk.weigh()                                        # not empty
                kiosk.follow_steps(20.0, {"centre": (20.0, 30.0)})   # the mass rocks
                kiosk.follow_steps(20.0)
                kiosk.press(Action.SELECT)                           # Done
                kiosk.start()
                kiosk.follow_steps(20.0, {"back-right": (19.0, 0.0)})
            finally:
                kiosk.close()
            out = folder / f"{width}x{height}"
            for number, what in enumerate(KEPT, 1):
                [shot] = shots.glob(f"*-calibration-{what}.png")
                saved.append(out / f"calibration-{number:02d}-{what}.png")
                shutil.copyfile(shot, saved[-1])
    return saved


if __name__ == "__main__":
    import os
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    print("\n".join(map(str, save_screenshots(Path(sys.argv[1])))))
