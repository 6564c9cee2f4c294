"""The class network on the kiosk: the hub's roster goes into the picker
(read from the log each time it opens), its standings to the challenge
screen, its challenge commands to the kiosk's challenge mode."""

from __future__ import annotations

from station.network.hub_commands import HubCommands


def attach(link, log, app) -> HubCommands:
    challenges = getattr(app, "challenge", None)
    hub = getattr(challenges, "hub", None) if challenges is not None else None
    return HubCommands(link, log, hub)
