"""From the converter's frames to SAMPLES frames.

``SampleRing`` is where the DRDY interrupt leaves each ADS131M04 frame and
the tick it was signalled at; everything in it is allocated up front, so the
interrupt allocates nothing. ``SamplePacker`` takes them out in the main loop
and packs them into SAMPLES frames of 10 samples at 1 kHz and 20 at 2 kHz:
100 frames a second at either rate (hardware/PROTOCOL.md, "Batches").

A frame's samples are timed as first time + i x period on the host, so a
frame must never span a hole: when a sample's tick is more than half a period
off where that rule puts it (samples dropped on a full ring, or a DRDY the
interrupt missed), the frame so far is sent short and a new one starts at
that sample, with its own time. No hardware here.
"""

from array import array

import micropython

from frontend.clock import TICKS_MASK
from frontend.framing import ADC_FRAME_BYTES

RATES_HZ = (1000, 2000)
FRAMES_PER_S = 100
#: 1023 samples: half a second at 2 kHz. Longer than any pause of the main
#: loop short of the host not reading at all, when MicroPython's USB write
#: blocks for up to 500 ms before giving up.
RING_SLOTS = 1024


class SampleRing:
    """A ring of ADS131M04 frames, filled by the DRDY interrupt.

    The interrupt writes slot ``head`` and its tick, then moves ``head`` on;
    the main loop reads slot ``tail`` and moves ``tail`` on. When the next
    ``head`` would meet ``tail`` the ring is full: the interrupt reads the
    frame into ``scratch`` instead (the converter's DRDY must be answered) and
    counts it in ``dropped``. ``heard`` counts every DRDY. Both counters wrap
    at 2**30, to stay small ints in the interrupt.
    """

    def __init__(self, slots=RING_SLOTS):
        self.slots = slots
        view = memoryview(bytearray(slots * ADC_FRAME_BYTES))
        self.frames = [view[i * ADC_FRAME_BYTES:(i + 1) * ADC_FRAME_BYTES] for i in range(slots)]
        self.ticks = array("I", [0] * slots)
        self.scratch = memoryview(bytearray(ADC_FRAME_BYTES))
        self.head = 0
        self.tail = 0
        self.dropped = 0
        self.heard = 0

    def clear(self):
        """Forgets every frame held; only while the interrupt is off."""
        self.tail = self.head


def counter_step(now, before):
    """How much a counter wrapping at 2**30 rose from ``before`` to ``now``."""
    return (now - before) & TICKS_MASK


class SamplePacker:
    """Packs the ring's samples into SAMPLES frames and writes them.

    ``writer`` is the FrameWriter, ``clock`` the DeviceClock that turns the
    interrupt's raw ticks into device time, ``port`` what frames are written
    to (anything with ``write``).

        packer = SamplePacker(ring, writer, clock, port)
        packer.set_rate(2000)
        packer.pack()    # in the main loop: sends each full frame
        packer.flush()   # at STOP or a rate change: sends the rest, short
    """

    def __init__(self, ring, writer, clock, port):
        self._ring = ring
        self._writer = writer
        self._clock = clock
        self._port = port
        self._count = 0
        self._first_tick = 0
        self.set_rate(RATES_HZ[0])

    def set_rate(self, rate_hz):
        """Packs at ``rate_hz`` from now on; flush first, so that no frame
        mixes two rates."""
        self.period_us = 1_000_000 // rate_hz
        self.per_frame = rate_hz // FRAMES_PER_S
        self._half_period_us = self.period_us // 2

    @micropython.native
    def pack(self):
        """Takes every sample waiting in the ring, sending each frame that
        fills up, or that a hole in time ends."""
        # Locals, not attributes, in the loop: it runs 2000 times a second.
        ring = self._ring
        ticks = ring.ticks
        frames = ring.frames
        slots = ring.slots
        put_sample = self._writer.put_sample
        period_us = self.period_us
        half_period_us = self._half_period_us
        per_frame = self.per_frame
        mask = TICKS_MASK
        count = self._count
        first_tick = self._first_tick
        tail = ring.tail
        head = ring.head
        while tail != head:
            tick = ticks[tail]
            if count:
                # Ticks come in order, so the elapsed time is never negative.
                off_us = ((tick - first_tick) & mask) - count * period_us
                if off_us > half_period_us or off_us < -half_period_us:
                    self._send(first_tick, count)
                    count = 0
            if count == 0:
                first_tick = tick
            put_sample(count, frames[tail])
            count += 1
            tail += 1
            if tail == slots:
                tail = 0
            ring.tail = tail
            if count == per_frame:
                self._send(first_tick, count)
                count = 0
        self._count = count
        self._first_tick = first_tick

    def flush(self):
        """Sends the samples packed so far, if any, as one frame."""
        self._send(self._first_tick, self._count)
        self._count = 0

    def _send(self, first_tick, count):
        if count:
            device_time_us = self._clock.at(first_tick)
            self._port.write(self._writer.samples(device_time_us, self.period_us, count))
