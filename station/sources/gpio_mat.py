"""A switch mat wired to the Pi's GPIO pins, as a Source.

Each zone is a switch between a GPIO pin and ground: the pin is pulled up,
and a foot on the zone closes the switch and pulls it low (``active_low``;
wired the other way, to 3.3 V, the pin is pulled down instead).

Edge times come from gpiozero's pin layer, never from when Python got round
to running the callback. ``Pin.when_changed(ticks, state)`` is given the
factory's ``ticks``:

- lgpio (the default on Raspberry Pi OS): lgpio's alert thread reads the
  kernel's GPIO line events (character device, uAPI v2) and passes each
  event's ``timestamp_ns``; ``LGPIOPin._call_when_changed`` divides it by 1e9.
  lgpio never asks the kernel for the realtime event clock, so the stamp is
  CLOCK_MONOTONIC: float seconds on the same clock as ``time.monotonic()``,
  taken in the interrupt, so Python's latency does not enter it. (No
  ``bounce`` is set on the pins: lgpio's debounce would stamp each edge
  debounce later; the analysis debounces.)
- MockFactory (tests): ``MockPin`` stamps a change with ``time.monotonic()``
  when it is driven and passes that as ``ticks`` (``MockFactory.ticks()`` is
  ``monotonic()`` too). A test can deliver a change with chosen ticks through
  the very path MockPin uses.
- rpigpio and native: the driver gives no time; ``LocalPiPin`` stamps
  ``monotonic()`` when the callback runs, scheduler latency included. Still
  the host's monotonic seconds, so accepted, just less exact.
- pigpio: integer microseconds of the pigpio daemon's own 32-bit tick, which
  wraps every 71.6 minutes and is not the host's monotonic clock (the daemon
  may even be on another computer). Unwrapping would still leave it on the
  wrong clock, so a factory whose ``ticks()`` are not this computer's
  monotonic seconds is refused with a sentence saying to use lgpio.

The timeline is ``time.monotonic()`` minus ``origin_s``, as for every live
source, so a mat and load cells built with the same origin share it.
"""

from __future__ import annotations

import bisect
import time
from collections import deque

from gpiozero import Device
from gpiozero.exc import GPIOPinInUse, PinFixedPull, PinInvalidPin
from gpiozero.pins import Factory

from station.errors import UserError
from station.readings import ONE_ZONE, TWO_ZONES, MatEdge, MatStart, Reading
from station.sources.device_counts import DeviceCounts

#: What the mat's count of trouble counts, as the doctor and a headless run say it.
GPIO_COUNTS = {"dropped": "edges the station could not keep up with"}
#: A factory's ticks() must be within this of time.monotonic() to be taken
#: for the same clock: generous for a slow call, far below any other clock's
#: offset (pigpio's µs count, a boot time, an epoch).
SAME_CLOCK_S = 1.0
NO_GPIO = ("No GPIO pins were found on this computer; run the station on a Raspberry Pi "
           "(with its user in the gpio group), or use --mat simulated or chronopic:PORT.")


class GpioError(UserError):
    """The mat's pins cannot be used; the message says what to do."""


class GpioMat:
    """A one- or two-zone switch mat on the GPIO pins in ``pins``.

    ``pins`` maps zone names to BCM GPIO numbers: {"mat": 17} for one zone,
    {"front": 17, "back": 27} for two. ``active_low`` (the default) means a
    closed switch pulls its pin to ground, so the pins are pulled up; False,
    that it connects the pin to 3.3 V, so they are pulled down.
    ``pin_factory`` is gpiozero's; None uses ``Device.pin_factory``, which
    gpiozero chooses (GPIOZERO_PIN_FACTORY decides, lgpio on a Pi).
    ``origin_s`` is the ``time.monotonic()`` that is 0 on the timeline; None
    means the moment ``start`` is called.

        mat = GpioMat({"front": 17, "back": 27})
        start = mat.start()
        edges = mat.read(until_s)
    """

    has_force = False
    simulated = False
    #: Edges are stamped by the kernel but reach Python through gpiozero's
    #: callback thread; under load that can take tens of ms. Readings older
    #: than this are complete.
    latency_s = 0.05
    #: Edges kept between two reads of a stalled main loop; a chattering,
    #: broken switch beyond that loses its oldest edges, counted in ``dropped``.
    MAX_ARRIVED = 10_000

    def __init__(self, pins: dict[str, int], *, active_low: bool = True,
                 pin_factory: Factory | None = None, origin_s: float | None = None) -> None:
        self.zones = _zones(pins)
        self.active_low = active_low
        self.origin_s = origin_s
        self.factory = _factory(pin_factory)
        _check_clock(self.factory)
        self._start_s: float | None = None
        self._arrived: deque[MatEdge] = deque(maxlen=self.MAX_ARRIVED)
        #: Edges lost because the main loop did not read them in time.
        self.dropped = 0
        self._pending: list[MatEdge] = []
        self._zones: list[_Zone] = []
        try:
            for zone in self.zones:
                self._zones.append(self._open(zone, pins[zone]))
        except BaseException:
            self.close()
            raise

    def start(self) -> MatStart:
        if self._start_s is not None:
            raise RuntimeError("the mat was already started")
        if self.origin_s is None:
            self.origin_s = time.monotonic()
        for zone in self._zones:
            zone.pin.when_changed = zone.changed
        # The time before the levels: an edge stamped earlier is already in them.
        self._start_s = time.monotonic() - self.origin_s
        return MatStart(self._start_s, {zone.name: zone.contact(zone.pin.state) for zone in self._zones})

    def device_counts(self) -> list[DeviceCounts]:
        """The edges lost to a stalled main loop (station.sources.device_counts)."""
        return [DeviceCounts("GPIO mat", {"dropped": self.dropped}, GPIO_COUNTS)]

    def read(self, until_s: float) -> list[Reading]:
        """Edges not yet returned with time <= until_s, in time order."""
        while self._arrived:
            edge = self._arrived.popleft()
            if edge.time_s >= self._start_s:
                self._pending.append(edge)
        # Two pins' callbacks may come in either order.
        self._pending.sort(key=lambda edge: edge.time_s)
        ready = bisect.bisect_right([edge.time_s for edge in self._pending], until_s)
        out, self._pending = self._pending[:ready], self._pending[ready:]
        return out

    def end_s(self) -> None:
        return None

    def close(self) -> None:
        """Stop listening and give the pins back."""
        while self._zones:
            zone = self._zones.pop()
            zone.pin.when_changed = None
            zone.pin.close()
            self.factory.release_pins(self, zone.number)

    def _open(self, name: str, number: int) -> _Zone:
        pin = self._claim(number)
        pull = "up" if self.active_low else "down"
        try:
            pin.function = "input"
            pin.pull = pull
            pin.edges = "both"
        except BaseException as error:
            pin.close()
            self.factory.release_pins(self, number)
            if isinstance(error, PinFixedPull):
                raise GpioError(f"GPIO {number} has a fixed pull resistor and cannot be pulled "
                                f"{pull}; choose another pin in [mat] pins.") from error
            raise
        return _Zone(self, name, number, pin)

    def _claim(self, number: int):
        """Reserve the pin with gpiozero (other devices in this program) and
        open it (the kernel refuses a line another program holds)."""
        try:
            self.factory.reserve_pins(self, number)
            return self.factory.pin(number)
        except GPIOPinInUse as error:
            raise GpioError(_in_use(number)) from error
        except Exception as error:
            self.factory.release_pins(self, number)
            if isinstance(error, PinInvalidPin):
                raise GpioError(f"GPIO {number} is not a GPIO pin on this board; choose a BCM "
                                "GPIO number (2-27 on a Raspberry Pi) in [mat] pins.") from error
            if _busy(error):
                raise GpioError(_in_use(number)) from error
            raise

    def _conflicts_with(self, other: object) -> bool:
        """gpiozero asks this when a device wants a pin this mat holds: no sharing."""
        return True


class _Zone:
    """One zone's pin, and the callback gpiozero calls (in its own thread)."""

    def __init__(self, mat: GpioMat, name: str, number: int, pin) -> None:
        self.mat = mat
        self.name = name
        self.number = number
        self.pin = pin

    def contact(self, state) -> bool:
        return not state if self.mat.active_low else bool(state)

    def changed(self, ticks: float, state) -> None:
        # Only an append: deque appends are atomic, and the caller's thread
        # sorts. This thread alone counts what a full deque pushes out.
        if len(self.mat._arrived) == self.mat.MAX_ARRIVED:
            self.mat.dropped += 1
        self.mat._arrived.append(MatEdge(ticks - self.mat.origin_s, self.name, self.contact(state)))


def _zones(pins: dict[str, int]) -> tuple[str, ...]:
    names = set(pins)
    zones = ONE_ZONE if names == set(ONE_ZONE) else TWO_ZONES if names == set(TWO_ZONES) else None
    if zones is None:
        raise GpioError(f'[mat] pins must name one zone "mat" or two zones "front" and "back", '
                        f"not {', '.join(map(repr, pins)) or 'none'}.")
    for name in zones:
        number = pins[name]
        if isinstance(number, bool) or not isinstance(number, int):
            raise GpioError(f"[mat] pins: {name} must be a BCM GPIO number, like 17, not {number!r}.")
    if len(set(pins.values())) != len(pins):
        raise GpioError("[mat] pins: front and back need a pin each, not the same one.")
    return zones


def _factory(pin_factory: Factory | None) -> Factory:
    if pin_factory is not None:
        return pin_factory
    try:
        Device.ensure_pin_factory()
    except Exception as error:
        # gpiozero probes every factory it knows and each fails its own way
        # (no library, no /dev/gpiochip, not a Pi); all mean no usable GPIO.
        raise GpioError(NO_GPIO) from error
    return Device.pin_factory


def _check_clock(factory: Factory) -> None:
    ticks = factory.ticks()
    if not isinstance(ticks, float) or abs(ticks - time.monotonic()) > SAME_CLOCK_S:
        raise GpioError(f"The {type(factory).__name__} pin factory times edges on a clock of its "
                        "own, not this computer's; use lgpio (set GPIOZERO_PIN_FACTORY=lgpio).")


def _in_use(number: int) -> str:
    return (f"GPIO {number} is already in use by another program or device; choose another pin "
            "in [mat] pins, or stop the other program.")


def _busy(error: Exception) -> bool:
    """lgpio's error for a line another process holds ("GPIO busy")."""
    return type(error).__module__ == "lgpio" and "busy" in str(error).lower()
