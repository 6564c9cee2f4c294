"""What the hub publishes retained for the stations: the standings of a
challenge and the class roster. Called by the writer thread and the API,
each with its own database connection."""

from __future__ import annotations

import sqlite3
import time

from station.hub import commands
from station.hub.challenges import ChallengeBook


def publish_standings(conn: sqlite3.Connection, link, challenge_id: str) -> None:
    """``hub/standings`` for a challenge, to every site it runs on."""
    book = ChallengeBook(conn)
    challenge = book.get(challenge_id, time.time())
    if challenge is None or link is None:
        return
    payload = commands.standings(challenge)
    for site in sorted({lane.site for lane in book.lanes(challenge_id)}):
        link.publish(commands.hub_topic(site, "standings"), payload, retain=True)


def publish_roster(conn: sqlite3.Connection, link, sites: set[str]) -> None:
    """``hub/roster``: the class roster, the coach's entries and every athlete
    the stations know who is not a guest and not erased."""
    if link is None:
        return
    # The coach's list and the stations' (station/hub/web/roster.py).
    from station.hub.web.roster import class_roster
    athletes = class_roster(conn)
    # Milliseconds of the wall clock: a revision that only goes up, across restarts too.
    payload = commands.roster(int(time.time() * 1000), athletes)
    for site in sorted(sites):
        link.publish(commands.hub_topic(site, "roster"), payload, retain=True)
