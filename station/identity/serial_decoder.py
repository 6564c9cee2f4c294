"""Tags in the bytes a serial reader sends: RDM6300 frames and plain lines, pure.

Three formats arrive on serial ports, and one decoder takes them all, so
``reader = "serial:PORT"`` needs no format:

- The RDM6300 125 kHz module (9600 baud): STX (0x02), 10 ASCII hex digits
  (2 of version or customer code, 8 of the tag), 2 ASCII hex digits of
  checksum, ETX (0x03). The checksum is the XOR of the 5 bytes the 10 digits
  spell; a frame whose checksum is wrong is ignored and counted. The tag id
  is the 10 digits, normalised (station.identity.tags).
- Line readers: one tag per line, hex or decimal digits, ended by CR, LF or
  both.
- Chronojump's RFID reader (an Arduino with an RC522 13.56 MHz module, its
  sketch arduino/RFID/RFID.ino, 9600 baud): a line ``s<b0>,<b1>,<b2>,<b3>,<b4>e``
  and CR LF, the five bytes the RC522 reads in decimal: the card's 4 id bytes
  and their XOR check byte. A line whose check byte is wrong is ignored and
  counted as a checksum error. The tag id is the 4 id bytes in hex,
  normalised: ``s4,162,177,195,212e`` is ``4A2B1C3``.

A frame or a line that stops for ``PARTIAL_AFTER_S`` (or is cut by the next
STX) is a partial read; one longer than any tag is over-long; a line with
characters no tag has is garbled. All are ignored and counted in ``counts``.
Modelled on pyserial's Packetizer: the thread reads bytes, this finds tags.

    decoder = SerialTagDecoder()
    decoder.feed(b"\\x020400A2B1C3D4\\x03", time_s=0.0)   # ["400A2B1C3"]
"""

from __future__ import annotations

import re
from functools import reduce
from operator import xor

from station.identity.counts import ReadCounts
from station.identity.tags import MAX_TAG_CHARS, read_tag

STX, ETX = 0x02, 0x03
#: 10 hex digits of id and 2 of checksum between STX and ETX.
FRAME_DIGITS = 12
#: A 14-byte frame takes 15 ms at 9600 baud and a line a few more; a USB
#: adapter holds bytes back at most 16 ms. Half a second of silence inside
#: one is a reader that stopped mid-read (a card pulled away).
PARTIAL_AFTER_S = 0.5
#: Longer than any line a tag reader sends: a line past this is noise.
MAX_LINE_CHARS = 2 * MAX_TAG_CHARS
_NEWLINES = (0x0A, 0x0D)
#: Chronojump's line: five bytes in decimal between "s" and "e".
_CHRONOJUMP_LINE = re.compile(r"s(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})e")


def rdm6300_checksum(digits: bytes) -> int:
    """The XOR of the 5 bytes that 10 ASCII hex ``digits`` spell."""
    value = 0
    for i in range(0, 10, 2):
        value ^= int(digits[i:i + 2], 16)
    return value


def rdm6300_frame(tag_digits: str) -> bytes:
    """The frame an RDM6300 sends for 10 hex ``tag_digits`` (for tests and the docs' vectors)."""
    digits = tag_digits.upper().encode("ascii")
    if len(digits) != 10:
        raise ValueError("an RDM6300 id is 10 hex digits")
    return bytes([STX]) + digits + f"{rdm6300_checksum(digits):02X}".encode("ascii") + bytes([ETX])


def chronojump_line(id_bytes: bytes) -> bytes:
    """The line Chronojump's RFID reader sends for a card's 4 ``id_bytes``
    (for tests and the docs' examples): their check byte added, CR LF."""
    if len(id_bytes) != 4:
        raise ValueError("an RC522 card id is 4 bytes")
    numbers = [*id_bytes, reduce(xor, id_bytes)]
    return ("s" + ",".join(map(str, numbers)) + "e\r\n").encode("ascii")


class SerialTagDecoder:
    """Finds tags in a serial reader's bytes; ``counts`` says what it found.

        decoder = SerialTagDecoder()
        tags = decoder.feed(port.read(64), time.monotonic())
        decoder.flush(time.monotonic())     # on a quiet read: a stopped read counts as partial
    """

    def __init__(self) -> None:
        self.counts = ReadCounts()
        self._frame: bytearray | None = None   # digits after an STX, until ETX
        self._line = bytearray()
        self._skipping_line = False           # an over-long line, until its end
        self._last_byte_s = None

    def feed(self, data: bytes, time_s: float) -> list[str]:
        """The tags completed by ``data``, read at host time ``time_s`` (seconds)."""
        self.flush(time_s)
        tags = []
        for byte in data:
            tag = self._byte(byte)
            if tag is not None:
                tags.append(tag)
        if data:
            self._last_byte_s = time_s
        return tags

    def flush(self, time_s: float) -> None:
        """Count a read left unfinished for ``PARTIAL_AFTER_S`` as partial and forget it."""
        if self._last_byte_s is None or time_s - self._last_byte_s < PARTIAL_AFTER_S:
            return
        if self._frame is not None or self._line:
            self.counts.partial += 1
        self._frame = None
        self._line.clear()
        self._skipping_line = False

    def _byte(self, byte: int) -> str | None:
        if byte == STX:
            if self._frame is not None or self._line:
                self.counts.partial += 1
            self._frame, self._skipping_line = bytearray(), False
            self._line.clear()
            return None
        if self._frame is not None:
            return self._frame_byte(byte)
        if byte == ETX:
            return None   # the end of a frame already given up on
        return self._line_byte(byte)

    def _frame_byte(self, byte: int) -> str | None:
        frame = self._frame
        if byte != ETX:
            frame.append(byte)
            if len(frame) > FRAME_DIGITS:
                self.counts.overlong += 1
                self._frame = None
            return None
        self._frame = None
        if len(frame) < FRAME_DIGITS:
            self.counts.partial += 1
            return None
        try:
            digits, checksum = bytes(frame[:10]), int(frame[10:], 16)
            ok = checksum == rdm6300_checksum(digits)
        except ValueError:
            self.counts.garbled += 1
            return None
        if not ok:
            self.counts.checksum += 1
            return None
        return self._good(read_tag(digits.decode("ascii")))

    def _line_byte(self, byte: int) -> str | None:
        if byte in _NEWLINES:
            line, skipping = bytes(self._line), self._skipping_line
            self._line.clear()
            self._skipping_line = False
            text = line.decode("ascii", "replace").strip()
            if skipping or not text:
                return None
            if text.startswith("s") and text.endswith("e"):
                return self._chronojump(text)
            if len(text) > MAX_TAG_CHARS:
                self.counts.overlong += 1
                return None
            return self._good(read_tag(text))
        if self._skipping_line:
            return None
        self._line.append(byte)
        if len(self._line) > MAX_LINE_CHARS:
            self.counts.overlong += 1
            self._line.clear()
            self._skipping_line = True
        return None

    def _chronojump(self, text: str) -> str | None:
        match = _CHRONOJUMP_LINE.fullmatch(text)
        numbers = [int(number) for number in match.groups()] if match else []
        if not numbers or max(numbers) > 255:
            self.counts.garbled += 1
            return None
        if reduce(xor, numbers[:4]) != numbers[4]:
            self.counts.checksum += 1
            return None
        return self._good(read_tag(bytes(numbers[:4]).hex()))

    def _good(self, tag: str | None) -> str | None:
        if tag is None:
            self.counts.garbled += 1
            return None
        self.counts.tags += 1
        return tag
