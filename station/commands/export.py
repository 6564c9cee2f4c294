"""`station export --to DIR`: the session log as CSV, JSON, charts and
recordings in a new folder on DIR (a USB stick, or any folder)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from datetime import datetime
from pathlib import Path

from station.config import load_config
from station.errors import UserError
from station.fonts.files import find_fonts
from station.export.selection import SINCE_LAST
from station.log.db import DB_FILE, open_log
from station.log.storage import data_dir_for


def since_argument(text: str) -> datetime | str:
    """``last``, or a date or date and time (local time unless it has an offset)."""
    if text.strip().lower() == SINCE_LAST:
        return SINCE_LAST
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date like 2026-11-24 or 2026-11-24T18:00, or 'last'") from None


def add_parser(subparsers) -> None:
    export = subparsers.add_parser("export", help="export the session log to a USB stick or folder")
    export.add_argument("--to", type=Path, required=True, metavar="DIR",
                        help="where to make the export's folder (a mounted stick)")
    export.add_argument("--since", type=since_argument, metavar="DATE|last",
                        help="only sets from this date or time on, "
                             "or 'last': since the last export")
    export.add_argument("--athlete", metavar="NAME", help="only this athlete (any case)")
    export.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="where the calibration and logs are kept")
    export.add_argument("--config", type=Path, metavar="FILE", help="config file (TOML)")
    export.add_argument("--progress", action="store_true",
                        help="print one JSON line per file written, then the result or the error "
                             "(for the kiosk)")


def export(args) -> int:
    if args.progress:
        return export_with_progress(args)
    result = _export(args)
    since = f" since {result.since.isoformat(timespec='minutes')}" if result.since else ""
    print(f"Exported {result.reps} reps{since} to {result.folder} "
          f"({result.files} files, {result.bytes_written / 1e6:.1f} MB).")
    return 0


def export_with_progress(args) -> int:
    """The export as JSON lines on stdout: ``{"done": 3, "total": 9}`` after
    each file, then ``{"result": {...}}``, or ``{"error": "sentence"}`` and
    exit code 2. SIGTERM stops it and takes back what it wrote."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        result = _export(args, lambda done, total: _line({"done": done, "total": total}))
    except UserError as error:
        _line({"error": str(error)})
        return error.exit_code
    since = result.since.isoformat(timespec="milliseconds") if result.since else None
    _line({"result": {"folder": str(result.folder), "reps": result.reps, "files": result.files,
                      "bytes_written": result.bytes_written, "since": since}})
    return 0


def _line(record: dict) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def _export(args, progress=None):
    config = load_config(args.config)
    data_dir = data_dir_for(args.data_dir, config)
    if not (data_dir / DB_FILE).is_file():
        raise UserError(f"No session log in {data_dir}: give the station's data folder "
                        "with --data-dir.")
    from station.export.exporter import export_log  # pygame (charts) only when exporting
    conn = open_log(data_dir)
    try:
        return export_log(conn, data_dir, args.to, since=args.since, athlete=args.athlete,
                          progress=progress, font_paths=find_fonts(config.kiosk.fonts))
    finally:
        conn.close()
