"""USB "keyboard" tag readers through python-evdev, grabbed so no keystroke
reaches the kiosk or the console.

python-evdev is a dependency on Linux only; elsewhere (or if it is missing)
``EVDEV_MISSING`` says so and keyboard readers are off, and everything else
imports and runs.
"""

from __future__ import annotations

import glob
import select
import time

from station.identity.keys import KeyDecoder

try:
    import evdev
except ImportError:   # not Linux, or not installed: no keyboard readers
    evdev = None

#: Where udev names USB input devices for good; ``-event-kbd`` are keyboard-class.
BY_ID_KEYBOARDS = "/dev/input/by-id/*-event-kbd"
READ_TIMEOUT_S = 0.05
EVDEV_MISSING = "python-evdev is not installed, so USB keyboard tag readers cannot be read"


class KeyboardTagReader:
    """The device side of a keyboard reader at ``path`` (a /dev/input event
    device): opened and grabbed, read, closed by station.identity.reader's thread.

        device = KeyboardTagReader("/dev/input/by-id/usb-Sycreader_RFID-event-kbd")
        handle = device.open()       # OSError while it is not there
        tags = device.read(handle)   # [(tag, monotonic time)], waits at most 50 ms
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.decoder = KeyDecoder()
        self.name = f"keyboard reader {path}"

    def open(self):
        if evdev is None:
            raise OSError(None, EVDEV_MISSING)
        return _grabbed(self.path)

    def read(self, handle) -> list[tuple[str, float]]:
        ready, _, _ = select.select([handle.fd], [], [], READ_TIMEOUT_S)
        now_s = time.monotonic()
        if not ready:
            self.decoder.flush(now_s)
            return []
        tags = []
        try:
            events = list(handle.read())
        except BlockingIOError:
            return []
        for event in events:
            tag = self.decoder.feed(event.type, event.code, event.value, now_s)
            if tag is not None:
                tags.append((tag, now_s))
        return tags

    def close(self, handle) -> None:
        try:
            handle.ungrab()
        except OSError:
            pass   # unplugged: nothing left to give back
        handle.close()


class AutoKeyboardReader(KeyboardTagReader):
    """The first keyboard-class device whose name contains one of ``names``
    (any case) or whose USB id is one of ``usb_ids`` ("ffff:0035"), looked
    for again at every ``open``.

        device = AutoKeyboardReader(["rfid"], ["ffff:0035"])
    """

    def __init__(self, names: list[str], usb_ids: list[str], pattern: str = BY_ID_KEYBOARDS) -> None:
        super().__init__("")
        self.names = [name.lower() for name in names]
        self.usb_ids = {usb_id.lower() for usb_id in usb_ids}
        self.pattern = pattern
        self.name = "keyboard reader (auto)"

    def open(self):
        if evdev is None:
            raise OSError(None, EVDEV_MISSING)
        for path in sorted(glob.glob(self.pattern)):
            if self.matches(path):
                handle = _grabbed(path)
                self.path, self.name = path, f"keyboard reader {path}"
                return handle
        raise OSError(None, "no keyboard tag reader is plugged in")

    def matches(self, path: str) -> bool:
        try:
            device = evdev.InputDevice(path)
        except OSError:
            return False
        try:
            return self.matches_device(device.name, device.info.vendor, device.info.product)
        finally:
            device.close()

    def matches_device(self, name: str, vendor: int, product: int) -> bool:
        """Whether a device called ``name`` with USB ids ``vendor``:``product`` is a tag reader."""
        return f"{vendor:04x}:{product:04x}" in self.usb_ids or any(part in name.lower() for part in self.names)


def _grabbed(path: str):
    device = evdev.InputDevice(path)
    try:
        device.grab()   # its keystrokes go to us only, never to the kiosk or a console
    except OSError:
        device.close()
        raise
    return device
