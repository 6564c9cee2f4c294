"""A fake of MicroPython's ``micropython`` module, for the firmware tests.

``native`` and ``viper`` compile a function to machine code on a Pico; here
they leave it as it is. A viper function's pointer annotations and casts
(``ptr8``, ``ptr16``) are names MicroPython's compiler knows; importing this
module gives CPython the same names, as plain pass-throughs, so the function
runs as ordinary Python indexing its buffers.
"""

import builtins

#: The character kbd_intr was last given: 3 (Ctrl-C) is MicroPython's default.
interrupt_char = 3


def kbd_intr(char):
    global interrupt_char
    interrupt_char = char


def alloc_emergency_exception_buf(size):
    pass


def native(function):
    return function


def viper(function):
    return function


def _pointer(buffer):
    return buffer


builtins.ptr8 = builtins.ptr16 = _pointer


def const(value):
    return value
