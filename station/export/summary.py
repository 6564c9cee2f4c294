"""summary.json: what an export holds, written last as the sign it is complete."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

from station import __version__
from station.export.selection import Selection

#: summary.json's own format; a change that breaks readers bumps it.
SUMMARY_FORMAT = 1


def summary_json(conn: sqlite3.Connection, selection: Selection, athlete: str | None,
                 now: datetime, folder_name: str, rows: dict[str, int], recordings: int,
                 recordings_missing: int, charts: int) -> bytes:
    """The summary as UTF-8 JSON bytes."""
    summary = {
        "format": SUMMARY_FORMAT,
        "station_version": __version__,
        "folder": folder_name,
        "exported_at": now.astimezone(timezone.utc).isoformat(timespec="milliseconds"),
        "since": selection.since_utc,
        "athlete": athlete,
        "counts": {**_counts(conn, selection), "rows": rows, "recordings": recordings,
                   "recordings_missing": recordings_missing, "charts": charts},
        "athletes": _athletes(conn, selection),
    }
    return (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _counts(conn, selection) -> dict[str, int]:
    where, params = selection.sets_where("s")
    sessions, sets = conn.execute(f"SELECT COUNT(DISTINCT s.session_id), COUNT(*) FROM sets s "
                                  f"WHERE {where}", params).fetchone()
    counts = {"sessions": sessions, "sets": sets}
    for name, table, only in (("reps", "reps", "1"), ("contacts", "contacts", "1"),
                              ("flights", "flights", "1"), ("valid_reps", "reps", "t.valid")):
        counts[name] = conn.execute(f"SELECT COUNT(*) FROM {table} t JOIN sets s "
                                    f"ON s.id = t.set_id WHERE {where} AND {only}",
                                    params).fetchone()[0]
    where, params = selection.challenges_where("c", "cr")
    counts["challenge_rounds"] = conn.execute(
        f"SELECT COUNT(*) FROM challenge_rounds cr JOIN challenges c ON c.id = cr.challenge_id "
        f"WHERE {where}", params).fetchone()[0]
    return counts


def _athletes(conn, selection) -> list[dict]:
    """Per-athlete totals; heights and rebound contacts are of valid reps."""
    where, params = selection.sets_where("s")
    rows = conn.execute(
        f"SELECT s.athlete_id, clean_name(a.name), COUNT(DISTINCT s.session_id), COUNT(DISTINCT s.id), "
        f"COUNT(r.id), TOTAL(r.valid), MAX(CASE WHEN r.valid THEN r.jump_height_m END), "
        f"AVG(CASE WHEN r.valid THEN r.rebound_contact_s END) "
        f"FROM sets s LEFT JOIN athletes a ON a.id = s.athlete_id "
        f"LEFT JOIN reps r ON r.set_id = s.id WHERE {where} "
        f"GROUP BY s.athlete_id ORDER BY a.name, s.athlete_id", params)
    keys = ("id", "name", "sessions", "sets", "reps", "valid_reps", "best_jump_height_m",
            "mean_rebound_contact_s")
    athletes = [dict(zip(keys, row)) for row in rows]
    for entry in athletes:
        entry["valid_reps"] = int(entry["valid_reps"])
        for key in ("best_jump_height_m", "mean_rebound_contact_s"):
            if entry[key] is not None:
                entry[key] = round(entry[key], 3)
    return athletes
