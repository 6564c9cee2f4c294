"""`station doctor --display`: the kiosk's live page on the display, whether it holds 60 fps, its CPU."""

import os
import select
import shutil
import subprocess
import sys

import pytest

from station.service.checks import NOTE, OK, PROBLEM
from station.service.display_test import DROPPED_MS, HELD_MEDIAN_MS, HIGH_CPU_SHARE, verdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def result(intervals_ms, cpu_share=0.1):
    return {"driver": "kmsdrm", "size": [1920, 1080], "cpu_share": cpu_share, "intervals_ms": intervals_ms}


def test_a_median_frame_at_the_limit_holds_60_fps_and_just_above_does_not():
    held = verdict(result([HELD_MEDIAN_MS] * 100))
    assert held[0][0] == OK and "kmsdrm at 1920x1080 holds 60 fps" in held[0][1]
    slow = verdict(result([HELD_MEDIAN_MS + 0.1] * 100))
    assert slow[0][0] == PROBLEM and "does not hold 60 fps" in slow[0][1]
    assert "docs/install.md" in slow[0][1] and "kmsdrm" in slow[0][1] and "1280x720" in slow[0][1]


def test_one_dropped_frame_in_a_hundred_is_held_and_two_are_not():
    assert verdict(result([16.7] * 99 + [DROPPED_MS + 1]))[0][0] == OK
    assert verdict(result([16.7] * 98 + [DROPPED_MS + 1] * 2))[0][0] == PROBLEM
    assert verdict(result([16.7] * 98 + [DROPPED_MS] * 2))[0][0] == OK   # exactly two frames is not late


def test_a_screen_that_takes_over_half_a_core_gets_a_note():
    lines = verdict(result([16.7] * 100, cpu_share=HIGH_CPU_SHARE + 0.01))
    assert [status for status, _ in lines] == [OK, NOTE]
    assert "51 % of a core" in lines[1][1]
    assert [status for status, _ in verdict(result([16.7] * 100, cpu_share=HIGH_CPU_SHARE))] == [OK]


def test_no_frames_at_all_is_a_problem():
    assert verdict(result([]))[0][0] == PROBLEM


def doctor_display(env, seconds="1"):
    return subprocess.run([sys.executable, "-m", "station", "doctor", "--display", "--seconds", seconds,
                           "--size", "800x480"], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env=dict(os.environ, SDL_AUDIODRIVER="dummy", **env))


def assert_reported(done, driver):
    line = done.stdout.strip().splitlines()[-1]
    assert f"display: {driver} at 800x480" in line
    assert "fps" in line and "% of a core" in line and "frames dropped" in line
    assert done.returncode == (1 if "PROBLEM" in done.stdout else 0), done.stderr
    assert "Traceback" not in done.stderr


def test_doctor_display_reports_on_the_dummy_driver():
    assert_reported(doctor_display({"SDL_VIDEODRIVER": "dummy"}), "dummy")


def test_doctor_display_reports_on_a_real_x_window():
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb): cannot open a real window")
    # -displayfd: Xvfb picks a free display itself and writes its number once it is ready.
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready, _, _ = select.select([server.stdout], [], [], 30.0)
        assert ready, "Xvfb did not start within 30 s"
        display = ":" + server.stdout.readline().strip()
        assert_reported(doctor_display({"SDL_VIDEODRIVER": "x11", "DISPLAY": display}), "x11")
    finally:
        server.kill()
        server.wait()


def test_doctor_display_without_a_working_driver_says_what_to_do():
    done = doctor_display({"SDL_VIDEODRIVER": "nosuchdriver"})
    assert done.returncode == 1
    assert "PROBLEM  display: no window with the nosuchdriver driver" in done.stdout
    assert "--headless" in done.stdout and "Traceback" not in done.stdout + done.stderr
