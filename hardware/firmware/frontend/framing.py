"""The frames the front-end sends, built in place: hardware/PROTOCOL.md.

``FrameWriter`` owns one buffer for SAMPLES frames and one for every other
kind, both allocated once, so sending a frame allocates nothing but the view
it returns. It numbers every frame it builds from one sequence counter, as the
protocol asks. No hardware here.

The two loops that run for every byte sent, the CRC and turning the
converter's words around, are compiled by MicroPython's viper emitter
(``@micropython.viper``: machine integers and raw pointers): in bytecode they
alone would take a large part of the RP2040's time at 2 kHz. They are written
so that, with ``ptr8``/``ptr16`` taken as plain indexing, they are also
ordinary Python with the same results, which is how the tests run them. The
constants they use are ``const``, so viper sees numbers, not objects.
"""

import struct
from array import array

import micropython
from micropython import const

SYNC_1 = 0xA5
SYNC_2 = 0x5A
VERSION = 1

SAMPLES = 0x01
MAT_EDGE = 0x02
STATUS = 0x03
IDENTITY = 0x04

HEADER_BYTES = 8  # sync, version, kind, sequence (u16), length (u16)
CRC_BYTES = 2
MAX_PAYLOAD = 1024
CHANNELS = const(4)
COUNT_BYTES = const(3)
SAMPLE_BYTES = CHANNELS * COUNT_BYTES
#: A frame normally holds 10 or 20 samples; 64 is the protocol's limit.
MAX_SAMPLES = 64
SEQUENCE_MASK = 0xFFFF

_SAMPLES_HEAD = "<IHBB"  # device_time_us, period_us, channels, count
_SAMPLES_HEAD_BYTES = struct.calcsize(_SAMPLES_HEAD)
_MAT_EDGE = "<IBB"  # device_time_us, zone, state
_STATUS = "<IHIB"  # device_time_us, rate_hz, overflows, flags
_STREAMING = 0x01
_ADC_FAULT = 0x02
#: The ADS131M04's frame: a status word, the four channels, a CRC word, each
#: three bytes with the most significant byte first.
ADC_FRAME_BYTES = 18
_ADC_FIRST_CHANNEL = const(3)
#: Room for the longest non-SAMPLES payload, the identity text.
_SMALL_PAYLOAD = 96


def _crc_table():
    table = array("H", [0] * 256)
    for index in range(256):
        crc = index << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table[index] = crc & 0xFFFF
    return table


_CRC_TABLE = _crc_table()


@micropython.viper
def crc16_ccitt_false(data: ptr8, start: int, end: int) -> int:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection,
    no final xor) of ``data[start:end]``; ``b"123456789"`` gives 0x29B1.

    MicroPython's binascii has no crc_hqx, so this is a table-driven loop,
    one lookup per byte: about 26 000 bytes a second at 2 kHz.
    """
    table = ptr16(_CRC_TABLE)
    crc = 0xFFFF
    for index in range(start, end):
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ data[index]]
    return crc


@micropython.viper
def _put_channels(out: ptr8, at: int, adc_frame: ptr8):
    """The four channel words of ``adc_frame``, most significant byte first,
    into ``out`` from ``at`` on, least significant byte first."""
    word = _ADC_FIRST_CHANNEL
    for _ in range(CHANNELS):
        out[at] = adc_frame[word + 2]
        out[at + 1] = adc_frame[word + 1]
        out[at + 2] = adc_frame[word]
        at += COUNT_BYTES
        word += COUNT_BYTES


class FrameWriter:
    """Builds the device's frames, sync to CRC, numbering each one.

    Each method returns a memoryview of the finished frame inside the
    writer's own buffer: write it out before building the next frame of the
    same kind. SAMPLES frames are filled sample by sample with ``put_sample``
    and finished with ``samples``.

        writer = FrameWriter()
        port.write(writer.status(device_time_us=0, rate_hz=1000, overflows=0,
                                 streaming=False, adc_fault=False))
    """

    def __init__(self):
        self.sequence = 0
        self._big = bytearray(HEADER_BYTES + _SAMPLES_HEAD_BYTES + MAX_SAMPLES * SAMPLE_BYTES + CRC_BYTES)
        self._small = bytearray(HEADER_BYTES + _SMALL_PAYLOAD + CRC_BYTES)
        self._big_view = memoryview(self._big)
        self._small_view = memoryview(self._small)
        for buffer in (self._big, self._small):
            buffer[0] = SYNC_1
            buffer[1] = SYNC_2
            buffer[2] = VERSION

    def put_sample(self, index, adc_frame):
        """Copies the four channels of one ADS131M04 frame into sample
        ``index`` of the SAMPLES frame being filled, turning each big-endian
        24-bit word around into the protocol's little-endian one."""
        _put_channels(self._big, HEADER_BYTES + _SAMPLES_HEAD_BYTES + index * SAMPLE_BYTES, adc_frame)

    def samples(self, device_time_us, period_us, count):
        """The SAMPLES frame of the first ``count`` samples put, the first
        taken at ``device_time_us``."""
        struct.pack_into(_SAMPLES_HEAD, self._big, HEADER_BYTES, device_time_us, period_us, CHANNELS, count)
        return self._finish(self._big, self._big_view, SAMPLES, _SAMPLES_HEAD_BYTES + count * SAMPLE_BYTES)

    def mat_edge(self, device_time_us, zone, contact):
        """A mat zone (0 front, 1 back) closed (``contact``) or opened."""
        struct.pack_into(_MAT_EDGE, self._small, HEADER_BYTES, device_time_us, zone, 1 if contact else 0)
        return self._finish(self._small, self._small_view, MAT_EDGE, struct.calcsize(_MAT_EDGE))

    def status(self, device_time_us, rate_hz, overflows, streaming, adc_fault):
        """The device's state; ``overflows`` counts dropped samples (u32)."""
        flags = (_STREAMING if streaming else 0) | (_ADC_FAULT if adc_fault else 0)
        struct.pack_into(_STATUS, self._small, HEADER_BYTES, device_time_us, rate_hz, overflows, flags)
        return self._finish(self._small, self._small_view, STATUS, struct.calcsize(_STATUS))

    def identity(self, text):
        """The identity text, ASCII: ``name;key=value;...``."""
        data = text.encode()
        if len(data) > _SMALL_PAYLOAD:
            raise ValueError("identity text longer than %d bytes" % _SMALL_PAYLOAD)
        self._small[HEADER_BYTES:HEADER_BYTES + len(data)] = data
        return self._finish(self._small, self._small_view, IDENTITY, len(data))

    def _finish(self, buffer, view, kind, length):
        buffer[3] = kind
        struct.pack_into("<HH", buffer, 4, self.sequence, length)
        end = HEADER_BYTES + length
        crc = crc16_ccitt_false(buffer, 2, end)
        buffer[end] = crc & 0xFF
        buffer[end + 1] = crc >> 8
        self.sequence = (self.sequence + 1) & SEQUENCE_MASK
        return view[:end + CRC_BYTES]
