"""The load-cell front-end: an RP2040 with an ADS131M04 that samples the four
corner cells of the plate at once and streams them over USB serial.

``protocol`` is its wire format (hardware/PROTOCOL.md): the frames, how they
are encoded, and a decoder that finds them in the bytes the port delivers.
"""
