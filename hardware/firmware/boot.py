"""Runs before USB starts: the front-end shows itself as 2E8A:000A.

MicroPython's built-in USB serial port (and REPL) stays exactly as it is;
only the product id in the device descriptor changes. Needs MicroPython 1.23
or newer (machine.USBDevice).
"""

import machine

from frontend.usb_ids import device_descriptor

usb = machine.USBDevice()
builtin = usb.BUILTIN_DEFAULT
usb.active(False)
usb.builtin_driver = builtin
usb.config(device_descriptor(builtin.desc_dev), builtin.desc_cfg)
usb.active(True)
