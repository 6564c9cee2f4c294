#!/bin/sh
# Remove what systemd/install.sh installed: the services, the udev rules, the
# virtual environment. The config (/etc/jumpmat) and the data (/var/lib/jumpmat:
# calibration, session log) stay, unless --purge is given, which also removes
# them and the jumpmat user.
#
#   sudo ./systemd/uninstall.sh [--purge]
#
# DESTDIR=/some/folder works as for install.sh.
set -eu

DESTDIR=${DESTDIR:-}
PURGE=no
case "${1:-}" in
    "") ;;
    --purge) PURGE=yes ;;
    *) echo "uninstall: unknown option $1; use --purge or nothing" >&2; exit 2 ;;
esac

say() { printf 'uninstall: %s\n' "$*"; }
staging() { [ -n "$DESTDIR" ]; }

if ! staging && [ "$(id -u)" -ne 0 ]; then
    echo "uninstall: run it as root: sudo $0" >&2
    exit 2
fi

if ! staging; then
    say "stopping the services"
    systemctl disable --now jumpmat-station.service jumpmat-usb-eject.path 2>/dev/null || true
    systemctl disable --now jumpmat-hub.service 2>/dev/null || true
fi
rm -f "$DESTDIR/etc/systemd/system/jumpmat-station.service" \
      "$DESTDIR/etc/systemd/system/jumpmat-usb-eject.service" \
      "$DESTDIR/etc/systemd/system/jumpmat-usb-eject.path" \
      "$DESTDIR/etc/udev/rules.d/99-jumpmat-usb.rules" \
      "$DESTDIR/etc/udev/rules.d/99-jumpmat-frontend.rules" \
      "$DESTDIR/usr/local/bin/station" \
      "$DESTDIR/etc/systemd/system/jumpmat-hub.service" \
      "$DESTDIR/etc/mosquitto/conf.d/jumpmat.conf" \
      "$DESTDIR/etc/chrony/conf.d/jumpmat-hub.conf" \
      "$DESTDIR/etc/chrony/conf.d/jumpmat-station.conf"
rm -rf "$DESTDIR/opt/jumpmat"
# Only if no stick is still mounted there.
rmdir "$DESTDIR/media/jumpmat" 2>/dev/null || true
if [ "$PURGE" = yes ]; then
    say "removing the config and the data"
    rm -rf "$DESTDIR/etc/jumpmat" "$DESTDIR/var/lib/jumpmat" "$DESTDIR/var/lib/jumpmat-hub"
    if ! staging && getent passwd jumpmat >/dev/null; then
        userdel jumpmat
    fi
else
    say "kept /etc/jumpmat and /var/lib/jumpmat (--purge removes them)"
fi
if ! staging; then
    systemctl daemon-reload
    udevadm control --reload
    # A login prompt on tty1 again.
    systemctl enable --now getty@tty1.service 2>/dev/null || true
fi
say "done"
