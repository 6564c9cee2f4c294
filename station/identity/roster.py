"""Who a tag belongs to: the small interface tap-in asks, and the local roster behind it.

Tap-in only ever asks a ``Roster``, so a roster kept elsewhere (the class
hub's, shared by every station) can take the local one's place without
tap-in changing: it must answer the same four questions.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Protocol

from station.log.athletes import Athlete, add_guest, find_athlete, list_athletes, set_tag

LOG = logging.getLogger("station")


class Roster(Protocol):
    """What tap-in needs of a roster. Tags are given normalised
    (station.identity.tags); ``assign_tag`` raises UserError with one
    sentence when the tag is someone else's (two athletes never share a tag).

        athlete = roster.by_tag("4A2B1")          # None: an unknown tag
        roster.assign_tag(athlete.id, "4A2B1")
    """

    def by_tag(self, tag: str) -> Athlete | None: ...

    def athletes(self) -> list[Athlete]: ...

    def assign_tag(self, athlete_id: int, tag: str) -> Athlete: ...

    def add_guest(self) -> Athlete: ...


class LocalRoster:
    """The roster in this station's session log (``conn`` from ``open_log``).

        roster = LocalRoster(open_log(data_dir))
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def by_tag(self, tag: str) -> Athlete | None:
        return find_athlete(self.conn, tag_id=tag)

    def athletes(self) -> list[Athlete]:
        return list_athletes(self.conn)

    def assign_tag(self, athlete_id: int, tag: str) -> Athlete:
        return set_tag(self.conn, athlete_id, tag)

    def add_guest(self) -> Athlete:
        return add_guest(self.conn)
