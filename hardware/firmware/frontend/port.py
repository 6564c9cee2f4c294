"""The USB serial port, as raw bytes both ways.

The frames go over the USB CDC port MicroPython's REPL also uses: on the rp2
port that is ``sys.stdin.buffer`` and ``sys.stdout.buffer``, the binary
sides of the console, which pass bytes through untouched (the text sides turn
``\\n`` into ``\\r\\n``). Reading never blocks: ``select.poll`` says whether
a byte has arrived, and one byte is read at a time, so the firmware can stop
reading the moment it sees the escape and leave the rest to the REPL.

Writing blocks while the host's side is full and the port is open, for up to
500 ms (MicroPython's USB timeout), then drops what does not fit; the host
resynchronises on the next frame's sync. Samples taken meanwhile wait in the
SampleRing, or are counted as overflows when it is full.
"""

import select


class UsbPort:
    """Non-blocking reads, blocking writes, on a pair of binary streams.

        port = UsbPort(sys.stdin.buffer, sys.stdout.buffer)
        byte = port.read_byte()      # -1 when nothing has arrived
        port.write(frame)
    """

    def __init__(self, stdin, stdout):
        self._in = stdin
        self._out = stdout
        self._poll = select.poll()
        self._poll.register(stdin, select.POLLIN)
        self._byte = bytearray(1)

    def read_byte(self):
        """The next byte received, or -1 if none is waiting."""
        if not self._poll.poll(0):
            return -1
        if self._in.readinto(self._byte) != 1:
            return -1
        return self._byte[0]

    def write(self, data):
        self._out.write(data)
