"""Class challenges written on a USB stick: checked, offered beside the presets
while the stick is in, and every bad file said in a sentence."""

import pygame

from station.challenge.definition import challenges_in
from station.config import Config
from station.kiosk.app import KioskApp
from station.kiosk.state.board import LiveBoard
from station.kiosk.challenge.mode import attach as attach_challenges
from station.kiosk.screen import KioskScreen
from station.kiosk.usb.mode import attach as attach_usb
from station.log.run_log import RunLog
from test_kiosk_usb_fakes import Mounts
from test_kiosk_usb_wiring import frames_until

OURS = """name = "club-ladder"
title = "Club ladder"
description = "Two rising work intervals."
athletes = "one"
score = "valid_reps"

[[intervals]]
kind = "work"
duration_s = 10

[[intervals]]
kind = "rest"
duration_s = 5

[[intervals]]
kind = "work"
duration_s = 20
"""

def test_the_good_files_are_read_and_each_bad_one_gets_a_sentence(tmp_path):
    (tmp_path / "ladder.toml").write_text(OURS)
    (tmp_path / "broken.toml").write_text("name = [unclosed\n")
    (tmp_path / "notes.txt").write_text("not a challenge")
    good, problems = challenges_in(tmp_path)
    assert [definition.title for definition in good] == ["Club ladder"]
    assert len(problems) == 1 and problems[0].startswith(f"The challenge file {tmp_path / 'broken.toml'} "
                                                         "is not valid TOML")


def test_a_sticks_challenges_are_offered_while_it_is_in(video, tmp_path):
    mounts = Mounts(tmp_path)
    app = KioskApp(KioskScreen((800, 480)), LiveBoard())
    challenge = attach_challenges(app, Config(), RunLog(None))
    usb = attach_usb(app, Config(), tmp_path / "data", watcher=mounts.watcher, unmount_stick=lambda s: None)
    pygame.event.clear()
    app.frame(0.0)
    stick = mounts.plug()
    (stick / "ladder.toml").write_text(OURS)
    (stick / "broken.toml").write_text("name = [unclosed\n")
    now_s = frames_until(app, 0.0, lambda: usb.showing)
    lines = usb.view().lines
    assert "1 class challenge on it: NEXT on the start screen lists them." in lines
    assert any(line.startswith("The challenge file broken.toml is not valid TOML") for line in lines)
    challenge.control.open(now_s)
    titles = [row.label for row in challenge.control.rows()]
    assert titles[-2:] == ["Club ladder", "Back"] and "Tabata" in " ".join(titles)
    mounts.pull()
    now_s = frames_until(app, now_s, lambda: not usb.challenges())
    challenge.control.open(now_s)
    assert "Club ladder" not in [row.label for row in challenge.control.rows()]
