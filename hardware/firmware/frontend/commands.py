"""Finding the host's commands in the bytes that arrive over USB.

``CommandParser`` follows the host's own rules (hardware/PROTOCOL.md, "What
the host does with the bytes") on the device's side: scan for the sync, check
the version, the length and the CRC, and after a rejected frame look again
right after its sync. What a command means is app.py's business; this only
finds frames.

One thing here is not in the protocol. The firmware turns MicroPython's
Ctrl-C off, because 0x03 turns up inside commands (sequence 3, say); so that
``mpremote`` can still stop the firmware to copy files, a carriage return
followed by Ctrl-C (``\\r\\x03``, what mpremote sends first) *between frames*
ends it. Inside a frame those bytes are data. Plain Python: no hardware.
"""

from frontend.framing import CRC_BYTES, HEADER_BYTES, MAX_PAYLOAD, SYNC_1, SYNC_2, VERSION, crc16_ccitt_false

IDENTIFY = 0x81
START = 0x82
STOP = 0x83
SET_RATE = 0x84
#: Kinds below this are frames a device sends: seen here, they are an echo.
FIRST_COMMAND = 0x80

ESCAPE = "escape"
_CARRIAGE_RETURN = 0x0D
_CTRL_C = 0x03


class Command:
    """One frame from the host that passed its CRC: its ``kind``,
    ``sequence`` and ``payload`` (bytes)."""

    def __init__(self, kind, sequence, payload):
        self.kind = kind
        self.sequence = sequence
        self.payload = payload

    def __repr__(self):
        return "Command(0x%02x, %d, %r)" % (self.kind, self.sequence, self.payload)


class CommandParser:
    """Bytes in, one at a time or in chunks; Commands (or ESCAPE) out.

    It holds at most one unfinished frame, in a buffer allocated once.

        parser = CommandParser()
        for item in parser.feed(port_bytes):
            if item is ESCAPE: ...
            else: handle(item.kind, item.payload)
    """

    def __init__(self):
        self._frame = bytearray(HEADER_BYTES + MAX_PAYLOAD + CRC_BYTES)
        self._have = 0
        self._need = HEADER_BYTES
        self._previous = -1

    def feed(self, data):
        """The Commands completed by ``data``, and ESCAPE where one came."""
        found = []
        for byte in data:
            self._push(byte, found)
        return found

    def _push(self, byte, found):
        frame = self._frame
        have = self._have
        if have == 0:
            if byte == SYNC_1:
                frame[0] = byte
                self._have = 1
            elif byte == _CTRL_C and self._previous == _CARRIAGE_RETURN:
                found.append(ESCAPE)
            self._previous = byte
            return
        if have == 1:
            self._have = 0
            if byte == SYNC_2:
                frame[1] = byte
                self._have = 2
            else:
                self._push(byte, found)
            return
        frame[have] = byte
        have += 1
        self._have = have
        if have == HEADER_BYTES:
            length = frame[6] | (frame[7] << 8)
            if frame[2] != VERSION or length > MAX_PAYLOAD:
                self._resync(found)
                return
            self._need = HEADER_BYTES + length + CRC_BYTES
        elif have > HEADER_BYTES and have == self._need:
            end = have - CRC_BYTES
            if crc16_ccitt_false(frame, 2, end) != frame[end] | (frame[end + 1] << 8):
                self._resync(found)
                return
            found.append(Command(frame[3], frame[4] | (frame[5] << 8), bytes(frame[HEADER_BYTES:end])))
            self._have = 0
            self._need = HEADER_BYTES
            self._previous = -1

    def _resync(self, found):
        """A rejected frame: scan again from the byte after its sync, so a
        corrupted length cannot swallow what follows it."""
        rest = bytes(self._frame[2:self._have])
        self._have = 0
        self._need = HEADER_BYTES
        self._previous = -1
        for byte in rest:
            self._push(byte, found)
