"""systemd/install.sh and uninstall.sh, run for real into a staging root
(DESTDIR), and the unit files checked by systemd-analyze when it is here."""

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SYSTEMD = PROJECT / "systemd"
UNITS = ("jumpmat-station.service", "jumpmat-usb-eject.service", "jumpmat-usb-eject.path")
#: What a Raspberry Pi OS system already has, so uninstall can be compared with it.
SYSTEM_FOLDERS = ("etc/systemd/system", "etc/udev/rules.d", "usr/local/bin", "opt", "media", "var/lib")


def run_script(name, root, *args):
    done = subprocess.run(["sh", str(SYSTEMD / name), *args], capture_output=True, text=True,
                          env=dict(os.environ, DESTDIR=str(root)), timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def system_root(tmp_path):
    root = tmp_path / "root"
    for folder in SYSTEM_FOLDERS:
        (root / folder).mkdir(parents=True)
    return root


def tree(root):
    """Every entry under ``root``: its kind, mode and content (or link target)."""
    entries = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            what = ("link", os.readlink(path))
        elif path.is_dir():
            what = ("dir", oct(stat.S_IMODE(info.st_mode)))
        else:
            what = ("file", oct(stat.S_IMODE(info.st_mode)), hashlib.sha256(path.read_bytes()).hexdigest())
        entries[str(path.relative_to(root))] = what
    return entries


def test_a_staged_install_lays_out_every_file_with_its_mode(tmp_path):
    root = system_root(tmp_path)
    run_script("install.sh", root)
    sources = {**{f"etc/systemd/system/{unit}": SYSTEMD / unit for unit in UNITS},
               "etc/udev/rules.d/99-jumpmat-usb.rules": SYSTEMD / "99-jumpmat-usb.rules",
               "etc/udev/rules.d/99-jumpmat-frontend.rules": PROJECT / "hardware/udev/99-jumpmat-frontend.rules",
               "etc/jumpmat/station.toml": SYSTEMD / "station.toml",
               "opt/jumpmat/docs/install.md": PROJECT / "docs/install.md",
               "opt/jumpmat/bin/jumpmat-usb-eject": SYSTEMD / "jumpmat-usb-eject"}
    for target, source in sources.items():
        assert (root / target).read_bytes() == source.read_bytes(), target
        expected = 0o755 if target.startswith("opt/jumpmat/bin/") else 0o644
        assert stat.S_IMODE((root / target).stat().st_mode) == expected, target
    assert os.readlink(root / "usr/local/bin/station") == "/opt/jumpmat/venv/bin/station"
    assert stat.S_IMODE((root / "var/lib/jumpmat").stat().st_mode) == 0o750
    assert (root / "media/jumpmat").is_dir()
    added = set(tree(root)) - {str(Path(f)) for f in SYSTEM_FOLDERS} - {"etc", "etc/systemd", "etc/udev", "usr",
                                                                         "usr/local", "var"}
    expected_new = set(sources) | {"usr/local/bin/station", "var/lib/jumpmat", "media/jumpmat", "etc/jumpmat",
                                   "opt/jumpmat", "opt/jumpmat/bin", "opt/jumpmat/docs"}
    assert added == expected_new


def test_installing_twice_gives_the_same_tree(tmp_path):
    root = system_root(tmp_path)
    run_script("install.sh", root)
    first = tree(root)
    run_script("install.sh", root)
    assert tree(root) == first


def test_an_update_never_overwrites_the_gyms_config(tmp_path):
    root = system_root(tmp_path)
    run_script("install.sh", root)
    config = root / "etc/jumpmat/station.toml"
    config.write_text('[sources]\nmat = "gpio"\nforce = "frontend"\n')
    done = run_script("install.sh", root)
    assert config.read_text() == '[sources]\nmat = "gpio"\nforce = "frontend"\n'
    assert "keeping the existing /etc/jumpmat/station.toml" in done.stdout


def test_uninstall_removes_what_install_added_but_keeps_config_and_data(tmp_path):
    root = system_root(tmp_path)
    before = tree(root)
    run_script("install.sh", root)
    (root / "var/lib/jumpmat/station.db").write_bytes(b"the gym's sessions")
    run_script("uninstall.sh", root)
    kept = {"etc/jumpmat", "etc/jumpmat/station.toml", "var/lib/jumpmat", "var/lib/jumpmat/station.db"}
    after = tree(root)
    assert set(after) - kept == set(before)
    assert (root / "var/lib/jumpmat/station.db").read_bytes() == b"the gym's sessions"


def test_uninstall_with_purge_leaves_the_system_as_it_was(tmp_path):
    root = system_root(tmp_path)
    before = tree(root)
    run_script("install.sh", root)
    (root / "var/lib/jumpmat/station.db").write_bytes(b"sessions")
    run_script("uninstall.sh", root, "--purge")
    assert tree(root) == before


def test_uninstall_refuses_an_unknown_option(tmp_path):
    done = subprocess.run(["sh", str(SYSTEMD / "uninstall.sh"), "--everything"], capture_output=True,
                          text=True, env=dict(os.environ, DESTDIR=str(tmp_path)))
    assert done.returncode == 2 and "--purge" in done.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_installed_units_pass_systemd_analyze_verify(tmp_path):
    root = system_root(tmp_path)
    run_script("install.sh", root)
    # verify wants every ExecStart program to exist: the staged eject helper,
    # and an executable in place of the virtual environment's station.
    station = root / "opt/jumpmat/venv/bin/station"
    station.parent.mkdir(parents=True)
    station.write_text("#!/bin/sh\n")
    station.chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for unit in UNITS:
        text = (root / "etc/systemd/system" / unit).read_text()
        (units / unit).write_text(text.replace("/opt/jumpmat/", f"{root}/opt/jumpmat/"))
    done = subprocess.run(["systemd-analyze", "verify", *(str(units / unit) for unit in UNITS)],
                          capture_output=True, text=True, timeout=60)
    # It warns about unknown keys and bad values on stderr but still exits 0.
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_a_staged_hub_install_lays_out_the_broker_the_time_server_and_the_hub(tmp_path):
    root = system_root(tmp_path)
    run_script("install.sh", root, "--hub")
    sources = {"etc/systemd/system/jumpmat-hub.service": SYSTEMD / "jumpmat-hub.service",
               "etc/mosquitto/conf.d/jumpmat.conf": SYSTEMD / "hub/mosquitto-jumpmat.conf",
               "etc/chrony/conf.d/jumpmat-hub.conf": SYSTEMD / "hub/chrony-jumpmat-hub.conf",
               "opt/jumpmat/docs/network.md": PROJECT / "docs/network.md"}
    for target, source in sources.items():
        assert (root / target).read_bytes() == source.read_bytes(), target
        assert stat.S_IMODE((root / target).stat().st_mode) == 0o644, target
    assert os.readlink(root / "usr/local/bin/station") == "/opt/jumpmat/venv/bin/station"
    assert stat.S_IMODE((root / "var/lib/jumpmat-hub").stat().st_mode) == 0o750
    broker = (root / "etc/mosquitto/conf.d/jumpmat.conf").read_text()
    assert "allow_anonymous false" in broker
    assert "password_file /var/lib/jumpmat-hub/mosquitto/passwd" in broker
    assert "acl_file /var/lib/jumpmat-hub/mosquitto/acl" in broker
    chrony = (root / "etc/chrony/conf.d/jumpmat-hub.conf").read_text().splitlines()
    assert "allow" in chrony and "local stratum 10" in chrony
    assert not (root / "etc/systemd/system/jumpmat-station.service").exists()


def test_the_installer_refuses_an_unknown_option(tmp_path):
    done = subprocess.run(["sh", str(SYSTEMD / "install.sh"), "--everything"], capture_output=True,
                          text=True, env=dict(os.environ, DESTDIR=str(tmp_path)))
    assert done.returncode == 2 and "--hub" in done.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_hub_unit_passes_systemd_analyze_verify(tmp_path):
    station = tmp_path / "opt/jumpmat/venv/bin/station"
    station.parent.mkdir(parents=True)
    station.write_text("#!/bin/sh\n")
    station.chmod(0o755)
    unit = tmp_path / "jumpmat-hub.service"
    unit.write_text((SYSTEMD / "jumpmat-hub.service").read_text()
                    .replace("/opt/jumpmat/", f"{tmp_path}/opt/jumpmat/"))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_a_station_whose_config_names_a_broker_keeps_the_hubs_time(tmp_path):
    root = system_root(tmp_path)
    config = root / "etc/jumpmat/station.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[network]\nbroker = "mqtts://hub.local:8883"\nstation_id = "mat-1"\n')
    done = run_script("install.sh", root)
    chrony = root / "etc/chrony/conf.d/jumpmat-station.conf"
    assert "server hub.local iburst" in chrony.read_text().splitlines()
    assert stat.S_IMODE(chrony.stat().st_mode) == 0o644
    assert "chrony follows the hub's clock at hub.local" in done.stdout
    # Without a broker any more, the next install takes the station off the hub's clock.
    config.write_text('[network]\nbroker = ""\n')
    run_script("install.sh", root)
    assert not chrony.exists()


def test_uninstall_takes_the_station_off_the_hubs_clock(tmp_path):
    root = system_root(tmp_path)
    config = root / "etc/jumpmat/station.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[network]\nbroker = "mqtt://10.0.0.2:1883"\n')
    run_script("install.sh", root)
    assert (root / "etc/chrony/conf.d/jumpmat-station.conf").exists()
    run_script("uninstall.sh", root)
    assert not (root / "etc/chrony/conf.d/jumpmat-station.conf").exists()


@pytest.mark.parametrize("text, host", [
    ('[network]\nbroker = "mqtt://hub.local:1883"', "hub.local"),
    ('[network]\nbroker = "mqtts://[fd00::5]:8883"', "fd00::5"),
    ('[network]\nbroker = "mqtt://192.168.1.10"', "192.168.1.10"),
    ('[network]\nbroker = ""', None),
    ('[sources]\nmat = "gpio"', None),
    ('[network]\nbroker = "http://hub.local"', None),
    ('[network]\nbroker = "mqtt://hub local"', None),
    ('[network\nbroker = "mqtt://hub.local"', None),
])
def test_the_hubs_host_is_read_from_the_broker_url_and_nothing_else(text, host):
    from station.network.time_source import hub_host
    assert hub_host(text) == host
