"""The Raspberry Pi Pico as wired in hardware/README.md, and its main loop.

Every pin the firmware uses is named here and nowhere else. ``build`` makes
the real hardware objects and hands them to FrontEnd; ``run`` is what main.py
calls on power-up.
"""

import sys

import machine
import micropython
import utime
from machine import SPI, Pin

from frontend.ads131m04 import SPI_BAUD, ADS131M04
from frontend.app import FrontEnd, identity_text
from frontend.clock import TICKS_MASK, DeviceClock
from frontend.mat import Mat
from frontend.port import UsbPort
from frontend.samples import SampleRing

SPI_BUS = 0
SCK_PIN = 18  # GP18, SPI0 SCK  -> ADS131M04 SCLK
MOSI_PIN = 19  # GP19, SPI0 TX  -> ADS131M04 DIN
MISO_PIN = 16  # GP16, SPI0 RX  <- ADS131M04 DOUT
CS_PIN = 17  # GP17            -> ADS131M04 /CS
DRDY_PIN = 20  # GP20          <- ADS131M04 /DRDY
SYNC_RESET_PIN = 21  # GP21    -> ADS131M04 /SYNC/RESET
MAT_PINS = (14, 15)  # GP14 front zone, GP15 back zone, to ground when closed

_CTRL_C = 3


def build(stdin, stdout):
    """The front-end on this board's pins, talking over ``stdin``/``stdout``."""
    spi = SPI(SPI_BUS, baudrate=SPI_BAUD, polarity=0, phase=1, bits=8, firstbit=SPI.MSB,
              sck=Pin(SCK_PIN), mosi=Pin(MOSI_PIN), miso=Pin(MISO_PIN))
    adc = ADS131M04(spi, Pin(CS_PIN, Pin.OUT, value=1), Pin(DRDY_PIN, Pin.IN),
                    Pin(SYNC_RESET_PIN, Pin.OUT, value=1), SampleRing())
    mat = Mat([Pin(number, Pin.IN, Pin.PULL_UP) for number in MAT_PINS])
    clock = DeviceClock(utime.ticks_us)
    return FrontEnd(adc, mat, UsbPort(stdin, stdout), clock, identity_text(machine.unique_id()))


def run():
    """Runs the front-end until the escape (``\\r`` then Ctrl-C between
    frames) comes, then gives the port back to the REPL."""
    if utime.ticks_add(0, -1) != TICKS_MASK:
        raise RuntimeError("this firmware is for MicroPython's rp2 port, whose ticks_us wraps at 2**30")
    micropython.alloc_emergency_exception_buf(100)
    front_end = build(sys.stdin.buffer, sys.stdout.buffer)
    micropython.kbd_intr(-1)
    try:
        while front_end.step():
            pass
    finally:
        front_end.close()
        micropython.kbd_intr(_CTRL_C)
