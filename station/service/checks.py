"""Checks of the machine the station runs on, for `station doctor`: the
display, the sound, the clock and the service's last crash.

Each check returns ``(status, line)``; a problem's line says what to do.
Where a check looks (device folders, /proc files) is a parameter, and the
commands it runs are found on PATH, so each can be tried against a made-up
machine.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

OK, PROBLEM, NOTE = "ok", "PROBLEM", "note"
SERVICE = "jumpmat-station"
#: Opening a display or a sound device may hang on a broken driver; give up then.
DEVICE_TIMEOUT_S = 15.0
#: Commands that only read the system's state answer at once.
COMMAND_TIMEOUT_S = 5.0
#: A clock before this year was never set: the Pi has no battery-backed clock,
#: and every exported session would carry a wrong date.
EARLIEST_PLAUSIBLE_YEAR = 2025
TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
ASOUND_CARDS = Path("/proc/asound/cards")

OPEN_DISPLAY = """
import pygame
pygame.display.init()
pygame.display.set_mode((320, 240))
print(pygame.display.get_driver())
"""
OPEN_MIXER = """
import pygame
pygame.mixer.init()
print(pygame.mixer.get_init())
"""


def run_command(*args: str, timeout_s: float = COMMAND_TIMEOUT_S) -> subprocess.CompletedProcess | None:
    """The command's result, or None if it is not installed or did not answer in time."""
    if shutil.which(args[0]) is None:
        return None
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return None


def service_active() -> bool:
    done = run_command("systemctl", "is-active", "--quiet", SERVICE)
    return done is not None and done.returncode == 0


def video_driver(environ=os.environ) -> str:
    """The driver the kiosk would use: $SDL_VIDEODRIVER, else kmsdrm on a console
    without X or Wayland (as the service runs), else SDL's own choice ("")."""
    if environ.get("SDL_VIDEODRIVER"):
        return environ["SDL_VIDEODRIVER"]
    return "" if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY") else "kmsdrm"


def try_in_child(script: str, env: dict, timeout_s: float) -> tuple[bool, str]:
    """Run ``script`` in a fresh Python (a crashing or hanging driver stays
    there): whether it worked, and its last line of output or error."""
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=env, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return False, f"no answer within {timeout_s:.0f} s"
    lines = (done.stdout if done.returncode == 0 else done.stderr).strip().splitlines()
    return done.returncode == 0, lines[-1] if lines else f"exit code {done.returncode}"


def check_display(card_pattern: str = "/dev/dri/card*", environ=os.environ,
                  timeout_s: float = DEVICE_TIMEOUT_S) -> list[tuple[str, str]]:
    """The DRM cards, and whether a window opens with the kiosk's video driver."""
    cards = sorted(glob.glob(card_pattern))
    driver = video_driver(environ)
    results = [(OK, f"display: {', '.join(cards)}") if cards else
               (PROBLEM if driver == "kmsdrm" else NOTE,
                "display: no /dev/dri/card*; on a Pi, enable the KMS driver "
                "(dtoverlay=vc4-kms-v3d in /boot/firmware/config.txt) and reboot")]
    if driver == "kmsdrm" and service_active():
        return results + [(NOTE, f"display: in use by the kiosk ({SERVICE} is running); "
                                 f"`sudo systemctl stop {SERVICE}` to test it here")]
    env = dict(environ, SDL_VIDEODRIVER=driver) if driver else dict(environ)
    opened, said = try_in_child(OPEN_DISPLAY, env, timeout_s)
    name = driver or "SDL's default"
    if opened:
        return results + [(OK, f"display: a window opens with the {said} driver")]
    return results + [(PROBLEM, f"display: no window with the {name} driver ({said}); run it from the "
                                "Pi's console (the user needs the video and render groups), "
                                "or use `station run --headless`")]


def sound_cards(cards_path: Path = ASOUND_CARDS) -> list[str]:
    """The ALSA cards' names, from lines like `` 0 [vc4hdmi0 ]: vc4-hdmi - vc4-hdmi-0``."""
    try:
        text = cards_path.read_text()
    except OSError:
        return []
    return [line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.strip()[:1].isdigit() and ":" in line]


def check_audio(muted: bool, cards_path: Path = ASOUND_CARDS, environ=os.environ,
                timeout_s: float = DEVICE_TIMEOUT_S) -> list[tuple[str, str]]:
    """The sound cards, and whether the mixer opens (as the cues would)."""
    if muted:
        return [(NOTE, "sound: muted in the config ([sound] mute = true)")]
    cards = sound_cards(cards_path)
    if not cards:
        return [(PROBLEM, "sound: no sound card; plug in a USB speaker or an HDMI screen with "
                          "speakers, or set [sound] mute = true")]
    results = [(OK, f"sound: {'; '.join(cards)}")]
    opened, said = try_in_child(OPEN_MIXER, dict(environ), timeout_s)
    if opened:
        return results + [(OK, f"sound: the mixer opens ({said})")]
    return results + [(PROBLEM, f"sound: the mixer does not open ({said}); the user needs the audio "
                                "group, and nothing else may hold the card")]


def clock_synchronised(flag: Path = TIMESYNC_FLAG) -> bool | None:
    """Whether NTP has set the clock: timedatectl's answer, else systemd-timesyncd's
    flag file; None if neither can tell."""
    done = run_command("timedatectl", "show", "-p", "NTPSynchronized", "--value")
    if done is not None and done.returncode == 0 and done.stdout.strip() in ("yes", "no"):
        return done.stdout.strip() == "yes"
    return True if flag.exists() else None


def check_clock(now_s: float | None = None, flag: Path = TIMESYNC_FLAG) -> tuple[str, str]:
    """The clock: a plausible year, and synchronised by NTP."""
    now = datetime.fromtimestamp(time.time() if now_s is None else now_s, timezone.utc)
    shown = now.strftime("%Y-%m-%d %H:%M UTC")
    if now.year < EARLIEST_PLAUSIBLE_YEAR:
        return PROBLEM, (f"clock: says {shown}, which cannot be right, and sessions would be exported "
                         "with that date; connect the Pi to a network (NTP) or set it with `sudo date -s`")
    synchronised = clock_synchronised(flag)
    if synchronised:
        return OK, f"clock: {shown}, synchronised"
    why = "not synchronised" if synchronised is False else "cannot tell whether it is synchronised"
    return NOTE, (f"clock: {shown}, {why}; without a network it drifts and forgets the time "
                  "at every power cut (a Pi has no clock battery unless one is fitted)")


def last_failure(lines: str) -> tuple[datetime, str] | None:
    """The newest "Failed with result" or watchdog message of systemd about the
    service, from ``journalctl -o json`` output."""
    found = None
    for line in lines.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        message = entry.get("MESSAGE")
        if isinstance(message, str) and ("Failed with result" in message or "Watchdog timeout" in message):
            at = datetime.fromtimestamp(int(entry["__REALTIME_TIMESTAMP"]) / 1e6, timezone.utc)
            found = (at, message)
    return found


def check_last_crash() -> tuple[str, str]:
    """The service's last crash or watchdog restart, from the journal; else how
    often systemd restarted it."""
    journal = run_command("journalctl", "-u", f"{SERVICE}.service", "-n", "500", "-o", "json", "--no-pager")
    restarts = run_command("systemctl", "show", "-p", "NRestarts", "--value", f"{SERVICE}.service")
    count = restarts.stdout.strip() if restarts is not None and restarts.returncode == 0 else ""
    since = f"; restarted {count} times since it was started" if count.isdigit() else ""
    failure = last_failure(journal.stdout) if journal is not None and journal.returncode == 0 else None
    if failure is not None:
        at, message = failure
        return NOTE, (f"service: last crash {at:%Y-%m-%d %H:%M} UTC: {message.strip()}{since}; "
                      f"`journalctl -u {SERVICE} -n 100` shows what came before it")
    if journal is None and not since:
        return NOTE, "service: no systemd journal here (not installed as a service)"
    if count.isdigit() and int(count) > 0:
        return NOTE, f"service: no crash in the journal{since}; `journalctl -u {SERVICE}` shows why"
    return OK, f"service: no crash in the journal{since}"
