"""The Jump Mat Station load-cell front-end firmware (MicroPython, rp2)."""
