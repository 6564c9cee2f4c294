"""The Jump Mat Station load-cell front-end: MicroPython runs this on power-up."""

from frontend.pico import run

run()
