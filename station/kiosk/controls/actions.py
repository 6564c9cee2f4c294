"""What a person asks of the kiosk, whichever control they used.

Three GPIO buttons, the keyboard and the touch screen all end up as these, so
screens handle one vocabulary: SELECT (do the highlighted thing), NEXT (move
the highlight on), BACK (go back a screen), EXIT (leave the kiosk: only the
configured key combination makes it). Two come from buttons held down: HOME
(BACK held ``[kiosk] back_hold_s``: back to the attract screen from
anywhere) and CALIBRATE (SELECT and NEXT held together
``[kiosk] calibrate_hold_s``: the coach's way into calibrating the load
cells, which nobody does by accident). A touch on the screen is a ``Tap`` at
a pixel; the screen under it decides what was tapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Action(Enum):
    SELECT = "select"
    NEXT = "next"
    BACK = "back"
    EXIT = "exit"
    HOME = "home"
    CALIBRATE = "calibrate"


@dataclass(frozen=True, slots=True)
class Tap:
    """A tap (or a mouse click) at pixel (x, y) of the window."""

    x: int
    y: int


def in_list(action, highlighted: int, count: int, targets: dict | None = None) -> tuple[int, int | None]:
    """How a list of ``count`` rows answers ``action`` (its rows tapped as
    the targets "row 0", "row 1"...): the row highlighted now, and the row
    chosen, or None. NEXT and BACK move the highlight round the list; SELECT
    chooses the highlighted row, a tap the row under it."""
    if count == 0:
        return highlighted, None
    if action is Action.NEXT:
        return (highlighted + 1) % count, None
    if action is Action.BACK:
        return (highlighted - 1) % count, None
    if action is Action.SELECT:
        return highlighted, highlighted
    tapped = hit(action, targets or {})
    if tapped is not None and tapped.startswith("row "):
        index = int(tapped.removeprefix("row "))
        if index < count:
            return index, index
    return highlighted, None


def hit(action, targets: dict[str, tuple[int, int, int, int]]) -> str | None:
    """The name of the target box (x, y, width, height) a tap landed in, or
    None: not a tap, or it missed every box."""
    if not isinstance(action, Tap):
        return None
    for name, (x, y, width, height) in targets.items():
        if x <= action.x < x + width and y <= action.y < y + height:
            return name
    return None
