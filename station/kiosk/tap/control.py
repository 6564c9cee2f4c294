"""Taps on the kiosk: the greeting, and the "New tag" screen for a tag nobody has. Pure, no pygame.

- A known tag: "Hello Ada!" for ``GREETING_S`` (during a set: "Ada: your
  sets start after this one"), and the athlete is up (station.identity.tap_in).
- An unknown tag, nobody on the mat: the New tag screen lists "Guest", the
  roster and "Not now"; NEXT and BACK move, SELECT or a tap on a row gives
  the tag to that athlete (in place of any tag they had; a new quick guest
  for "Guest"), keeps it in the roster and picks them. It closes without a choice after ``NEW_TAG_IDLE_S``
  untouched, or when someone steps on. With someone on the mat, a greeting
  asks to tap again after the set.

``now_s`` is the session time, as for the rest of the kiosk.
"""

from __future__ import annotations

import logging
import sqlite3

from station.errors import UserError
from station.identity.tap_in import KNOWN, PENDING, UNKNOWN, TapEvent
from station.kiosk.controls.actions import in_list

LOG = logging.getLogger("station")

#: Long enough to read one's name from the mat, short enough to be gone before the first rep.
GREETING_S = 3.0
#: A New tag screen left alone this long was a tag tapped in passing.
NEW_TAG_IDLE_S = 30.0
GUEST_ROW, NOT_NOW_ROW = "Guest", "Not now"


class TapControl:
    """The kiosk's side of tap-in. ``tap_in``: a station.identity.tap_in.TapIn
    (its ``roster`` gives the names and keeps new tags).

        control = TapControl(tap_in)
        control.tapped(tap_in.tap(tag, now_s), now_s, on_mat=False)
        if control.showing:
            control.act(Action.SELECT, now_s)
    """

    def __init__(self, tap_in) -> None:
        self.tap_in = tap_in
        self.greeting: str | None = None
        self.greeting_until_s = 0.0
        #: The unknown tag the New tag screen is for, or None while it is closed.
        self.new_tag: str | None = None
        self.rows: list[tuple[int | None, str]] = []
        self.highlighted = 0
        self.message = ""
        self._touched_s = 0.0

    @property
    def showing(self) -> bool:
        return self.new_tag is not None

    def close(self) -> None:
        """Close New tag without giving the tag to anyone."""
        self.new_tag = None

    def greet(self, text: str, now_s: float) -> None:
        self.greeting, self.greeting_until_s = text, now_s + GREETING_S

    def greeting_at(self, now_s: float) -> str | None:
        return self.greeting if now_s < self.greeting_until_s else None

    def tapped(self, event: TapEvent, now_s: float, on_mat: bool) -> None:
        """Say hello for a known tag; for an unknown one open New tag (or ask for later)."""
        if event.outcome == KNOWN:
            self.greet(f"Hello {event.athlete.name}! Your sets from now on.", now_s)
        elif event.outcome == PENDING:
            self.greet(f"{event.athlete.name}: your sets start after this one.", now_s)
        elif event.outcome == UNKNOWN and on_mat:
            self.greet(f"New tag {event.tag}: tap it again after the set to give it to someone.", now_s)
        elif event.outcome == UNKNOWN:
            self._open(event.tag, now_s)

    def tick(self, now_s: float, on_mat: bool) -> None:
        if self.showing and (on_mat or now_s - self._touched_s > NEW_TAG_IDLE_S):
            self.new_tag = None

    def act(self, action, now_s: float, targets: dict | None = None) -> None:
        """A press or a tap while the New tag screen shows."""
        self._touched_s = now_s
        self.highlighted, chosen = in_list(action, self.highlighted, len(self.rows), targets)
        if chosen is not None:
            self._choose(chosen, now_s)

    def _open(self, tag: str, now_s: float) -> None:
        roster = self._roster()
        self.new_tag, self.message, self._touched_s = tag, "", now_s
        self.rows = [(None, GUEST_ROW), *[(a.id, a.name) for a in roster],
                     (None, NOT_NOW_ROW)]
        self.highlighted = 0

    def _roster(self) -> list:
        try:
            return self.tap_in.roster.athletes()
        except sqlite3.Error as error:
            LOG.warning("the roster could not be read (%s).", error)
            return []

    def _choose(self, index: int, now_s: float) -> None:
        athlete_id, label = self.rows[index]
        if index == len(self.rows) - 1:
            self.new_tag = None
            return
        roster, tag = self.tap_in.roster, self.new_tag
        try:
            athlete_id = roster.add_guest().id if athlete_id is None else athlete_id
            roster.assign_tag(athlete_id, tag)
        except (UserError, sqlite3.Error) as error:
            self.message = str(error)
            return
        self.new_tag = None
        self.tapped(self.tap_in.tap(tag, now_s), now_s, on_mat=False)
