"""The class network on the kiosk: the hub's roster goes into the picker
(the picker reads the log's roster each time it opens), a class challenge
runs in the kiosk's own challenge screens with the athlete's place in the
room from ``hub/standings``."""

from __future__ import annotations

import time

from station.network.hub_challenge import checked_start, refuse, session_time_of, start_note
from station.network.hub_commands import HubCommands

CONTROLS = {"challenge_pause": "pause", "challenge_resume": "resume",
            "challenge_skip": "skip", "challenge_abort": "abort"}


def attach(link, log, app) -> HubCommands:
    mode = getattr(app, "challenge", None)
    hub = None if mode is None else KioskHubChallenge(mode, link.network.station_id)
    commands = HubCommands(link, log, hub)
    if hub is not None:
        hub.standings = lambda: commands.standings
        mode.room = hub.room_text
    return commands


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class KioskHubChallenge:
    """Starts the hub's challenges in the kiosk's ``ChallengeMode`` at their
    wall-clock start, with the hub's id on their results; pause, resume,
    skip and abort as its own buttons."""

    def __init__(self, mode, station_id: str, wall_clock=time.time) -> None:
        self.mode, self.station_id, self.wall_clock = mode, station_id, wall_clock
        self.challenge_id: str | None = None
        self.standings = lambda: None
        control = mode.control
        base = control.open_record
        control.open_record = lambda definition, ids: base(definition, ids, hub_challenge=self._running())

    def _running(self) -> str | None:
        """The hub's id while its challenge is the one on screen."""
        if self.challenge_id is not None and self.mode.control.stage not in ("ready", "running"):
            self.challenge_id = None
        return self.challenge_id

    def command(self, command: dict, loop) -> None:
        control = self.mode.control
        name = command.get("cmd")
        if name == "challenge_start":
            definition, why = checked_start(command, self.wall_clock())
            if why is None and control.stage in ("ready", "running"):
                why = "a challenge is running on this mat"
            note = start_note(command)
            if why is not None:
                refuse(lambda event: None, note, why)
                return
            now_unix_s = self.wall_clock()
            control.start_with(definition, [note["athlete"]], loop.now_s)
            control.starts_at_s = session_time_of(note["start_at_unix_s"], loop, now_unix_s)
            self.challenge_id = note["challenge"]
        elif name in CONTROLS and self._running() is not None \
                and command.get("challenge") == self.challenge_id:
            at_s = loop.now_s
            at_unix_s = command.get("at_unix_s")
            done_s = control.engine.now_s
            if isinstance(at_unix_s, (int, float)) and done_s is not None:
                at_s = max(done_s, min(session_time_of(at_unix_s, loop, self.wall_clock()), loop.now_s))
            control.remote(CONTROLS[name], at_s)

    def room_text(self) -> str:
        standings = self.standings()
        if self._running() is None or not isinstance(standings, dict) \
                or standings.get("challenge") != self.challenge_id:
            return ""
        rows = standings.get("standings")
        rows = rows if isinstance(rows, list) else []
        mine = next((row for row in rows if isinstance(row, dict)
                     and row.get("station") == self.station_id), None)
        if mine is None or not isinstance(mine.get("place"), int):
            return ""
        return f"{ordinal(mine['place'])} of {len(rows)} in the room"
