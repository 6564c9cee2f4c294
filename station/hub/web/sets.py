"""``/sets/ADDRESS``: one set's reps. The coach sees any set; anyone else
needs the link's token (set_links.py), which opens it for
``set_link_days`` after the set started. The hub has no raw recordings (the
stations keep them), so the page shows the reps and says the force trace is
on the station's export."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, Request

from station.hub.api.context import database
from station.hub.web.auth import is_coach
from station.hub.web.history import find_set, reps_of_set
from station.hub.web.render import page, web
from station.network.set_links import parse_address, token_opens

router = APIRouter(include_in_schema=False)


@router.get("/sets/{address}")
def set_page(request: Request, address: str, t: str | None = None,
             conn: sqlite3.Connection = Depends(database)):
    parsed = parse_address(address)
    found = None if parsed is None else find_set(conn, *parsed)
    allowed = found is not None and (is_coach(request) or token_opens(
        found["session"], address, t, found["started_at"], datetime.now(timezone.utc),
        web(request).settings.set_link_days))
    if not allowed:
        # The same answer for no such set, a wrong token and an old link:
        # a visitor learns nothing about which sets exist.
        return page(request, "set_missing.html", status_code=404)
    reps = reps_of_set(conn, found["station"], found["session"], found["set_index"])
    valid = [r for r in reps if r["valid"]]
    best_m = max((r["jump_height_m"] for r in valid if r["jump_height_m"] is not None),
                 default=None)
    return page(request, "set.html", set=found, reps=reps, valid_n=len(valid), best_m=best_m)
