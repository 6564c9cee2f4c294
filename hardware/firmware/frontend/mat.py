"""A contact mat wired to the front-end: one or two zones on Pico pins.

Each zone is a switch between its pin and ground, the pin pulled up: closed
(someone on it) reads 0. Both edges raise a hard interrupt that stamps the
tick and the new level into an EdgeRing; the main loop sends each as a
MAT_EDGE frame, bounce included (the host removes bounce and keeps the first
edge's time). The level comes from which edge the interrupt saw; only when
the pin bounced both ways before the handler ran is it read from the pin.
A zone with nothing wired stays high and sends nothing.
"""

from array import array

import micropython
import utime
from machine import Pin

FRONT = 0
BACK = 1
#: Bounce makes a few edges per landing; 128 hold well over a second of
#: jumping while the main loop is held up by a host that stopped reading.
EDGE_SLOTS = 128


class EdgeRing:
    """The mat's edges, oldest first: tick, zone and level (1 = contact),
    filled by the zones' interrupts. A full ring drops new edges."""

    def __init__(self, slots=EDGE_SLOTS):
        self.slots = slots
        self.ticks = array("I", [0] * slots)
        self.zones = bytearray(slots)
        self.contacts = bytearray(slots)
        self.head = 0
        self.tail = 0

    def clear(self):
        """Forgets every edge held; only while the interrupts are off."""
        self.tail = self.head


class MatZone:
    """One zone's switch on ``pin`` (an input Pin with its pull-up on),
    reported as ``zone`` (FRONT or BACK) into ``edges``."""

    def __init__(self, pin, zone, edges):
        self._pin = pin
        self._zone = zone
        self._edges = edges
        self._irq = None
        # Made once here: a bound method made in the interrupt would allocate.
        self._handler = self._on_edge

    def start(self):
        self._irq = self._pin.irq(handler=self._handler, trigger=Pin.IRQ_FALLING | Pin.IRQ_RISING, hard=True)

    def stop(self):
        self._pin.irq(handler=None)

    @micropython.native
    def _on_edge(self, pin):
        tick = utime.ticks_us()
        flags = self._irq.flags()
        if flags == Pin.IRQ_FALLING:
            contact = 1
        elif flags == Pin.IRQ_RISING:
            contact = 0
        else:
            contact = 1 - pin.value()
        edges = self._edges
        head = edges.head
        after = head + 1
        if after == edges.slots:
            after = 0
        if after != edges.tail:
            edges.ticks[head] = tick
            edges.zones[head] = self._zone
            edges.contacts[head] = contact
            edges.head = after


class Mat:
    """The mat's zones, started and stopped together, and their edges.

        mat = Mat([Pin(14, Pin.IN, Pin.PULL_UP), Pin(15, Pin.IN, Pin.PULL_UP)])
        mat.start()
    """

    def __init__(self, pins):
        self.edges = EdgeRing()
        self._zones = [MatZone(pin, zone, self.edges) for zone, pin in enumerate(pins)]

    def start(self):
        self.edges.clear()
        for zone in self._zones:
            zone.start()

    def stop(self):
        for zone in self._zones:
            zone.stop()
