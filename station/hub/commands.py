"""The hub's messages to stations and about itself (docs/network.md, "Commands
to a station" and "From the hub"): topics and payloads, nothing sent here."""

from __future__ import annotations

import json
import time
import uuid

from station.log.db import iso_utc

VERSION = 1


def station_topic(site: str, station: str, leaf: str) -> str:
    return f"jumpmat/v1/{site}/station/{station}/{leaf}"


def hub_topic(site: str, leaf: str) -> str:
    return f"jumpmat/v1/{site}/hub/{leaf}"


def command(cmd: str, command_id: str | None = None, **keys) -> bytes:
    """One command with ``command_id``, or a fresh id (a station acts on each id once)."""
    return _json({"v": VERSION, "cmd": cmd, "id": command_id or str(uuid.uuid4()), **keys})


def hub_status(state: str, wall_s: float | None = None) -> bytes:
    return _json({"v": VERSION, "state": state, "at": iso_utc(time.time() if wall_s is None
                                                              else wall_s)})


def roster(revision: int, athletes: list[dict]) -> bytes:
    return _json({"v": VERSION, "revision": revision, "athletes": athletes})


def standings(challenge: dict) -> bytes:
    return _json({"v": VERSION, "challenge": challenge["id"], "name": challenge["name"],
                  "status": challenge["status"], "standings": challenge["standings"]})


def _json(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()
