"""The unit files, the udev rule and the USB eject helper: what they promise,
and that they agree with each other and with the installer."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SYSTEMD = Path(__file__).resolve().parent.parent / "systemd"
MEDIA_ROOT = "/media/jumpmat"
EJECT_DIR = "/run/jumpmat/eject"


def unit(name):
    """A unit file as {section: {key: [values]}} (systemd keys may repeat)."""
    sections = {}
    current = None
    for line in (SYSTEMD / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, value = line.split("=", 1)
        current.setdefault(key, []).append(value)
    return sections


def test_the_station_is_a_notify_service_with_a_watchdog_that_never_gives_up():
    station = unit("jumpmat-station.service")
    service = station["Service"]
    assert service["Type"] == ["notify"] and service["NotifyAccess"] == ["main"]
    assert 2 <= float(service["WatchdogSec"][0]) <= 30
    assert service["Restart"] == ["always"] and float(service["RestartSec"][0]) > 0
    assert station["Unit"]["StartLimitIntervalSec"] == ["0"]


def test_the_station_owns_tty1_instead_of_a_login_prompt():
    station = unit("jumpmat-station.service")
    assert station["Unit"]["Conflicts"] == ["getty@tty1.service"]
    assert station["Service"]["TTYPath"] == ["/dev/tty1"]
    assert station["Service"]["StandardInput"][0].startswith("tty")
    assert "SDL_VIDEODRIVER=kmsdrm" in station["Service"]["Environment"]


def test_the_service_user_has_exactly_the_groups_the_installer_makes_sure_exist():
    groups = unit("jumpmat-station.service")["Service"]["SupplementaryGroups"][0].split()
    installer = re.search(r'^GROUPS_NEEDED="([^"]*)"', (SYSTEMD / "install.sh").read_text(), re.M).group(1)
    assert groups == installer.split() == ["gpio", "dialout", "video", "render", "input", "audio"]


def test_the_station_may_reach_only_its_devices():
    service = unit("jumpmat-station.service")["Service"]
    assert service["DevicePolicy"] == ["closed"] and "PrivateDevices" not in service
    allowed = dict(entry.split() for entry in service["DeviceAllow"])
    assert allowed == {"char-gpiochip": "rw", "char-ttyACM": "rw", "char-ttyUSB": "rw", "char-drm": "rw",
                       "char-ttyAMA": "rw", "char-ttyS": "rw",
                       "char-input": "r", "char-alsa": "rw", "/dev/tty1": "rw", "/dev/tty": "rw"}
    # A device group is only allowed if its driver is loaded when the service starts.
    wants = unit("jumpmat-station.service")["Unit"]["Wants"][0].split()
    assert {"modprobe@cdc_acm.service", "modprobe@usbserial.service"} <= set(wants)


def test_the_station_writes_only_its_data_and_the_usb_mount_root():
    service = unit("jumpmat-station.service")["Service"]
    assert service["ProtectSystem"] == ["strict"] and service["ProtectHome"] == ["yes"]
    assert service["NoNewPrivileges"] == ["yes"] and service["PrivateTmp"] == ["yes"]
    writable = [path.lstrip("-") for path in service["ReadWritePaths"][0].split()]
    assert writable == ["/var/lib/jumpmat", MEDIA_ROOT]
    assert service["StateDirectory"] == ["jumpmat"] and service["WorkingDirectory"] == ["/var/lib/jumpmat"]
    assert service["ExecStart"][0].split()[:2] == ["/opt/jumpmat/venv/bin/station", "run"]
    assert "--config /etc/jumpmat/station.toml" in service["ExecStart"][0]


def test_the_eject_request_folder_is_the_same_in_the_station_the_path_unit_and_the_helper():
    runtime = unit("jumpmat-station.service")["Service"]["RuntimeDirectory"][0].split()
    assert "/run/" + runtime[-1] == EJECT_DIR
    assert unit("jumpmat-usb-eject.path")["Path"]["PathExistsGlob"] == [EJECT_DIR + "/*"]
    helper = (SYSTEMD / "jumpmat-usb-eject").read_text()
    assert f"${{JUMPMAT_EJECT_DIR:-{EJECT_DIR}}}" in helper and f"${{JUMPMAT_MEDIA_ROOT:-{MEDIA_ROOT}}}" in helper


RULE_TOKEN = re.compile(r'\s*([A-Z_]+)(\{[^}]*\})?\s*(==|!=|\+=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')
MATCH_KEYS = {"ACTION", "SUBSYSTEM", "SUBSYSTEMS", "ENV", "ATTRS", "ATTR", "KERNEL"}
ASSIGN_KEYS = {"ENV", "RUN", "GOTO", "LABEL", "SYMLINK", "MODE", "GROUP"}


def rule_lines(name):
    return [line for line in (SYSTEMD / name).read_text().splitlines() if line.strip() and not line.startswith("#")]


def parse_rule(line):
    tokens, at = [], 0
    while at < len(line):
        found = RULE_TOKEN.match(line, at)
        assert found, f"cannot read the rule from column {at}: {line}"
        tokens.append(found.groups()[:4])
        at = found.end()
    return tokens


def test_every_usb_rule_line_is_well_formed_and_every_goto_has_its_label():
    labels, gotos = [], []
    for line in rule_lines("99-jumpmat-usb.rules"):
        for key, _, operator, value in parse_rule(line):
            assert key in (MATCH_KEYS if operator in ("==", "!=") else ASSIGN_KEYS), (key, operator)
            (labels if key == "LABEL" else gotos if key == "GOTO" else []).append(value)
    assert set(gotos) <= set(labels) and len(labels) == len(set(labels))


def test_usb_sticks_are_mounted_under_the_media_root_without_exec_and_owned_by_jumpmat():
    runs = {}
    for line in rule_lines("99-jumpmat-usb.rules"):
        tokens = parse_rule(line)
        fs_type = next((value for key, attr, _, value in tokens if attr == "{ID_FS_TYPE}"), None)
        for key, _, _, value in tokens:
            if key == "RUN":
                runs[fs_type] = value.split()
    assert set(runs) == {"vfat", "exfat", "ntfs", "ext4"}
    for fs_type, command in runs.items():
        assert command[:4] == ["/usr/bin/systemd-mount", "--no-block", "--automount=no", "--collect"]
        assert command[-2:] == ["$devnode", MEDIA_ROOT + "/$env{JUMPMAT_USB_NAME}"]
        options = next(arg for arg in command if arg.startswith("--options=")).split("=", 1)[1].split(",")
        assert {"noexec", "nosuid", "nodev"} <= set(options)
        if fs_type != "ext4":   # ext4 keeps its own owners and refuses uid=
            assert {"uid=jumpmat", "gid=jumpmat"} <= set(options)


def udevadm_verify_available():
    return (shutil.which("udevadm") is not None
            and subprocess.run(["udevadm", "verify", "--help"], capture_output=True).returncode == 0)


@pytest.mark.skipif(not udevadm_verify_available(),
                    reason="udevadm verify (systemd 253 or newer) is not available here")
def test_udevadm_verify_accepts_the_rules():
    rules = [str(SYSTEMD / "99-jumpmat-usb.rules"),
             str(SYSTEMD.parent / "hardware/udev/99-jumpmat-frontend.rules")]
    done = subprocess.run(["udevadm", "verify", "--resolve-names=never", *rules], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def a_mount_point_below_a_folder():
    """A mount point of this machine whose parent is not / (like /dev/shm)."""
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        mount_point = Path(line.split()[4])
        if len(mount_point.parts) == 3 and re.fullmatch(r"[A-Za-z0-9_-]+", mount_point.name):
            return mount_point
    pytest.skip("no mount point two levels deep on this machine")


def run_eject(tmp_path, media_root):
    recorder = tmp_path / "bin/systemd-mount"
    recorder.parent.mkdir()
    # A stand-in that only records what it was asked: nothing is unmounted for real.
    recorder.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/asked\n')
    recorder.chmod(0o755)
    env = dict(os.environ, JUMPMAT_EJECT_DIR=str(tmp_path / "eject"), JUMPMAT_MEDIA_ROOT=str(media_root),
               PATH=f"{recorder.parent}:{os.environ['PATH']}")
    done = subprocess.run(["sh", str(SYSTEMD / "jumpmat-usb-eject")], capture_output=True, text=True, env=env)
    asked = (tmp_path / "asked").read_text().splitlines() if (tmp_path / "asked").exists() else []
    return done, asked


def test_the_eject_helper_unmounts_a_requested_stick_and_clears_the_request(tmp_path):
    mounted = a_mount_point_below_a_folder()
    (tmp_path / "eject").mkdir()
    (tmp_path / "eject" / mounted.name).touch()
    done, asked = run_eject(tmp_path, mounted.parent)
    assert done.returncode == 0
    assert asked == [f"--umount {mounted}"]
    assert list((tmp_path / "eject").iterdir()) == []


def test_the_eject_helper_ignores_what_is_not_a_mounted_stick_under_the_root(tmp_path):
    media = tmp_path / "media"
    (media / "NOT-MOUNTED").mkdir(parents=True)
    (tmp_path / "eject").mkdir()
    for name in ("NOT-MOUNTED", "a b", "x;reboot"):
        (tmp_path / "eject" / name).touch()
    done, asked = run_eject(tmp_path, media)
    assert done.returncode == 0 and asked == []
    assert "NOT-MOUNTED is not mounted" in done.stderr
    assert "ignoring request 'a b'" in done.stderr and "ignoring request 'x;reboot'" in done.stderr
    assert list((tmp_path / "eject").iterdir()) == []


def test_the_hub_is_a_notify_service_with_a_watchdog_that_never_gives_up():
    hub = unit("jumpmat-hub.service")
    service = hub["Service"]
    assert service["Type"] == ["notify"] and service["NotifyAccess"] == ["main"]
    assert 2 <= float(service["WatchdogSec"][0]) <= 30
    assert service["Restart"] == ["always"] and hub["Unit"]["StartLimitIntervalSec"] == ["0"]
    assert "mosquitto.service" in hub["Unit"]["After"][0]
    command = service["ExecStart"][0].split()
    assert command[1:3] == ["hub", "--broker"]
    data_dir = command[command.index("--data-dir") + 1]
    assert service["StateDirectory"] == [data_dir.rsplit("/", 1)[1]]
    assert service["ReadWritePaths"] == [data_dir]
