"""``/coach``, the coach's console (phone first): a class challenge started
on chosen stations and controlled, every station's state, the class roster,
the export zip, and erasing an athlete.

Every change is a form with the CSRF token (auth.checked_form); after it the
browser is sent back to /coach with one sentence about what happened, so a
reload never sends a form twice.
"""

from __future__ import annotations

import asyncio
import json
import math
import sqlite3
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from station.challenge.definition import preset_names
from station.errors import UserError
from station.hub.api import challenges as challenge_api
from station.hub.api.context import HubContext, database, hub
from station.hub.challenges import ABORTED, FINISHED
from station.hub.web import roster
from station.hub.web.auth import checked_form, coach_page
from station.hub.web.board_state import current_challenge
from station.hub.web.export_zip import export_zip
from station.hub.web.render import page, url_part

router = APIRouter(include_in_schema=False, dependencies=[Depends(coach_page)])
#: The countdown a class challenge starts with unless the coach picks another.
DEFAULT_START_IN_S = 15


def _back(said: str | None = None, problem: str | None = None) -> RedirectResponse:
    query = "&".join(f"{key}={url_part(value)}" for key, value in
                     (("said", said), ("problem", problem)) if value)
    return RedirectResponse("/coach" + (f"?{query}" if query else ""), status_code=303)


@router.get("/coach")
def console(request: Request, said: str | None = None, problem: str | None = None,
            context: HubContext = Depends(hub), conn: sqlite3.Connection = Depends(database)):
    challenge = current_challenge(conn, context.clock_unix_s())
    if challenge and challenge["status"] in (FINISHED, ABORTED):
        finished, challenge = challenge, None
    else:
        finished = None
    return page(request, "coach.html", said=said, problem=problem, challenge=challenge,
                finished=finished, presets=preset_names(), stations=station_rows(conn),
                roster=roster.class_roster(conn), default_start_in_s=DEFAULT_START_IN_S)


def station_rows(conn: sqlite3.Connection) -> list[dict]:
    """Each station as the coach's table shows it, from its last status."""
    now = datetime.now(timezone.utc)
    out = []
    for row in conn.execute("SELECT id, online, last_seen_at, status_json FROM stations "
                            "WHERE id != ? ORDER BY id", (roster.COACH,)):
        status = json.loads(row["status_json"]) if row["status_json"] else {}
        sensors = status.get("sensors") or {}
        out.append({"id": row["id"], "online": bool(row["online"]),
                    "last_seen": _age(row["last_seen_at"], now),
                    "waiting": status.get("waiting"),
                    "sensors": ", ".join(f"{k} {v}" for k, v in sorted(sensors.items())) or "–",
                    "calibrated": _age(status.get("calibrated_at"), now, never="never"),
                    "free_disk": _megabytes(status.get("free_disk_mb"))})
    return out


def _age(at: str | None, now: datetime, never: str = "–") -> str:
    """How long ago, in the largest whole unit: "12 s ago", "3 min ago", "5 d ago"."""
    try:
        then = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return never
    seconds = max(0.0, (now - then).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{math.floor(seconds / size)} {unit} ago"
    return f"{math.floor(seconds)} s ago"


def _megabytes(mb) -> str:
    if not isinstance(mb, (int, float)):
        return "–"
    return f"{mb / 1024:.1f} GB" if mb >= 1024 else f"{mb:.0f} MB"


# -- the class challenge ------------------------------------------------------

def _number(form, key: str, kind=float):
    text = str(form.get(key, "")).strip()
    try:
        return kind(text)
    except ValueError:
        raise UserError(f"{key.replace('_', ' ')} must be a number, not {text!r}.") from None


def _challenge_spec(form):
    """A preset's name, or a custom challenge's keys (rounds, work, rest)."""
    preset = str(form.get("preset", ""))
    if preset != "custom":
        return preset
    spec = {"name": "custom", "title": "Custom", "athletes": "one",
            "score": str(form.get("score", "valid_reps")), "rounds": _number(form, "rounds", int),
            "work_s": _number(form, "work_s")}
    rest_s = _number(form, "rest_s")
    if rest_s > 0:
        spec["rest_s"] = rest_s
    return spec


@router.post("/coach/challenge")
async def start_challenge(request: Request, context: HubContext = Depends(hub),
                          conn: sqlite3.Connection = Depends(database)):
    form = await checked_form(request)
    stations = form.getlist("station")
    try:
        body = challenge_api.ChallengeRequest(
            challenge=_challenge_spec(form), stations=stations,
            athletes={s: str(form.get(f"athlete:{s}")) for s in stations
                      if form.get(f"athlete:{s}")},
            start_in_s=_number(form, "start_in_s"))
        await asyncio.to_thread(challenge_api.start_challenge, body, context, conn)
    except ValidationError as error:
        return _back(problem=_validation_sentence(error))
    except UserError as error:
        return _back(problem=str(error))
    return _back(said=f"Challenge started on {len(stations)} station(s); it begins in "
                      f"{body.start_in_s:g} s.")


def _validation_sentence(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    if where == "stations":
        return "Pick at least one station for the challenge."
    return f"{where}: {first['msg']}."


@router.post("/coach/challenge/{challenge_id}/{action}")
async def control_challenge(challenge_id: str, action: str, request: Request,
                            context: HubContext = Depends(hub),
                            conn: sqlite3.Connection = Depends(database)):
    await checked_form(request)
    try:
        await asyncio.to_thread(challenge_api.control, challenge_id, action, context, conn)
    except HTTPException as error:
        return _back(problem=str(error.detail)[:1].upper() + str(error.detail)[1:] + ".")
    done = {"pause": "paused", "resume": "resumed", "skip": "moved to the next interval",
            "abort": "aborted"}[action]
    return _back(said=f"The challenge is {done} on every station.")


# -- the roster ---------------------------------------------------------------

def _optional_mass(form) -> float | None:
    text = str(form.get("body_mass_kg", "")).strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise UserError(f"Body mass {text!r} is not a number; write it like 72.5.") from None


def _optional_text(form, key: str) -> str | None:
    text = str(form.get(key, "")).strip()
    return text or None


@router.post("/coach/roster/add")
async def add_athlete(request: Request, context: HubContext = Depends(hub),
                      conn: sqlite3.Connection = Depends(database)):
    form = await checked_form(request)
    name = str(form.get("name", ""))
    try:
        roster.add(conn, context.site, name, _optional_mass(form), _optional_text(form, "tag_id"))
    except UserError as error:
        return _back(problem=str(error))
    roster.publish(conn, context.link, context.site)
    return _back(said=f"{name} is on the roster.")


@router.post("/coach/roster/edit")
async def edit_athlete(request: Request, context: HubContext = Depends(hub),
                       conn: sqlite3.Connection = Depends(database)):
    form = await checked_form(request)
    name, new_name = str(form.get("name", "")), str(form.get("new_name", ""))
    try:
        roster.edit(conn, context.site, name, new_name, _optional_mass(form),
                    _optional_text(form, "tag_id"))
    except UserError as error:
        return _back(problem=str(error))
    roster.publish(conn, context.link, context.site)
    return _back(said=f"{new_name} is saved.")


#: A roster file is a few kilobytes; anything this big is not one.
MAX_ROSTER_BYTES = 1024 * 1024


@router.post("/coach/roster/import")
async def import_roster(request: Request, context: HubContext = Depends(hub),
                        conn: sqlite3.Connection = Depends(database)):
    form = await checked_form(request)
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return _back(problem="Choose a roster CSV file to import.")
    data = await upload.read(MAX_ROSTER_BYTES + 1)
    if len(data) > MAX_ROSTER_BYTES:
        return _back(problem="That file is over 1 MB; a roster CSV is much smaller.")
    try:
        result = roster.import_csv(conn, context.site, data)
    except UserError as error:
        return _back(problem=str(error))
    roster.publish(conn, context.link, context.site)
    said = f"{len(result.imported)} athlete(s) added."
    problem = " ".join(result.problems[:10]) + (" …" if len(result.problems) > 10 else "")
    return _back(said=said, problem=problem or None)


@router.get("/coach/erase")
def erase_confirmation(request: Request, name: str):
    return page(request, "erase.html", name=name)


@router.post("/coach/erase")
async def erase(request: Request, context: HubContext = Depends(hub),
                conn: sqlite3.Connection = Depends(database)):
    form = await checked_form(request)
    name = str(form.get("name", ""))
    if form.get("confirm") != "yes":
        return _back(problem="Tick the box to confirm the erase.")
    told = roster.erase_everywhere(conn, context.link, context.site, name)
    roster.publish(conn, context.link, context.site)
    return _back(said=f"{name} is erased at the hub; {told} station(s) are told to erase "
                      "them too.")


@router.get("/coach/export.zip")
async def download_export(athlete: str | None = None,
                          conn: sqlite3.Connection = Depends(database)):
    try:
        name, data = await asyncio.to_thread(export_zip, conn, athlete or None)
    except UserError as error:
        return _back(problem=str(error).replace("leave --athlete out", "download everything"))
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
