"""A fake of MicroPython's ``machine`` module on the rp2 port, for the
firmware tests: pins a test can drive and watch, SPI buses a test can put a
device on, the board's unique id, and USBDevice.

A Pin is the GPIO, not a handle: ``Pin(20)`` made twice is the same object,
as both would drive the same wire on a Pico. Interrupts run at once, inside
the call that made the edge, as a hard interrupt would.
"""

import utime

UNIQUE_ID = bytes.fromhex("e66118604b1f2a27")

_pins = {}
_buses = {}


def reset():
    """Forgets every pin, bus and USB setting: a board fresh from power-up."""
    _pins.clear()
    _buses.clear()
    USBDevice._instance = None


def unique_id():
    return UNIQUE_ID


def disable_irq():
    """Interrupts here run only when a test makes an edge, so there is
    nothing to hold off; the state is returned as MicroPython does."""
    return 1


def enable_irq(state):
    pass


class _Irq:
    def __init__(self):
        self.handler = None
        self.trigger = 0
        self.hard = False
        self.last_flags = 0

    def flags(self):
        return self.last_flags


class Pin:
    IN = 0
    OUT = 1
    PULL_UP = 1
    PULL_DOWN = 2
    IRQ_FALLING = 4
    IRQ_RISING = 8

    def __new__(cls, number, *args, **kwargs):
        if number not in _pins:
            pin = super().__new__(cls)
            pin.number = number
            pin.mode = None
            pin.pull = None
            pin.level = 0
            pin.outputs = []
            pin._irq = _Irq()
            _pins[number] = pin
        return _pins[number]

    def __init__(self, number, mode=-1, pull=-1, value=None):
        if mode != -1:
            self.mode = mode
        if pull != -1:
            self.pull = pull
            if pull == Pin.PULL_UP:
                self.level = 1
        if value is not None:
            self.value(value)

    def value(self, level=None):
        if level is None:
            return self.level
        self.level = 1 if level else 0
        self.outputs.append((utime.timer_us(), self.level))

    __call__ = value

    def irq(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, hard=False):
        self._irq.handler = handler
        self._irq.trigger = trigger
        self._irq.hard = hard
        return self._irq

    # What a test does to the wire.

    @property
    def irq_enabled(self):
        return self._irq.handler is not None

    def drive(self, level):
        """Something outside pulls the pin to ``level``; a change is an
        edge, and an edge the interrupt listens for runs its handler."""
        if level == self.level:
            return
        self.level = level
        self.interrupt(Pin.IRQ_RISING if level else Pin.IRQ_FALLING)

    def interrupt(self, flags):
        """Runs the handler as if the edges ``flags`` had been latched."""
        flags &= self._irq.trigger
        if flags and self._irq.handler is not None:
            self._irq.last_flags = flags
            self._irq.handler(self)


class SPI:
    MSB = 0
    LSB = 1

    def __init__(self, bus, baudrate=1_000_000, polarity=0, phase=0, bits=8, firstbit=MSB,
                 sck=None, mosi=None, miso=None):
        self.bus = bus
        self.baudrate = baudrate
        self.polarity = polarity
        self.phase = phase
        self.bits = bits
        self.firstbit = firstbit
        self.pins = (sck, mosi, miso)

    def write_readinto(self, tx, rx):
        """Sends ``tx``; what the device on the bus answers lands in ``rx``
        (zeros, as from an idle MISO line, when there is none)."""
        assert len(tx) == len(rx)
        device = _buses.get(self.bus)
        answer = device.exchange(bytes(tx)) if device is not None else bytes(len(tx))
        rx[:] = answer


def attach(bus, device):
    """Puts ``device`` on SPI ``bus``: its ``exchange(tx)`` returns the bytes
    clocked back for the bytes ``tx``."""
    _buses[bus] = device


class _Builtin:
    """MicroPython's built-in USB driver: its descriptors as on a Pico."""

    # 18-byte device descriptor: USB 2.0, IAD class, 64-byte EP0, 2E8A:0005, bcdDevice 1.00.
    desc_dev = bytes.fromhex("12010002ef020140" "8a2e0500" "0001" "010203" "01")
    desc_cfg = bytes.fromhex("09024b00020100804b")


class USBDevice:
    BUILTIN_NONE = None
    BUILTIN_DEFAULT = _Builtin()
    BUILTIN_CDC = BUILTIN_DEFAULT
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
            cls._instance.builtin_driver = cls.BUILTIN_NONE
            cls._instance.configured = None
            cls._instance._active = False
        return cls._instance

    def config(self, desc_dev, desc_cfg, desc_strs=None, open_itf_cb=None, reset_cb=None,
               control_xfer_cb=None, xfer_cb=None):
        assert not self._active, "USBDevice.config needs active(False) first"
        self.configured = (bytes(desc_dev), bytes(desc_cfg), desc_strs)

    def active(self, value=None):
        if value is not None:
            self._active = bool(value)
        return self._active
