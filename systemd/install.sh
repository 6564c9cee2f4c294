#!/bin/sh
# Install or update Jump Mat Station as an appliance on Raspberry Pi OS Lite
# (Bookworm or Trixie): the kiosk service on tty1 with a watchdog, USB sticks
# mounted automatically, a config file at /etc/jumpmat/station.toml.
#
#   sudo ./systemd/install.sh            from a clone of the project
#   sudo ./systemd/install.sh --hub      the class hub instead (docs/network.md):
#                                        mosquitto, chrony as the gym's time
#                                        server, the jumpmat-hub service
#
# Safe to run again (that is how to update): it never overwrites the config.
# With DESTDIR=/some/folder it only writes the files under that folder and
# skips everything that changes the running system (apt, the user, the
# virtual environment, systemctl, udevadm): that is how the tests run it.
# docs/install.md explains every step.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT=$(dirname "$HERE")
DESTDIR=${DESTDIR:-}
VENV=/opt/jumpmat/venv
# What the station needs from the system: venv and pip; lgpio for gpiozero;
# python-evdev for keyboard tag readers (built, so pip need not compile it);
# the libraries pygame-ce's SDL loads at run time for full screen on the
# console (DRM, GBM, EGL, GLES and Mesa's drivers) and for sound (ALSA); the
# Noto fonts that draw names in every script (Latin, Greek, Cyrillic, Arabic,
# Hebrew, Devanagari; Chinese, Japanese, Korean).
PACKAGES="python3-venv python3-pip python3-lgpio python3-evdev libdrm2 libgbm1 libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri libasound2 fonts-noto-core fonts-noto-cjk"
GROUPS_NEEDED="gpio dialout video render input audio"

say() { printf 'install: %s\n' "$*"; }
staging() { [ -n "$DESTDIR" ]; }

need_root() {
    if ! staging && [ "$(id -u)" -ne 0 ]; then
        echo "install: run it as root: sudo $0" >&2
        exit 2
    fi
}

install_packages() {
    say "apt packages: $PACKAGES"
    apt-get update -q
    # shellcheck disable=SC2086  # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $PACKAGES
}

add_user() {
    for group in $GROUPS_NEEDED; do
        # A group the unit names must exist, or the service cannot start.
        getent group "$group" >/dev/null || groupadd --system "$group"
    done
    if ! getent passwd jumpmat >/dev/null; then
        say "system user jumpmat"
        useradd --system --user-group --home-dir /var/lib/jumpmat --no-create-home \
            --shell /usr/sbin/nologin jumpmat
    fi
    [ -z "$GROUPS_NEEDED" ] || usermod --append --groups "$(echo "$GROUPS_NEEDED" | tr ' ' ',')" jumpmat
}

install_venv() {
    say "virtual environment $VENV with the station from $PROJECT"
    # System site packages: gpiozero finds the lgpio that apt installed.
    [ -x "$VENV/bin/python" ] || python3 -m venv --system-site-packages "$VENV"
    # Built from a copy: a build in the clone would leave root-owned files in it.
    build=$(mktemp -d)
    cp -r "$PROJECT/pyproject.toml" "$PROJECT/README.md" "$PROJECT/station" "$PROJECT/assets" "$build/"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "$build"
    rm -rf "$build"
}

install_files() {
    say "files under ${DESTDIR:-/}"
    install -D -m 0644 "$HERE/jumpmat-station.service" "$DESTDIR/etc/systemd/system/jumpmat-station.service"
    install -D -m 0644 "$HERE/jumpmat-usb-eject.service" "$DESTDIR/etc/systemd/system/jumpmat-usb-eject.service"
    install -D -m 0644 "$HERE/jumpmat-usb-eject.path" "$DESTDIR/etc/systemd/system/jumpmat-usb-eject.path"
    install -D -m 0644 "$HERE/99-jumpmat-usb.rules" "$DESTDIR/etc/udev/rules.d/99-jumpmat-usb.rules"
    install -D -m 0644 "$PROJECT/hardware/udev/99-jumpmat-frontend.rules" \
        "$DESTDIR/etc/udev/rules.d/99-jumpmat-frontend.rules"
    install -D -m 0755 "$HERE/jumpmat-usb-eject" "$DESTDIR/opt/jumpmat/bin/jumpmat-usb-eject"
    install -D -m 0644 "$PROJECT/docs/install.md" "$DESTDIR/opt/jumpmat/docs/install.md"
    install -d -m 0755 "$DESTDIR/usr/local/bin" "$DESTDIR/media/jumpmat"
    ln -sfn "$VENV/bin/station" "$DESTDIR/usr/local/bin/station"
    install -d -m 0755 "$DESTDIR/etc/jumpmat"
    if [ -e "$DESTDIR/etc/jumpmat/station.toml" ]; then
        say "keeping the existing /etc/jumpmat/station.toml"
    else
        install -m 0644 "$HERE/station.toml" "$DESTDIR/etc/jumpmat/station.toml"
    fi
    install -d -m 0750 "$DESTDIR/var/lib/jumpmat"
    staging || chown jumpmat:jumpmat /var/lib/jumpmat
}

start_services() {
    say "starting the kiosk"
    systemctl daemon-reload
    udevadm control --reload
    # The front-end's /dev/jumpmat-frontend appears without a replug.
    udevadm trigger --subsystem-match=tty --action=add
    # The kiosk owns tty1 instead of a login prompt.
    systemctl disable getty@tty1.service 2>/dev/null || true
    systemctl enable jumpmat-station.service jumpmat-usb-eject.path
    systemctl restart jumpmat-usb-eject.path jumpmat-station.service
}

# A station whose config names a broker keeps the hub's time (docs/network.md,
# "Clocks"): chrony with that host as its server. Run again after changing
# [network] broker (without one, the chrony file goes).
follow_hub_clock() {
    hub=$(PYTHONPATH="$PROJECT" python3 -m station.network.time_source \
        "$DESTDIR/etc/jumpmat/station.toml" "$DESTDIR/etc/chrony/conf.d/jumpmat-station.conf")
    [ -n "$hub" ] || return 0
    say "chrony follows the hub's clock at $hub"
    staging || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q chrony && systemctl restart chrony.service; }
}

HUB_PACKAGES="python3-venv python3-pip mosquitto chrony"
HUB_DATA=/var/lib/jumpmat-hub

install_hub_files() {
    say "hub files under ${DESTDIR:-/}"
    install -D -m 0644 "$HERE/jumpmat-hub.service" "$DESTDIR/etc/systemd/system/jumpmat-hub.service"
    install -D -m 0644 "$HERE/hub/mosquitto-jumpmat.conf" "$DESTDIR/etc/mosquitto/conf.d/jumpmat.conf"
    install -D -m 0644 "$HERE/hub/chrony-jumpmat-hub.conf" "$DESTDIR/etc/chrony/conf.d/jumpmat-hub.conf"
    install -D -m 0644 "$PROJECT/docs/network.md" "$DESTDIR/opt/jumpmat/docs/network.md"
    install -d -m 0755 "$DESTDIR/usr/local/bin"
    ln -sfn "$VENV/bin/station" "$DESTDIR/usr/local/bin/station"
    install -d -m 0750 "$DESTDIR$HUB_DATA"
}

start_hub() {
    chown jumpmat:jumpmat "$HUB_DATA"
    # mosquitto reads the password file and the ACL in the hub's folder.
    usermod --append --groups jumpmat mosquitto
    # The hub's own broker account, before mosquitto needs the password file.
    runuser -u jumpmat -- "$VENV/bin/python" -c \
        "from station.hub.accounts import ensure_hub_account; ensure_hub_account('$HUB_DATA')"
    say "starting mosquitto, chrony and the hub"
    systemctl daemon-reload
    systemctl enable mosquitto.service chrony.service jumpmat-hub.service
    systemctl restart mosquitto.service chrony.service jumpmat-hub.service
}

install_hub() {
    if staging; then
        install_hub_files
        say "staged under $DESTDIR (no packages, user, virtual environment or services)"
        exit 0
    fi
    PACKAGES=$HUB_PACKAGES
    install_packages
    GROUPS_NEEDED=""
    add_user
    install_venv
    install_hub_files
    start_hub
    say "done: 'station hub add-station ID' gives each station its password; the API is on port 8080"
    exit 0
}

need_root
case "${1:-}" in
    "") ;;
    --hub) install_hub ;;
    *) echo "install: unknown option $1; use --hub or nothing" >&2; exit 2 ;;
esac
if staging; then
    install_files
    follow_hub_clock
    say "staged under $DESTDIR (no packages, user, virtual environment or services)"
    exit 0
fi
install_packages
add_user
install_venv
install_files
follow_hub_clock
start_services
say "done: 'systemctl status jumpmat-station' shows it; 'station doctor' checks the hardware"
