"""The pull API for other tools: athletes, sessions, sets and reps, read a
page at a time, behind the API token or the coach's login.

Keyset cursors, as Datasette's ``_next``: a page ends where the next one
starts (the ``next`` of a page is the ``after`` of the following one), so a
page never shifts when rows arrive meanwhile. ``modified_since`` (ISO 8601)
keeps only the rows the hub received or changed at or after that time (a
session's or set's end arrives after its start, and changes its row).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Query

from station.hub.api.context import database
from station.hub.web.auth import coach_or_token
from station.hub.web.roster import class_roster
from station.network.set_links import set_address

router = APIRouter(prefix="/api/v1", tags=["pull"], dependencies=[Depends(coach_or_token)])
MAX_LIMIT = 1000
_AFTER = Query(None, description="the `next` of the previous page")
_SINCE = Query(None, description="ISO 8601 time: only rows received or changed since then")
_LIMIT = Query(100, ge=1, le=MAX_LIMIT)
_SITE = Query(None, description="only this site's stations (two bridged gyms may both have "
              "a mat-1)")


def _since(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise HTTPException(status_code=422, detail=f"modified_since {text!r} is not an ISO 8601 "
                            "time like 2026-12-04T18:00:00+00:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _cursor(after: str | None) -> int:
    if after is None:
        return 0
    if not after.isdigit():
        raise HTTPException(status_code=422, detail="after must be the next of an earlier page")
    return int(after)


def _page(conn, table: str, columns: str, after, limit, since, where: str = "1",
          args: tuple = ()) -> tuple[list[sqlite3.Row], str | None]:
    """Rows of ``table`` by rowid after the cursor, received since ``since``
    (through the message each row is from)."""
    clauses, params = ["t.rowid > ?", where], [_cursor(after), *args]
    if since is not None:
        clauses.append("julianday(m.received_at) >= julianday(?)")
        params.append(since)
    rows = conn.execute(
        f"SELECT t.rowid AS cursor, {columns}, m.received_at AS modified_at FROM {table} t "
        f"LEFT JOIN messages m ON m.site = t.site AND m.station = t.station AND m.seq = t.seq "
        f"WHERE {' AND '.join(clauses)} ORDER BY t.rowid LIMIT ?", (*params, limit)).fetchall()
    return rows, (str(rows[-1]["cursor"]) if len(rows) == limit else None)


@router.get("/athletes")
def athletes(conn: sqlite3.Connection = Depends(database)) -> dict:
    """The class roster (the coach's entries and the stations'), in name order."""
    return {"athletes": class_roster(conn), "next": None}


@router.get("/sessions")
def sessions(station: str | None = None, site: str | None = _SITE,
             after: str | None = _AFTER, limit: int = _LIMIT,
             modified_since: str | None = _SINCE,
             conn: sqlite3.Connection = Depends(database)) -> dict:
    """Sessions as the stations sent them."""
    rows, next_ = _page(conn, "sessions", "t.site, t.station, t.session, t.started_at, "
                        "t.ended_at, t.mat_source, t.force_source, t.simulated", after, limit,
                        _since(modified_since), *_station(site, station))
    return {"sessions": [{**_plain(row), "simulated": bool(row["simulated"])} for row in rows],
            "next": next_}


@router.get("/sets")
def sets(station: str | None = None, site: str | None = _SITE, athlete: str | None = None,
         after: str | None = _AFTER, limit: int = _LIMIT, modified_since: str | None = _SINCE,
         conn: sqlite3.Connection = Depends(database)) -> dict:
    """Sets, each with its page's address (``/sets/ADDRESS``)."""
    where, args = _station(site, station)
    if athlete is not None:
        where, args = f"{where} AND t.athlete = ?", (*args, athlete)
    rows, next_ = _page(conn, "sets", "t.site, t.station, t.session, t.set_index, t.athlete, "
                        "t.started_at, t.start_s, t.end_s, t.ended_by, t.reps, t.valid_reps, "
                        "t.body_weight_n", after, limit, _since(modified_since), where, args)
    return {"sets": [{**_plain(row), "address": set_address(row["station"], row["session"],
                                                            row["set_index"])} for row in rows],
            "next": next_}


@router.get("/pull/reps")
def reps(station: str | None = None, site: str | None = _SITE, athlete: str | None = None,
         after: str | None = _AFTER, limit: int = _LIMIT, modified_since: str | None = _SINCE,
         conn: sqlite3.Connection = Depends(database)) -> dict:
    """Reps with their landing metrics, in the order the hub stored them."""
    where, args = _station(site, station)
    if athlete is not None:
        where, args = f"{where} AND t.athlete = ?", (*args, athlete)
    rows, next_ = _page(conn, "reps", "t.site, t.station, t.session, t.set_index, "
                        "t.rep_index AS 'index', t.athlete, t.completed_at, t.back_flight_s, "
                        "t.rebound_contact_s, t.forward_flight_s, t.jump_height_m, t.rsi, "
                        "t.landing_peak_force_n, t.loading_rate_bw_per_s, t.softness, t.rating, "
                        "t.valid, t.reason", after, limit, _since(modified_since), where, args)
    return {"reps": [{**_plain(row), "valid": bool(row["valid"])} for row in rows],
            "next": next_}


def _station(site: str | None, station: str | None) -> tuple[str, tuple]:
    clauses = [(f"t.{column} = ?", value) for column, value in (("site", site),
                                                                 ("station", station))
               if value is not None]
    return " AND ".join(c for c, _ in clauses) or "1", tuple(v for _, v in clauses)


def _plain(row: sqlite3.Row) -> dict:
    return {key: row[key] for key in row.keys() if key != "cursor"}
