"""The ADS131M04: four simultaneous 24-bit channels, one per corner cell.

The driver talks to it over SPI mode 1 (clock idle low, data sampled on the
falling edge) in frames of six 24-bit words: the command word then five more
on the way out; the response word, channels 0 to 3 and a CRC word on the way
back. A command's response comes in the *next* frame.

What it writes after a pin reset (hardware/firmware/README.md explains each):

    MODE  (0x02) = 0x0110  24-bit words, SPI timeout on, DRDY low while a
                           sample waits, driven (not Hi-Z), no CRC on input,
                           and the RESET flag cleared
    GAIN1 (0x04) = 0x7777  PGA gain 128 on all four channels
    CLOCK (0x03) = 0x0F16  four channels on, high-resolution mode, OSR 4096:
                           8.192 MHz / 2 / 4096 = 1000 samples a second
                 = 0x0F12  the same with OSR 2048: 2000 samples a second

and reads each back; a converter that does not return them is a fault.

The DRDY falling edge runs ``_on_drdy`` as a hard interrupt: it reads the
tick, clocks the 18-byte frame into the next free slot of the SampleRing and
moves the ring on. Everything it touches was allocated beforehand.
"""

import machine
import micropython
import utime
from machine import Pin

from frontend.framing import ADC_FRAME_BYTES

MODE = 0x02
CLOCK = 0x03
GAIN1 = 0x04

_RREG = 0xA000
_WREG = 0x6000
_WORD_BYTES = 3

MODE_VALUE = 0x0110
GAIN1_VALUE = 0x7777
#: CLOCK for each rate: CH3_EN..CH0_EN (bits 11-8) set, bits 7-5 as reset
#: (0), OSR (bits 4-2) 101 = 4096 or 100 = 2048, PWR (bits 1-0) 10 = high
#: resolution. Only these two: the protocol knows no other rate.
CLOCK_VALUES = {1000: 0x0F16, 2000: 0x0F12}
#: The RP2040 gives 7.8 MHz for this (125 MHz / 16): 18 bytes in about 20 µs,
#: a twenty-fifth of the 500 µs between samples at 2 kHz.
SPI_BAUD = 8_000_000
#: SYNC/RESET held low this long resets the chip: more than 2048 CLKIN
#: periods (250 µs at 8.192 MHz); shorter pulses only resynchronise it.
_RESET_LOW_MS = 1
_AFTER_RESET_MS = 1


class ADS131M04:
    """The converter on the SPI bus, its chip select, DRDY and SYNC/RESET.

    ``spi`` is a machine.SPI set up for mode 1; ``cs`` and ``sync_reset``
    output Pins idle high; ``drdy`` an input Pin; ``ring`` the SampleRing the
    interrupt fills. ``fault`` is True when the converter did not take its
    settings.

        adc = ADS131M04(spi, cs, drdy, sync_reset, SampleRing())
        adc.configure(1000)
        adc.start()      # samples land in the ring
        adc.stop()
    """

    def __init__(self, spi, cs, drdy, sync_reset, ring):
        self.ring = ring
        self.fault = False
        self._spi = spi
        self._cs = cs
        self._drdy = drdy
        self._sync_reset = sync_reset
        self._tx = bytearray(ADC_FRAME_BYTES)
        self._rx = bytearray(ADC_FRAME_BYTES)
        self._null = bytearray(ADC_FRAME_BYTES)
        # A bound method made here, once: making one in the interrupt would allocate.
        self._handler = self._on_drdy

    def configure(self, rate_hz):
        """Resets the chip and sets it up to sample at ``rate_hz``."""
        self._sync_reset(0)
        utime.sleep_ms(_RESET_LOW_MS)
        self._sync_reset(1)
        utime.sleep_ms(_AFTER_RESET_MS)
        self.fault = not (self._write_register(MODE, MODE_VALUE)
                          and self._write_register(GAIN1, GAIN1_VALUE)
                          and self._write_register(CLOCK, CLOCK_VALUES[rate_hz]))

    def set_rate(self, rate_hz):
        """Samples at ``rate_hz`` (1000 or 2000); only while stopped."""
        if not self._write_register(CLOCK, CLOCK_VALUES[rate_hz]):
            self.fault = True

    def start(self):
        """Samples into the ring from the next DRDY on."""
        self.ring.clear()
        self._drdy.irq(handler=self._handler, trigger=Pin.IRQ_FALLING, hard=True)
        # DRDY may be low already, over a sample that waited, unread, while
        # stopped: its falling edge is long gone. Read that sample (and drop
        # it, its time unknown), so that DRDY rises and the next one falls.
        state = machine.disable_irq()
        if self._drdy.value() == 0:
            self._frame(0)
        machine.enable_irq(state)

    def stop(self):
        """No more samples into the ring."""
        self._drdy.irq(handler=None)

    @micropython.native
    def _on_drdy(self, pin):
        tick = utime.ticks_us()
        ring = self.ring
        head = ring.head
        after = head + 1
        if after == ring.slots:
            after = 0
        self._cs(0)
        if after == ring.tail:
            self._spi.write_readinto(self._null, ring.scratch)
            self._cs(1)
            ring.dropped = (ring.dropped + 1) & 0x3FFFFFFF
        else:
            self._spi.write_readinto(self._null, ring.frames[head])
            self._cs(1)
            ring.ticks[head] = tick
            ring.head = after
        ring.heard = (ring.heard + 1) & 0x3FFFFFFF

    def _write_register(self, address, value):
        """Writes one register and reads it back: True if it holds ``value``."""
        self._frame(_WREG | (address << 7), value)
        self._frame(_RREG | (address << 7))
        return self._frame(0) == value

    def _frame(self, command, data=None):
        """One whole frame: ``command`` (and one data word) out; the
        response word that came back, answering the previous frame."""
        tx = self._tx
        for index in range(ADC_FRAME_BYTES):
            tx[index] = 0
        tx[0] = command >> 8
        tx[1] = command & 0xFF
        if data is not None:
            tx[_WORD_BYTES] = data >> 8
            tx[_WORD_BYTES + 1] = data & 0xFF
        self._cs(0)
        self._spi.write_readinto(tx, self._rx)
        self._cs(1)
        return (self._rx[0] << 8) | self._rx[1]
