"""Class challenges from the coach: start one on many mats, follow it,
pause, resume, skip an interval, abort."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from station.hub import commands
from station.hub.api.context import HubContext, database, hub, require_token
from station.hub.challenges import (MAX_START_IN_S, RUNNING, SCHEDULED, ChallengeBook,
                                    Lane, definition_of, file_keys)
from station.hub.publish import publish_standings
from station.hub.web.auth import coach_or_token
from station.errors import UserError

router = APIRouter(tags=["challenges"])
MAX_STATIONS = 100

class ChallengeRequest(BaseModel):
    """A challenge for some stations: ``challenge`` is a preset's name or the
    challenge file's keys as an object; ``athletes`` who is on each mat."""

    model_config = ConfigDict(extra="forbid")
    challenge: str | dict
    stations: list[str] = Field(min_length=1, max_length=MAX_STATIONS)
    athletes: dict[str, str] = Field(default_factory=dict)
    start_in_s: float = Field(10.0, ge=0, le=MAX_START_IN_S)

@router.post("/challenges", dependencies=[Depends(require_token)])
def start_challenge(request: ChallengeRequest, context: HubContext = Depends(hub),
                    conn: sqlite3.Connection = Depends(database)) -> dict:
    """Schedule a challenge; each station gets its start time on the wall clock."""
    definition = definition_of(request.challenge)
    definition.plan(1)  # a plan too long for a station is refused now, not on the mats
    lanes = [_lane(conn, station, request.athletes.get(station)) for station in request.stations]
    if len({lane.station for lane in lanes}) != len(lanes):
        raise UserError("stations lists a station twice; give each once")
    now_unix_s = context.clock_unix_s()
    start_at_unix_s = now_unix_s + request.start_in_s
    book = ChallengeBook(conn)
    challenge_id = book.create(definition, lanes, start_at_unix_s, now_unix_s)
    keys = file_keys(definition)
    for lane in lanes:
        _send(context, lane, commands.command(
            "challenge_start", challenge=challenge_id, definition=keys, athlete=lane.athlete,
            start_at_unix_s=start_at_unix_s))
    publish_standings(conn, context.link, challenge_id)
    return {"id": challenge_id, "start_at_unix_s": start_at_unix_s}

@router.get("/challenges/{challenge_id}", dependencies=[Depends(coach_or_token)])
def challenge(challenge_id: str, context: HubContext = Depends(hub),
              conn: sqlite3.Connection = Depends(database)) -> dict:
    """Its status and the standings so far, best first."""
    return _existing(conn, challenge_id, context)

#: Each control: the command sent, and the statuses it is allowed in.
CONTROLS = {"pause": ("challenge_pause", (RUNNING,)),
            "resume": ("challenge_resume", (RUNNING,)),
            "skip": ("challenge_skip", (RUNNING,)),
            "abort": ("challenge_abort", (SCHEDULED, RUNNING))}

@router.post("/challenges/{challenge_id}/{action}", dependencies=[Depends(require_token)])
def control(challenge_id: str, action: str, context: HubContext = Depends(hub),
            conn: sqlite3.Connection = Depends(database)) -> dict:
    """pause, resume, skip (the interval running) or abort, on every station."""
    if action not in CONTROLS:
        raise HTTPException(status_code=404, detail=f"{action!r} is not pause, resume, skip "
                            "or abort")
    cmd, allowed = CONTROLS[action]
    current = _existing(conn, challenge_id, context)
    if current["status"] not in allowed:
        raise HTTPException(status_code=409, detail=f"the challenge is {current['status']}; "
                            f"{action} is for a challenge that is {' or '.join(allowed)}")
    book = ChallengeBook(conn)
    at_unix_s = context.clock_unix_s()
    if action == "abort":
        book.abort(challenge_id)
    else:
        book.control(challenge_id, action, at_unix_s)
    if action in ("pause", "resume"):
        book.set_paused(challenge_id, action == "pause")
    for lane in book.lanes(challenge_id):
        _send(context, lane, commands.command(cmd, challenge=challenge_id, at_unix_s=at_unix_s))
    publish_standings(conn, context.link, challenge_id)
    return _existing(conn, challenge_id, context)

def _existing(conn, challenge_id: str, context: HubContext) -> dict:
    found = ChallengeBook(conn).get(challenge_id, context.clock_unix_s())
    if found is None:
        raise HTTPException(status_code=404, detail=f"there is no challenge {challenge_id!r}")
    return found

def _lane(conn, station: str, athlete: str | None) -> Lane:
    row = conn.execute("SELECT site FROM stations WHERE id = ? ORDER BY last_seen_at DESC",
                       (station,)).fetchone()
    if row is None:
        raise UserError(f"the hub has not heard from a station {station!r}; start it with "
                        "[network] broker set, or check its id in GET /api/v1/stations")
    return Lane(row["site"], station, athlete)

def _send(context: HubContext, lane: Lane, payload: bytes) -> None:
    if context.link is not None:
        context.link.publish(commands.station_topic(lane.site, lane.station, "cmd"), payload)
