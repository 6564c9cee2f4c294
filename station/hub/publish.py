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
    """``hub/roster``: every athlete the stations know who is not a guest and
    not erased, by name, as the newest entry about them says."""
    if link is None:
        return
    latest = {}
    for row in conn.execute("SELECT name, body_mass_kg, tag_id, guest, erased FROM athletes "
                            "ORDER BY seq"):
        latest[row["name"]] = row
    athletes = [{"name": name, "body_mass_kg": row["body_mass_kg"], "tag_id": row["tag_id"]}
                for name, row in sorted(latest.items()) if not row["guest"] and not row["erased"]]
    # Milliseconds of the wall clock: a revision that only goes up, across restarts too.
    payload = commands.roster(int(time.time() * 1000), athletes)
    for site in sorted(sites):
        link.publish(commands.hub_topic(site, "roster"), payload, retain=True)
