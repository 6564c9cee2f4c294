"""``/athletes/NAME``: an athlete's history (a chart per measure by
session), personal bests and sets. For the coach only."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, Request

from station.hub.api.context import database
from station.hub.web.auth import coach_page
from station.hub.web.history import MEASURES, personal_bests, sessions_of, sets_of
from station.hub.web.render import page
from station.hub.web.svg import line_chart

router = APIRouter(include_in_schema=False, dependencies=[Depends(coach_page)])


@router.get("/athletes/{name:path}")
def athlete_page(request: Request, name: str, conn: sqlite3.Connection = Depends(database)):
    sessions = sessions_of(conn, name)
    labels = [(s["first_at"] or "")[5:10] for s in sessions]
    charts = [line_chart(title, list(zip(labels, (s[key] for s in sessions))), show, resolution)
              for key, title, show, _, resolution in MEASURES]
    status = 200 if sessions else 404
    return page(request, "athlete.html", status_code=status, name=name, sessions=sessions,
                charts=charts, bests=personal_bests(conn, name), sets=sets_of(conn, name),
                show={key: show for key, _, show, *_ in MEASURES})
