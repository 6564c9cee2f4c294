"""Reading the class's record: the hub's health (open to anyone: a load
balancer or a script may ask if the hub is up), the stations and the reps
(the API token or the coach's login: they carry athletes' names)."""

from __future__ import annotations

import json
import sqlite3

from fastapi import APIRouter, Depends, HTTPException, Query

from station.hub.api.context import HubContext, database, hub
from station.hub.web.auth import coach_or_token

router = APIRouter(tags=["record"])
MAX_LIMIT = 1000
REP_FIELDS = ("site", "station", "session", "set_index", "athlete", "completed_at",
              "back_flight_s", "rebound_contact_s", "forward_flight_s", "jump_height_m", "rsi",
              "landing_peak_force_n", "loading_rate_bw_per_s", "softness", "rating", "reason", "fatigue")


@router.get("/health")
def health(context: HubContext = Depends(hub)) -> dict:
    """Whether the hub is up and connected to its broker."""
    return {"ok": True, "broker": "connected" if context.broker_connected else "disconnected",
            "time_unix_s": context.clock_unix_s()}


@router.get("/stations", dependencies=[Depends(coach_or_token)])
def stations(conn: sqlite3.Connection = Depends(database)) -> dict:
    """Every station the hub has heard of, with its last status as it sent it."""
    counts = dict(conn.execute("SELECT site || '/' || station, count(*) FROM reps "
                               "GROUP BY site, station").fetchall())
    out = []
    for row in conn.execute("SELECT * FROM stations ORDER BY site, id"):
        status = json.loads(row["status_json"]) if row["status_json"] else {}
        out.append({"id": row["id"], "site": row["site"], "online": bool(row["online"]),
                    "last_seen_at": row["last_seen_at"],
                    "reps": counts.get(f"{row['site']}/{row['id']}", 0),
                    "waiting": status.get("waiting"), "rejected": row["rejected"],
                    "seq_contiguous": row["seq_contiguous"], "replays_asked": row["replays"],
                    "status": status})
    return {"stations": out}


@router.get("/reps", dependencies=[Depends(coach_or_token)])
def reps(station: str | None = None,
         site: str | None = Query(None, description="only this site's stations (two bridged "
                                  "gyms may both have a mat-1)"),
         after: str | None = Query(None, description="the `next` of the previous page"),
         limit: int = Query(100, ge=1, le=MAX_LIMIT),
         conn: sqlite3.Connection = Depends(database)) -> dict:
    """Reps in the order the hub stored them, a page at a time (a keyset
    cursor: a page never shifts when new reps arrive)."""
    if after is not None and not after.isdigit():
        raise HTTPException(status_code=422, detail="after must be the next of an earlier page")
    where, args = ["id > ?"], [int(after or 0)]
    for column, value in (("site", site), ("station", station)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    rows = conn.execute(f"SELECT * FROM reps WHERE {' AND '.join(where)} ORDER BY id LIMIT ?",
                        (*args, limit)).fetchall()
    page = [{**{key: row[key] for key in REP_FIELDS}, "index": row["rep_index"],
             "valid": bool(row["valid"]), "cursor": str(row["id"])} for row in rows]
    return {"reps": page, "next": str(rows[-1]["id"]) if len(rows) == limit else None}
