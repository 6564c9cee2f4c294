"""The ``[identity]`` table of the config: which tag reader, and how taps pick athletes."""

from __future__ import annotations

from dataclasses import dataclass, field

from station.hardware_config import _from_table, _need

#: What a keyboard-class device's name contains (case-insensitive) when it is
#: one of the USB RFID readers sold as keyboards. Kept narrow on purpose: a
#: real keyboard taken for a reader would be grabbed, its keys lost to the
#: kiosk ("card reader" would match keyboards with a smart-card slot).
AUTO_NAMES = ("rfid", "id&ic", "125khz")
#: USB vendor:product ids of keyboard readers whose names say nothing useful
#: (Sycreader's "SYC ID&IC USB Reader" is ffff:0035).
AUTO_USB_IDS = ("ffff:0035",)
BAUD_RATES = (2400, 4800, 9600, 19200, 38400, 57600, 115200)


@dataclass(frozen=True)
class IdentityConfig:
    """Tap-in with RFID tags (docs/identity.md).

    ``reader``: "auto" (a USB keyboard reader found by ``auto_names`` or
    ``auto_usb_ids``), "none", "serial:PORT" (an RDM6300 module or a line
    reader) or "evdev:PATH" (a keyboard reader's /dev/input device).
    ``idle_s``: a picked athlete stays picked this long without a tap or a set.
    ``same_tap_s``: the same tag read again within this is the same tap.
    ``baud``: a serial reader's speed.
    """

    reader: str = "auto"
    idle_s: float = 600
    same_tap_s: float = 1.5
    baud: int = 9600
    auto_names: list = field(default_factory=lambda: list(AUTO_NAMES))
    auto_usb_ids: list = field(default_factory=lambda: list(AUTO_USB_IDS))

    def __post_init__(self) -> None:
        _need(isinstance(self.reader, str) and reader_problem(self.reader) is None,
              reader_problem(self.reader) if isinstance(self.reader, str) else
              f'reader must be "auto", "none", "serial:PORT" or "evdev:PATH", not {self.reader!r}')
        _need(_number(self.idle_s) and 10 <= self.idle_s <= 86400,
              f"idle_s must be seconds from 10 to 86400, not {self.idle_s!r}")
        _need(_number(self.same_tap_s) and 0.1 <= self.same_tap_s <= 10,
              f"same_tap_s must be seconds from 0.1 to 10, not {self.same_tap_s!r}")
        _need(self.baud in BAUD_RATES and not isinstance(self.baud, bool),
              f"baud must be one of {', '.join(map(str, BAUD_RATES))}, not {self.baud!r}")
        _need(isinstance(self.auto_names, list) and all(isinstance(n, str) and n.strip() for n in self.auto_names),
              f'auto_names must be a list of names in quotes, like ["rfid"], not {self.auto_names!r}')
        _need(isinstance(self.auto_usb_ids, list) and all(_usb_id(i) for i in self.auto_usb_ids),
              f'auto_usb_ids must be a list of "vendor:product" hex ids, like ["ffff:0035"], '
              f"not {self.auto_usb_ids!r}")

    @classmethod
    def from_table(cls, table: dict) -> "IdentityConfig":
        return _from_table(cls, table, "identity")


def reader_problem(spec: str) -> str | None:
    """What is wrong with a reader spec (``--reader`` or ``[identity] reader``), or None."""
    kind, _, where = spec.partition(":")
    if spec in ("auto", "none") or (kind in ("serial", "evdev") and where.strip()):
        return None
    return f'reader must be "auto", "none", "serial:PORT" or "evdev:PATH", not {spec!r}'


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _usb_id(text) -> bool:
    if not isinstance(text, str) or text.count(":") != 1:
        return False
    vendor, product = text.split(":")
    return all(len(part) == 4 and all(c in "0123456789abcdefABCDEF" for c in part) for part in (vendor, product))
