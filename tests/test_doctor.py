"""`station doctor`: one line per check, problems with what to do."""

import json
import os
import shutil
from datetime import datetime, timezone

import pytest

from station.commands.doctor import check_gpio
from station.service import checks
from station.service.checks import NOTE, OK, PROBLEM
from station_process import station
from station.sources.loadcell.calibration import calibration_path, save_calibration
from station.sources.loadcell.emulator import EMULATED_CALIBRATION, DeviceEmulator


def test_a_bad_config_is_a_problem_naming_its_key(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text("[frontend]\nrate_hz = 3000\n")
    result = station("doctor", "--config", config, "--data-dir", tmp_path)
    assert result.returncode == 1
    assert any(line.strip().startswith("PROBLEM") and "rate_hz" in line
               for line in result.stdout.splitlines())


def test_the_front_end_reports_its_firmware_and_rate(tmp_path):
    emulator = DeviceEmulator(seed=1, rate_hz=2000)
    emulator.start()
    try:
        config = tmp_path / "station.toml"
        config.write_text(f'[sources]\nmat = "none"\nforce = "frontend"\n'
                          f'[frontend]\nport = "{emulator.path}"\nrate_hz = 2000\n')
        save_calibration(calibration_path(tmp_path), EMULATED_CALIBRATION)
        result = station("doctor", "--config", config, "--data-dir", tmp_path)
    finally:
        emulator.stop()
    line = next(l for l in result.stdout.splitlines() if "load-cell front-end" in l)
    assert line.strip().startswith("ok")
    assert "firmware 1.0.0-emulated" in line and "2000 samples/s" in line


def test_a_missing_front_end_says_what_to_do(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text(f'[sources]\nmat = "none"\nforce = "frontend:{tmp_path / "ttyACM9"}"\n'
                      f'[frontend]\nport = "{tmp_path / "ttyACM9"}"\n')
    result = station("doctor", "--config", config, "--data-dir", tmp_path)
    assert result.returncode == 1
    line = next(l for l in result.stdout.splitlines() if "load-cell front-end" in l)
    assert line.strip().startswith("PROBLEM") and "Traceback" not in result.stderr


# The machine's own checks, each against a made-up machine: device folders
# and /proc files in tmp_path, and stand-in commands first on PATH.


#: Found before a test narrows PATH to its stand-ins.
CAT = shutil.which("cat")


@pytest.fixture
def commands(tmp_path, monkeypatch):
    """``commands(name=script)``: shell scripts that stand in for system
    commands; PATH holds nothing else, so a command not given is missing."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))

    def make(**scripts):
        for name, body in scripts.items():
            path = folder / name
            path.write_text(f"#!/bin/sh\n{body}\n")
            path.chmod(0o755)
    return make


def test_gpio_chips_are_listed(tmp_path):
    (tmp_path / "gpiochip0").touch()
    (tmp_path / "gpiochip4").touch()
    status, line = check_gpio(str(tmp_path / "gpiochip*"))
    assert status == OK and line.endswith("gpiochip0, " + str(tmp_path / "gpiochip4"))


def test_a_window_opens_with_the_configured_driver(tmp_path, commands):
    commands(systemctl="exit 3")
    (tmp_path / "card1").touch()
    results = checks.check_display(str(tmp_path / "card*"), environ=dict(os.environ, SDL_VIDEODRIVER="dummy"))
    assert results == [(OK, f"display: {tmp_path / 'card1'}"), (OK, "display: a window opens with the dummy driver")]


def test_no_drm_card_and_no_kmsdrm_window_say_what_to_do(tmp_path, commands):
    commands(systemctl="exit 3")
    results = checks.check_display(str(tmp_path / "card*"), environ=dict(os.environ, SDL_VIDEODRIVER="kmsdrm"))
    assert [status for status, _ in results] == [PROBLEM, PROBLEM]
    assert "dtoverlay=vc4-kms-v3d" in results[0][1]
    assert "kmsdrm" in results[1][1] and "video and render groups" in results[1][1]


def test_the_display_is_not_opened_while_the_kiosk_holds_it(tmp_path, commands):
    commands(systemctl='[ "$1" = is-active ] && exit 0')
    (tmp_path / "card0").touch()
    results = checks.check_display(str(tmp_path / "card*"), environ={"SDL_VIDEODRIVER": "kmsdrm"})
    assert results[1][0] == NOTE and "systemctl stop jumpmat-station" in results[1][1]


def test_the_console_without_x_means_kmsdrm():
    assert checks.video_driver({}) == "kmsdrm"
    assert checks.video_driver({"DISPLAY": ":0"}) == ""
    assert checks.video_driver({"SDL_VIDEODRIVER": "x11", "DISPLAY": ":0"}) == "x11"


def test_a_device_that_hangs_is_given_up_on():
    opened, said = checks.try_in_child("import time; time.sleep(30)", dict(os.environ), timeout_s=0.5)
    assert not opened and said == "no answer within 0 s"


PI_CARDS = (" 0 [vc4hdmi0       ]: vc4-hdmi - vc4-hdmi-0\n                      vc4-hdmi-0\n"
            " 1 [Device         ]: USB-Audio - USB Audio Device\n                      USB Audio at usb-xhci\n")


def test_sound_cards_are_listed_and_the_mixer_opens(tmp_path):
    cards = tmp_path / "cards"
    cards.write_text(PI_CARDS)
    results = checks.check_audio(False, cards, environ=dict(os.environ, SDL_AUDIODRIVER="dummy"))
    assert results[0] == (OK, "sound: vc4-hdmi - vc4-hdmi-0; USB-Audio - USB Audio Device")
    assert results[1][0] == OK and results[1][1].startswith("sound: the mixer opens (")


@pytest.mark.parametrize("text", ["--- no soundcards ---\n", None])
def test_no_sound_card_is_a_problem_with_what_to_do(tmp_path, text):
    cards = tmp_path / "cards"
    if text is not None:
        cards.write_text(text)
    assert checks.check_audio(False, cards) == [
        (PROBLEM, "sound: no sound card; plug in a USB speaker or an HDMI screen with speakers, "
                  "or set [sound] mute = true")]


def test_a_mixer_that_does_not_open_is_a_problem(tmp_path):
    cards = tmp_path / "cards"
    cards.write_text(PI_CARDS)
    # This test machine has no ALSA device, whatever the cards file says.
    results = checks.check_audio(False, cards, environ=dict(os.environ, SDL_AUDIODRIVER="alsa"))
    assert results[1][0] == PROBLEM and "audio group" in results[1][1]


def test_muted_sound_is_not_checked(tmp_path):
    assert checks.check_audio(True, tmp_path / "none") == [(NOTE, "sound: muted in the config ([sound] mute = true)")]


NOV_2026_S = datetime(2026, 11, 24, 18, 5, tzinfo=timezone.utc).timestamp()


def test_a_clock_in_1970_is_a_problem(tmp_path, commands):
    commands(timedatectl="echo yes")
    status, line = checks.check_clock(now_s=3600, flag=tmp_path / "synchronized")
    assert status == PROBLEM and "1970-01-01" in line and "sudo date -s" in line


@pytest.mark.parametrize("answer, status, words", [("yes", OK, "synchronised"),
                                                   ("no", NOTE, "not synchronised")])
def test_timedatectl_says_whether_the_clock_is_synchronised(tmp_path, commands, answer, status, words):
    commands(timedatectl=f"echo {answer}")
    result = checks.check_clock(NOV_2026_S, tmp_path / "synchronized")
    assert result[0] == status and result[1].startswith(f"clock: 2026-11-24 18:05 UTC, {words}")


def test_without_timedatectl_the_timesyncd_flag_tells(tmp_path, commands):
    flag = tmp_path / "synchronized"
    assert checks.check_clock(NOV_2026_S, flag)[1].startswith("clock: 2026-11-24 18:05 UTC, cannot tell")
    flag.touch()
    assert checks.check_clock(NOV_2026_S, flag) == (OK, "clock: 2026-11-24 18:05 UTC, synchronised")


def journal_entry(at, message):
    return json.dumps({"__REALTIME_TIMESTAMP": str(int(at.timestamp() * 1e6)), "MESSAGE": message})


def test_the_last_crash_comes_from_the_journal(commands, tmp_path):
    journal = tmp_path / "journal.json"
    journal.write_text("\n".join([
        journal_entry(datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc), "Started Jump Mat Station kiosk."),
        journal_entry(datetime(2026, 11, 21, 7, 30, tzinfo=timezone.utc),
                      "jumpmat-station.service: Failed with result 'exit-code'."),
        journal_entry(datetime(2026, 11, 22, 14, 2, tzinfo=timezone.utc),
                      "jumpmat-station.service: Watchdog timeout (limit 10s)!"),
        journal_entry(datetime(2026, 11, 22, 14, 3, tzinfo=timezone.utc), "Started Jump Mat Station kiosk.")]))
    commands(journalctl=f"{CAT} {journal}", systemctl='[ "$1" = show ] && echo 2')
    status, line = checks.check_last_crash()
    assert status == NOTE
    assert line.startswith("service: last crash 2026-11-22 14:02 UTC: jumpmat-station.service: Watchdog timeout")
    assert "restarted 2 times" in line and "journalctl -u jumpmat-station" in line


def test_a_service_that_never_crashed_is_ok(commands):
    commands(journalctl="echo '{\"MESSAGE\": \"Started Jump Mat Station kiosk.\", "
                        "\"__REALTIME_TIMESTAMP\": \"1\"}'",
             systemctl='[ "$1" = show ] && echo 0')
    assert checks.check_last_crash() == (OK, "service: no crash in the journal; restarted 0 times since it was started")


def test_without_systemd_there_is_nothing_to_tell(commands):
    commands()
    assert checks.check_last_crash() == (NOTE, "service: no systemd journal here (not installed as a service)")
