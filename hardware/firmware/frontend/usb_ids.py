"""The USB ids the front-end shows the host: 2E8A:000A, as hardware/PROTOCOL.md says.

MicroPython's own USB device descriptor says 2E8A:0005. boot.py swaps in
this one, identical but for its product id, before USB starts. Plain Python.
"""

PRODUCT_ID = 0x000A
#: idProduct's place in a USB device descriptor (USB 2.0, table 9-8).
_ID_PRODUCT_OFFSET = 10


def device_descriptor(builtin):
    """MicroPython's device descriptor ``builtin`` with the front-end's
    product id, little-endian as USB wants it."""
    descriptor = bytearray(builtin)
    descriptor[_ID_PRODUCT_OFFSET] = PRODUCT_ID & 0xFF
    descriptor[_ID_PRODUCT_OFFSET + 1] = PRODUCT_ID >> 8
    return bytes(descriptor)
