"""`station sessions`: the sessions in the log, as a plain table."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from station.challenge.history import HEADINGS as CHALLENGE_HEADINGS, challenge_rows
from station.config import load_config
from station.log.db import open_log
from station.log.sessions import SessionSummary, list_sessions
from station.log.storage import data_dir_for

HEADINGS = ("#", "started", "athletes", "sets", "reps", "valid", "data", "ended")


def add_parser(subparsers) -> None:
    sessions = subparsers.add_parser("sessions", help="list the sessions in the log")
    sessions.add_argument("--athlete", metavar="NAME",
                          help="only sessions with this athlete's sets, then their class challenges")
    sessions.add_argument("--data-dir", type=Path, metavar="DIR",
                          help="where the calibration and logs are kept")
    sessions.add_argument("--config", type=Path, metavar="FILE", help="config file (TOML)")


def sessions(args, say=print) -> int:
    config = load_config(args.config)
    conn = open_log(data_dir_for(args.data_dir, config))
    try:
        found = list_sessions(conn, args.athlete)
        challenges = challenge_rows(conn, args.athlete) if args.athlete else []
    finally:
        conn.close()
    if not found:
        say("No sessions" + (f" with {args.athlete}." if args.athlete else " yet."))
    else:
        say(render_table([HEADINGS] + [_row(session) for session in found]))
    if challenges:
        say(f"\nClass challenges of {args.athlete}:")
        say(render_table([CHALLENGE_HEADINGS, *challenges]))
    return 0


def _row(session: SessionSummary) -> tuple[str, ...]:
    names = ", ".join(session.athletes) or "-"
    return (str(session.id), _local(session.started_at), names, str(session.sets),
            str(session.reps), str(session.valid_reps),
            "simulated" if session.simulated else "real",
            _local(session.ended_at) if session.ended_at else "cut short")


def _local(iso: str) -> str:
    """A logged UTC time in the station's local time, to the minute."""
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


def render_table(rows: list[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell, two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
                     for row in rows)
