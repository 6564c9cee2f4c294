"""The front-end's main loop: commands in; SAMPLES, MAT_EDGE and STATUS out.

``FrontEnd.step`` is one turn of the loop, and what the tests drive:

1. read the clock, and any bytes the host sent; answer each command
   (hardware/PROTOCOL.md, "From the host");
2. while streaming, send the mat's edges and every full SAMPLES frame;
3. note whether the converter still signals samples, and send a STATUS
   once a second while streaming.

The hardware comes in from outside (pico.py wires the real one), so the same
loop runs on the Pico and, with fake pins and a fake SPI bus, under CPython.
"""

import struct

from frontend.clock import u32_diff
from frontend.commands import ESCAPE, FIRST_COMMAND, IDENTIFY, SET_RATE, START, STOP, CommandParser
from frontend.framing import FrameWriter
from frontend.samples import RATES_HZ, SamplePacker, counter_step

NAME = "jumpmat-frontend"
FIRMWARE = "1.0.0"
ADC_NAME = "ADS131M04"
STATUS_EVERY_US = 1_000_000
#: A converter that has not signalled a sample for this long, while
#: streaming, has stopped: 100 samples at 1 kHz, far beyond any jitter.
SILENT_ADC_US = 100_000
#: Bytes read per turn of the loop, at most: a command is 10 or 12 bytes, and
#: the samples must not wait behind a flood of garbage.
READ_PER_STEP = 64
_U32_MASK = 0xFFFFFFFF


def identity_text(unique_id):
    """The IDENTITY text for a board whose ``machine.unique_id()`` is
    ``unique_id``. The serial is written as MicroPython writes it in the USB
    serial number, lowercase hex, so the two can be compared as they are."""
    serial = "".join("%02x" % byte for byte in unique_id)
    return "%s;fw=%s;serial=%s;adc=%s" % (NAME, FIRMWARE, serial, ADC_NAME)


class FrontEnd:
    """The front-end's state and its main loop.

    ``adc`` is the ADS131M04 (its ``ring`` fills while started), ``mat`` the
    Mat or None, ``port`` the UsbPort, ``clock`` the DeviceClock and
    ``identity`` the IDENTITY text. It starts stopped, at 1 kHz.

        front_end = FrontEnd(adc, mat, port, clock, identity_text(machine.unique_id()))
        while front_end.step():
            pass
        front_end.close()
    """

    def __init__(self, adc, mat, port, clock, identity):
        self._adc = adc
        self._mat = mat
        self._port = port
        self._clock = clock
        self._identity = identity
        self._writer = FrameWriter()
        self._parser = CommandParser()
        self._packer = SamplePacker(adc.ring, self._writer, clock, port)
        self.rate_hz = RATES_HZ[0]
        self.streaming = False
        self.overflows = 0
        self._dropped_seen = adc.ring.dropped
        self._heard_seen = adc.ring.heard
        self._silent = False
        now_us = clock.now()
        self._heard_us = now_us
        self._status_us = now_us
        adc.configure(self.rate_hz)

    @property
    def adc_fault(self):
        """The converter did not take its settings, or stopped signalling."""
        return self._adc.fault or self._silent

    def step(self):
        """One turn of the main loop; False once the escape has come."""
        now_us = self._clock.now()
        for _ in range(READ_PER_STEP):
            byte = self._port.read_byte()
            if byte < 0:
                break
            for item in self._parser.feed((byte,)):
                if item is ESCAPE:
                    return False
                self._obey(item)
        if self.streaming:
            self._send_edges()
            self._packer.pack()
        self._count_overflows()
        self._listen_for_adc(now_us)
        if self.streaming and u32_diff(now_us, self._status_us) >= STATUS_EVERY_US:
            self._send_status()
        return True

    def close(self):
        """Turns the interrupts off, leaving the hardware quiet."""
        self._adc.stop()
        if self._mat is not None:
            self._mat.stop()

    def _obey(self, command):
        kind = command.kind
        if kind < FIRST_COMMAND:
            return  # a device frame come back: an echo, not a command
        empty = len(command.payload) == 0
        if kind == IDENTIFY and empty:
            self._port.write(self._writer.identity(self._identity))
        elif kind == START and empty:
            self._start()
        elif kind == STOP and empty:
            self._stop()
        elif kind == SET_RATE and len(command.payload) == 2:
            rate_hz = struct.unpack("<H", command.payload)[0]
            if rate_hz in RATES_HZ:
                self._set_rate(rate_hz)
        self._send_status()

    def _start(self):
        if self.streaming:
            return
        self._adc.start()
        if self._mat is not None:
            self._mat.start()
        self.streaming = True
        self._heard_us = self._clock.now()
        self._silent = False

    def _stop(self):
        """Stops sampling, then sends what was already taken."""
        if not self.streaming:
            return
        self.close()
        self._send_edges()
        self._packer.pack()
        self._packer.flush()
        self.streaming = False

    def _set_rate(self, rate_hz):
        """The new rate from the next frame on: the samples taken at the old
        one go out first, in frames of their own."""
        if rate_hz == self.rate_hz:
            return
        streaming = self.streaming
        if streaming:
            self._stop()
        self._adc.set_rate(rate_hz)
        self._packer.set_rate(rate_hz)
        self.rate_hz = rate_hz
        if streaming:
            self._start()

    def _send_edges(self):
        if self._mat is None:
            return
        edges = self._mat.edges
        tail = edges.tail
        head = edges.head
        while tail != head:
            device_time_us = self._clock.at(edges.ticks[tail])
            self._port.write(self._writer.mat_edge(device_time_us, edges.zones[tail], edges.contacts[tail]))
            tail += 1
            if tail == edges.slots:
                tail = 0
            edges.tail = tail

    def _count_overflows(self):
        dropped = self._adc.ring.dropped
        self.overflows = (self.overflows + counter_step(dropped, self._dropped_seen)) & _U32_MASK
        self._dropped_seen = dropped

    def _listen_for_adc(self, now_us):
        heard = self._adc.ring.heard
        if heard != self._heard_seen:
            self._heard_seen = heard
            self._heard_us = now_us
            self._silent = False
        elif self.streaming and u32_diff(now_us, self._heard_us) > SILENT_ADC_US:
            self._silent = True

    def _send_status(self):
        now_us = self._clock.now()
        self._count_overflows()
        status = self._writer.status(now_us, self.rate_hz, self.overflows, self.streaming, self.adc_fault)
        self._port.write(status)
        self._status_us = now_us
