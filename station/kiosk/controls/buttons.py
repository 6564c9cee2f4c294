"""The kiosk's three push buttons on the Pi's GPIO: SELECT, NEXT and BACK.

Each button is a gpiozero ``Button``: a switch between its pin and ground,
the pin pulled up (``buttons_active_low``; wired to 3.3 V instead, the pin is
pulled down). gpiozero calls back from its own thread; presses wait in a
queue until the main loop takes them, once a frame.

Debounce is done here rather than by the pin factory: lgpio's debounce would
report a press only after the line has been still for the whole period, so
every press would reach the screen that much later. Here the first edge of a
press counts at once, and any edge within ``DEBOUNCE_S`` of the button's
previous edge (press or release) is taken for contact bounce. The buttons
never make EXIT: only the keyboard's exit combination leaves the kiosk.

Held down, they make two more actions, timed by gpiozero (each ``Button``'s
``hold_time`` and ``when_held``, from its own thread): BACK held
``back_hold_s`` is HOME; SELECT and NEXT held together ``calibrate_hold_s``
(the later of the two held that long, the other still held) is CALIBRATE.
Each fires once per hold.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import warnings
from collections import deque

from gpiozero import Button
from gpiozero.exc import BadPinFactory, PinFactoryFallback

from station.kiosk.config import KioskConfig
from station.kiosk.controls.actions import Action

LOG = logging.getLogger("station")

#: Push-button contacts bounce for 1-10 ms; a person cannot press the same
#: button twice within 50 ms, so 50 ms rejects all bounce and no real press.
DEBOUNCE_S = 0.05


class ButtonPanel:
    """The SELECT, NEXT and BACK buttons, as a queue of actions.

    ``config`` gives each button's BCM pin (-1: that button is not fitted) and
    how they are wired. ``pin_factory`` is gpiozero's (None: gpiozero's
    default, lgpio on a Pi). When the pins cannot be used (not a Pi, a pin
    busy, no permission) it logs one warning and yields nothing, so the kiosk
    still works from the keyboard and the touch screen.

        panel = ButtonPanel(config.kiosk)
        for action in panel.take():    # once a frame; never waits
            screen.handle(action)
        panel.close()
    """

    def __init__(self, config: KioskConfig, pin_factory=None) -> None:
        self._pressed: deque[Action] = deque()
        self._buttons: list[Button] = []
        self._by_action: dict[Action, Button] = {}
        self._chord_lock = threading.Lock()
        self._chord_made = False   # CALIBRATE was made, and neither button was let go since
        holds_s = {Action.SELECT: config.calibrate_hold_s, Action.NEXT: config.calibrate_hold_s,
                   Action.BACK: config.back_hold_s}
        wiring = ((Action.SELECT, config.select_pin), (Action.NEXT, config.next_pin),
                  (Action.BACK, config.back_pin))
        pin = None
        try:
            with warnings.catch_warnings():
                # gpiozero warns of every pin library it tries and lacks; the
                # one sentence below says what matters.
                warnings.simplefilter("ignore", PinFactoryFallback)
                for action, pin in wiring:
                    if pin >= 0:
                        self._buttons.append(self._open(action, pin, config.buttons_active_low,
                                                        pin_factory, holds_s[action]))
        except Exception as error:  # gpiozero and its drivers fail in many ways; all mean no buttons
            self.close()
            LOG.warning("The kiosk buttons are off (%s); the keyboard and touch screen still work.",
                        _why(pin, error))

    @property
    def working(self) -> bool:
        """True when at least one button is connected."""
        return bool(self._buttons)

    def take(self) -> list[Action]:
        """The presses since the last call, oldest first; never waits."""
        taken = []
        while True:
            try:
                taken.append(self._pressed.popleft())
            except IndexError:
                return taken

    def close(self) -> None:
        """Stop listening and give the pins back."""
        self._by_action.clear()
        while self._buttons:
            self._buttons.pop().close()

    def _open(self, action: Action, pin: int, active_low: bool, pin_factory, hold_s: float) -> Button:
        button = Button(pin, pull_up=active_low, pin_factory=pin_factory, hold_time=hold_s)
        edges = _Debounced(action, self._pressed)
        button.when_pressed = edges.pressed
        if action is Action.BACK:
            button.when_released = edges.released
            button.when_held = lambda: self._pressed.append(Action.HOME)
        else:
            button.when_released = lambda: self._chord_released(edges)
            button.when_held = lambda: self._chord_held(action)
        self._by_action[action] = button
        return button

    def _chord_held(self, action: Action) -> None:
        """SELECT or NEXT has been held its hold time: CALIBRATE if the other
        one has been too (gpiozero marks a button held before calling this)."""
        other = self._by_action.get(Action.NEXT if action is Action.SELECT else Action.SELECT)
        with self._chord_lock:
            if other is None or not other.is_held or self._chord_made:
                return
            self._chord_made = True
        self._pressed.append(Action.CALIBRATE)

    def _chord_released(self, edges: "_Debounced") -> None:
        edges.released()
        with self._chord_lock:
            self._chord_made = False


def _why(pin: int, error: Exception) -> str:
    if isinstance(error, BadPinFactory):
        return "no GPIO pins were found on this computer"
    return f"GPIO {pin} cannot be used: {str(error) or type(error).__name__}"


class _Debounced:
    """One button's edges, in gpiozero's callback thread: a press counts
    unless it comes within ``DEBOUNCE_S`` of the button's previous edge."""

    def __init__(self, action: Action, pressed: deque) -> None:
        self.action = action
        self.queue = pressed
        self.last_edge_s = -math.inf

    def pressed(self) -> None:
        now_s = time.monotonic()
        if now_s - self.last_edge_s >= DEBOUNCE_S:
            # A deque append is atomic: no lock between this thread and take().
            self.queue.append(self.action)
        self.last_edge_s = now_s

    def released(self) -> None:
        self.last_edge_s = time.monotonic()
