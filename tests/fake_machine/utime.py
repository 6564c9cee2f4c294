"""A fake of MicroPython's ``utime`` on the rp2 port, for the firmware tests.

Time stands still until a test moves it: ``set_us`` and ``advance_us`` move
the 64-bit microsecond timer, and ``ticks_us`` reads it as rp2 does, wrapped
at 2**30. ``sleep_ms``/``sleep_us`` move it too, so code that waits returns
at once.
"""

TICKS_PERIOD = 1 << 30
_TICKS_MASK = TICKS_PERIOD - 1

_timer_us = 0


def set_us(timer_us):
    global _timer_us
    _timer_us = timer_us


def advance_us(step_us):
    global _timer_us
    _timer_us += step_us


def timer_us():
    """The 64-bit timer the ticks are read from."""
    return _timer_us


def ticks_us():
    return _timer_us & _TICKS_MASK


def ticks_ms():
    return (_timer_us // 1000) & _TICKS_MASK


def ticks_add(ticks, delta):
    return (ticks + delta) & _TICKS_MASK


def ticks_diff(later, earlier):
    half = TICKS_PERIOD >> 1
    return ((later - earlier + half) & _TICKS_MASK) - half


def sleep_us(us):
    advance_us(us)


def sleep_ms(ms):
    advance_us(ms * 1000)
