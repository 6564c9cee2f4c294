"""What the hub sent, acted on by the main loop between its steps: the
roster, the standings, an athlete's erasure and the challenge commands.
Each command id is acted on once (QoS 1 may deliver one twice)."""

from __future__ import annotations

import logging
import sqlite3

from station.log.hub_roster import erase_athlete, replace_roster
from station.network.link import NetworkLink

LOG = logging.getLogger("station")


class HubCommands:
    """Takes the hub's messages from ``link`` and hands them on.

    log: the run's ``RunLog`` (the roster and erasures are written to it).
    challenges: a ``HubChallenge`` (headless) or the kiosk's equivalent, with
        ``command(command, loop)``; None: challenge commands are refused.

        commands = HubCommands(link, log, hub_challenge)
        commands.step(loop)             # between the loop's steps; never waits
        commands.standings              # the last hub/standings, or None
    """

    def __init__(self, link: NetworkLink, log, challenges=None) -> None:
        self.link, self.log, self.challenges = link, log, challenges
        self.standings: dict | None = None
        self.roster_revision = None
        self._done: set[str] = set()

    def step(self, loop) -> None:
        self.link.problem = loop.problem
        for kind, payload in self.link.take():
            if kind == "roster":
                self._roster(payload)
            elif kind == "standings":
                self.standings = payload
            elif payload["id"] not in self._done:
                self._done.add(payload["id"])
                self._command(payload, loop)

    def _command(self, command: dict, loop) -> None:
        name = command["cmd"]
        if name == "erase_athlete":
            self._erase(command.get("name"))
        elif name.startswith("challenge_") and self.challenges is not None:
            self.challenges.command(command, loop)
        elif name.startswith("challenge_"):
            LOG.warning("the hub's %s is not run: a challenge chosen here is running.", name)
        else:
            LOG.warning("the hub sent an unknown command %r; it is ignored.", name)

    def _roster(self, payload: dict) -> None:
        session = self.log.session
        revision = payload.get("revision")
        if session is None or (revision is not None and revision == self.roster_revision):
            return
        try:
            replace_roster(session.conn, payload)
        except sqlite3.Error as error:
            LOG.warning("the hub's roster could not be written (%s); the old one stays.", error)
            return
        self.roster_revision = revision

    def _erase(self, name) -> None:
        session = self.log.session
        if session is None or not isinstance(name, str):
            return
        try:
            erased = erase_athlete(session.conn, name)
        except sqlite3.Error as error:
            LOG.warning("%r could not be erased (%s).", name, error)
            return
        if self.log.athlete_id in erased:
            self.log.athlete_id = None
