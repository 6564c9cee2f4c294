"""The load-cell front-end: an RP2040 with an ADS131M04 that samples the four
corner cells of the plate at once and streams them over USB serial.

``protocol`` (``frames``, ``decoder``) is its wire format (hardware/PROTOCOL.md);
``link`` reads it in a thread and reconnects; ``clocksync`` maps its clock onto
the host's; ``source`` is the Source the pipeline reads; ``calibration`` turns
counts into newtons; ``emulator`` plays the simulated athlete as a device on a
pseudo-terminal.
"""
