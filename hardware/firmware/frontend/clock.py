"""The protocol's device clock: a u32 microsecond count, wrapping at 2**32.

MicroPython's ``ticks_us()`` on the rp2 port wraps at 2**30 (17.9 minutes),
because a tick must stay a small int, the kind an interrupt handler may make
without allocating. The protocol's clock wraps at 2**32 (71.6 minutes), so
the host can tell frames apart for an hour. ``DeviceClock`` extends one into
the other: every ``now()`` adds the ticks elapsed since the previous one,
modulo 2**30, to a count kept modulo 2**32. That is exact as long as ``now()``
runs at least once per 2**30 µs; the main loop runs it thousands of times a
second. ``at()`` turns a raw tick stamped in an interrupt into the same
clock, from its signed distance to the last ``now()``, exact within 2**29 µs
(8.9 minutes) either side; a stamp waits in a buffer for well under a second.

Started from the first raw tick, the count equals the low 32 bits of the
RP2040's 64-bit microsecond timer when the firmware starts within 17.9
minutes of power-up, as it does from main.py. Plain Python: the tick
arithmetic is that of ``utime.ticks_diff`` on rp2, written out.
"""

TICKS_PERIOD = 1 << 30
# As literals: on the Pico 2**30 itself is already a long int, and arithmetic
# with one allocates. Every intermediate below stays within +-(2**30 - 1).
TICKS_MASK = 0x3FFFFFFF
_TICKS_HALF = 0x20000000
_U32 = 1 << 32


def ticks_diff(later, earlier):
    """``later - earlier`` in µs for two raw ticks within 2**29 µs of each
    other, either way round; as ``utime.ticks_diff`` on rp2."""
    elapsed = (later - earlier) & TICKS_MASK
    if elapsed >= _TICKS_HALF:
        return elapsed - TICKS_MASK - 1
    return elapsed


def u32_diff(later, earlier):
    """How far ``later`` is after ``earlier`` on the u32 clock (0 to 2**32-1)."""
    return (later - earlier) % _U32


class DeviceClock:
    """The free-running u32 µs clock of the protocol, from raw ticks.

    ``ticks_us`` is the function that reads the raw tick (utime.ticks_us).

        clock = DeviceClock(utime.ticks_us)
        now_us = clock.now()
        edge_us = clock.at(raw_tick_from_an_interrupt)
    """

    def __init__(self, ticks_us):
        self._ticks_us = ticks_us
        self._raw = ticks_us()
        self._us = self._raw

    def now(self):
        """The clock now; also the reference for ``at``."""
        raw = self._ticks_us()
        self._us = (self._us + ((raw - self._raw) & TICKS_MASK)) % _U32
        self._raw = raw
        return self._us

    def at(self, raw):
        """The clock's value when the raw tick ``raw`` was read."""
        return (self._us + ticks_diff(raw, self._raw)) % _U32
