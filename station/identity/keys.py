"""Tags in the key events of a USB "keyboard" reader, pure.

Most USB RFID readers present themselves as a keyboard and type the tag's
digits, then Enter, within a few tens of milliseconds. The decoder takes
Linux input events (type, code, value, time) as python-evdev gives them and
returns a tag at each Enter. Codes are the kernel's (linux/input-event-codes.h),
written out here so that decoding needs no evdev: it runs and is tested on
any machine.

Only key presses count (value 1; 0 is a release, 2 an auto-repeat). Shift
and the other modifiers are ignored (ids are upper-cased anyway). A read with
any other key is garbled; one whose keys stop for ``PARTIAL_AFTER_S`` before
Enter is partial; one longer than any tag is over-long. All are ignored and
counted in ``counts``.

    decoder = KeyDecoder()
    for event in device.read():
        tag = decoder.feed(event.type, event.code, event.value, event.timestamp())
"""

from __future__ import annotations

from station.identity.counts import ReadCounts
from station.identity.tags import MAX_TAG_CHARS, normalise_tag

EV_KEY = 1
KEY_DOWN = 1
#: Digits on the main row and the keypad, and the hex letters A-F.
KEY_CHARS = {
    2: "1", 3: "2", 4: "3", 5: "4", 6: "5", 7: "6", 8: "7", 9: "8", 10: "9", 11: "0",
    79: "1", 80: "2", 81: "3", 75: "4", 76: "5", 77: "6", 71: "7", 72: "8", 73: "9", 82: "0",
    30: "A", 48: "B", 46: "C", 32: "D", 18: "E", 33: "F",
}
#: Enter and the keypad's Enter end a read.
ENTER_KEYS = frozenset({28, 96})
#: Shift, Ctrl, Alt and Meta (left and right), Caps Lock and Num Lock: some
#: readers press them around the digits.
MODIFIER_KEYS = frozenset({42, 54, 29, 97, 56, 100, 125, 126, 58, 69})
#: A reader types a whole id in well under 0.2 s; half a second without a key
#: is a read that stopped (or a person pressing keys).
PARTIAL_AFTER_S = 0.5


class KeyDecoder:
    """Finds tags in a keyboard reader's key events; ``counts`` says what it found.

        decoder = KeyDecoder()
        decoder.feed(EV_KEY, 2, 1, 10.00)       # "1" pressed
        decoder.feed(EV_KEY, 28, 1, 10.02)      # Enter: returns "1"
    """

    def __init__(self) -> None:
        self.counts = ReadCounts()
        self._chars: list[str] = []
        self._garbled = False
        self._last_key_s: float | None = None

    def feed(self, event_type: int, code: int, value: int, time_s: float) -> str | None:
        """The tag this event completes, or None. ``time_s``: the event's time in seconds."""
        if event_type != EV_KEY or value != KEY_DOWN or code in MODIFIER_KEYS:
            return None
        self.flush(time_s)
        self._last_key_s = time_s
        if code in ENTER_KEYS:
            return self._end()
        char = KEY_CHARS.get(code)
        if char is None:
            self._garbled = True
        else:
            self._chars.append(char)
        return None

    def flush(self, time_s: float) -> None:
        """Count keys left without Enter for ``PARTIAL_AFTER_S`` as a partial read and forget them."""
        if self._last_key_s is not None and time_s - self._last_key_s >= PARTIAL_AFTER_S:
            if self._chars or self._garbled:
                self.counts.partial += 1
            self._reset()

    def _end(self) -> str | None:
        chars, garbled = "".join(self._chars), self._garbled
        self._reset()
        if not chars and not garbled:
            return None
        if garbled:
            self.counts.garbled += 1
            return None
        if len(chars) > MAX_TAG_CHARS:
            self.counts.overlong += 1
            return None
        self.counts.tags += 1
        return normalise_tag(chars)

    def _reset(self) -> None:
        self._chars.clear()
        self._garbled = False
