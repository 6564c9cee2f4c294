"""A tag reader on a serial port (an RDM6300 module, a line reader), through pyserial."""

from __future__ import annotations

import time

import serial

from station.identity.serial_decoder import SerialTagDecoder

#: The reader thread wakes at least this often to see whether it should stop.
READ_TIMEOUT_S = 0.05


class SerialTagPort:
    """The device side of a serial tag reader at ``port``: opened, read, closed
    by station.identity.reader's thread; ``decoder`` finds the tags.

        device = SerialTagPort("/dev/ttyUSB0", 9600)
        handle = device.open()               # OSError while it is not there
        tags = device.read(handle)           # [(tag, monotonic time)], waits at most 50 ms
    """

    def __init__(self, port: str, baud: int = 9600) -> None:
        self.port = port
        self.baud = baud
        self.decoder = SerialTagDecoder()
        self.name = f"serial reader at {port}"

    def open(self) -> serial.Serial:
        try:
            handle = serial.Serial(self.port, self.baud, timeout=READ_TIMEOUT_S, exclusive=True)
        except serial.SerialException as error:
            raise OSError(getattr(error, "errno", None), str(error)) from error
        handle.reset_input_buffer()
        return handle

    def read(self, handle: serial.Serial) -> list[tuple[str, float]]:
        try:
            data = handle.read(handle.in_waiting or 1)
        except serial.SerialException as error:
            raise OSError(getattr(error, "errno", None), str(error)) from error
        now_s = time.monotonic()
        if not data:
            self.decoder.flush(now_s)
            return []
        return [(tag, now_s) for tag in self.decoder.feed(data, now_s)]

    def close(self, handle: serial.Serial) -> None:
        handle.close()
