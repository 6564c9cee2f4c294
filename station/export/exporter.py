"""``export_log``: the session log onto a USB stick (or any folder).

The export is a new folder ``JumpMat-2026-11-24T1805`` (``-2``, ``-3``... if
taken) holding reps.csv, phases.csv, sessions.csv, challenges.csv, a chart per
session (rendered alongside the tables, station.export.ahead), the sets' raw
recordings that still exist, and summary.json, written last. Only once all of
it is on the stick is the export recorded in the log's ``exports`` table
(and ``export_athletes``, for an export of some athletes only). If the stick
fails, what this export wrote is taken back as far as the stick allows, and a
StickError says what to do; exporting again writes a new folder.
docs/export.md describes the folder.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from station.errors import UserError
from station.export.ahead import ChartsAhead
from station.export.atomic import StickWriter
from station.export.chart import AthleteReps, ChartData, ChartRep
from station.export.csv_safe import csv_chunks
from station.export.recordings import recordings_to_copy
from station.export.selection import SINCE_LAST, Selection, athlete_ids_named, last_export_time
from station.export.summary import summary_json
from station.export.tables import all_tables
from station.log.names import clean_name

SUMMARY_FILE = "summary.json"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: its folder, how many reps, files and bytes."""

    folder: Path
    reps: int
    files: int
    bytes_written: int
    since: datetime | None


def export_log(conn: sqlite3.Connection, data_dir: Path, dest_root: Path,
               since: datetime | str | None = None, athlete: str | None = None,
               now: datetime | None = None, writer: StickWriter | None = None,
               progress: Callable[[int, int], None] | None = None,
               font_paths: tuple[str, ...] | None = None) -> ExportResult:
    """Export the session log in ``conn`` into a new folder under ``dest_root``.

    ``data_dir``: where the raw recordings are (``sets.recording_path`` is
    relative to it). ``since``: a datetime (naive means local time), "last"
    (since the last export; everything if there was none) or None
    (everything). ``athlete``: only this athlete's rows, by name, any case.
    ``now``: the export's time (folder name, ``exports`` row). ``progress``:
    called with (files written, files in all) after each file.
    ``font_paths``: the fallback fonts the charts draw names with
    (default: ``station.fonts.files.find_fonts()``).
    Raises StickError when the destination fails, UserError for an unknown
    athlete or a destination that is not a folder.

    Example::

        result = export_log(conn, data_dir, Path("/media/USB"), since="last")
    """
    now = now or datetime.now(timezone.utc)
    if not Path(dest_root).is_dir():
        raise UserError(f"{dest_root} is not a folder: give an existing folder or a mounted stick.")
    _register_clean_name(conn)
    with _snapshot(conn):
        athlete_ids = None if athlete is None else athlete_ids_named(conn, athlete)
        selection = Selection(since=_resolve_since(conn, since, athlete_ids),
                              athlete_ids=athlete_ids)
        folder, rows, tracker = _export(conn, Path(data_dir), Path(dest_root), selection, athlete,
                                        now, writer or StickWriter(), progress, font_paths)
    _record_export(conn, now, folder, rows["reps.csv"], selection)
    return ExportResult(folder, rows["reps.csv"], tracker.done, tracker.bytes_written,
                        selection.since)


def _register_clean_name(conn: sqlite3.Connection) -> None:
    """Names in the tables are cleaned as they are read (station/log/names.py)."""
    try:
        conn.create_function("clean_name", 1, lambda name: None if name is None else clean_name(name),
                             deterministic=True)
    except sqlite3.OperationalError:
        # SQLite refuses to (re)define a function while a statement of an
        # earlier export is still open: it was defined by that export.
        conn.execute("SELECT clean_name('')").fetchone()


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection):
    """Every read inside sees the log as it was at the start, while the
    station goes on writing (the log is in WAL mode): the files and
    summary.json then agree with each other."""
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")
    try:
        yield
    finally:
        if began and conn.in_transaction:
            conn.execute("ROLLBACK")


def _export(conn, data_dir, dest_root, selection, athlete, now, writer, progress, font_paths):
    """Write every file of the export: its folder, the rows of each table,
    and the progress counts."""
    tables = all_tables(selection)
    charts = list(_chart_data(conn, selection))
    recordings = recordings_to_copy(conn, selection, data_dir)
    tracker = _Progress(len(tables) + len(recordings.files) + len(charts) + 1, progress)
    ahead = ChartsAhead(charts, font_paths)
    try:
        folder = writer.make_unique_folder(dest_root, _folder_name(now))
        rows = {}
        for table in tables:
            rows[table.file_name], size = _write_table(writer, folder, conn, table)
            tracker.tick(size)
        for size in _copy_recordings(writer, folder, recordings):
            tracker.tick(size)
        for size in _write_charts(writer, folder, ahead, bool(charts)):
            tracker.tick(size)
        # summary.json says the export is complete: every other name must be
        # durable before it appears.
        writer.sync_folders()
        summary = summary_json(conn, selection, athlete, now, folder.name, rows,
                               recordings.copied, recordings.missing, len(charts))
        tracker.tick(writer.write_chunks(folder / SUMMARY_FILE, [summary]))
        writer.sync_folders()
    except BaseException:
        # A stick problem, or a fault: either way no half export stays behind.
        writer.remove_all()
        raise
    finally:
        ahead.stop()
    return folder, rows, tracker


class _Progress:
    """Counts the files written and tells the caller after each."""

    def __init__(self, total: int, report):
        self.total, self.done, self.bytes_written = total, 0, 0
        self._report = report

    def tick(self, size: int) -> None:
        self.done += 1
        self.bytes_written += size
        if self._report:
            self._report(self.done, self.total)


def _folder_name(now: datetime) -> str:
    # Local time, as the people at the station read it; no ":" (FAT refuses it).
    return now.astimezone().strftime("JumpMat-%Y-%m-%dT%H%M")


def _resolve_since(conn, since, athlete_ids) -> datetime | None:
    if since == SINCE_LAST:
        return last_export_time(conn, athlete_ids)
    if isinstance(since, str):
        raise ValueError(f"since must be a datetime, {SINCE_LAST!r} or None, not {since!r}")
    if since is not None and since.tzinfo is None:
        return since.astimezone()
    return since


def _write_table(writer, folder, conn, table) -> tuple[int, int]:
    """Write one CSV table; its rows and bytes."""
    lines = _CountingCursor(table.rows(conn))
    size = writer.write_chunks(folder / table.file_name, csv_chunks(table.header, lines))
    return lines.rows, size


class _CountingCursor:
    def __init__(self, cursor):
        self.cursor, self.rows = cursor, 0

    def fetchmany(self, size: int) -> list:
        batch = self.cursor.fetchmany(size)
        self.rows += len(batch)
        return batch


def _copy_recordings(writer, folder, recordings):
    if recordings.files:
        writer.make_folder(folder / "recordings")
    for source, name in recordings.files:
        try:
            size = writer.copy_file(source, folder / "recordings" / name)
        except FileNotFoundError:
            # Pruned to free disk space since the export began (errors on the
            # stick's side are StickErrors, never this).
            recordings.missing += 1
            size = 0
        else:
            recordings.copied += 1
        yield size


def _write_charts(writer, folder, ahead: ChartsAhead, any_charts: bool):
    if not any_charts:
        return
    writer.make_folder(folder / "charts")
    for data, png in ahead:
        yield writer.write_chunks(folder / "charts" / chart_file_name(data), [png])


def chart_file_name(data: ChartData) -> str:
    """``<session>-<its local date>.png``: in session order, and the day to find it by."""
    try:
        day = datetime.fromisoformat(data.session_started_at).astimezone().strftime("%Y-%m-%d")
    except ValueError:
        day = "unknown-day"
    return f"{data.session_id}-{day}.png"


def _chart_data(conn, selection):
    """A ChartData per session, its athletes in name order."""
    where, params = selection.sets_where("s")
    rows = conn.execute(
        f"SELECT s.session_id, strftime('%Y-%m-%dT%H:%M:%f+00:00', se.started_at), s.athlete_id, "
        f"COALESCE(clean_name(a.name), ''), s.set_index, r.rep_index, r.rebound_contact_s, r.jump_height_m, "
        f"r.rating, r.valid "
        f"FROM reps r JOIN sets s ON s.id = r.set_id JOIN sessions se ON se.id = s.session_id "
        f"LEFT JOIN athletes a ON a.id = s.athlete_id WHERE {where} "
        f"ORDER BY s.session_id, a.name IS NULL, a.name, s.athlete_id, s.set_index, r.rep_index",
        params)
    for (session_id, started), session_rows in itertools.groupby(rows, key=lambda row: row[:2]):
        athletes = [AthleteReps(name, [ChartRep(*row[4:9], valid=bool(row[9])) for row in group])
                    for (_, name), group in itertools.groupby(session_rows, key=lambda row: row[2:4])]
        yield ChartData(session_id, started or "", athletes)


def _record_export(conn, now, folder, reps, selection) -> None:
    try:
        if not conn.in_transaction:
            conn.execute("BEGIN IMMEDIATE")  # the export and its athletes, together
        export_id = conn.execute(
            "INSERT INTO exports (exported_at, destination, reps, since) VALUES (?, ?, ?, ?)",
            (now.astimezone(timezone.utc).isoformat(timespec="milliseconds"), str(folder),
             reps, selection.since_utc)).lastrowid
        # An export of some athletes moves "since last" for them alone.
        conn.executemany("INSERT INTO export_athletes (export_id, athlete_id) VALUES (?, ?)",
                         [(export_id, i) for i in selection.athlete_ids or ()])
        conn.commit()
    except sqlite3.OperationalError as error:
        if conn.in_transaction:
            conn.rollback()
        raise UserError(f"The export in {folder} is complete, but the session log could not "
                        f"record it ({error}); an export since the last one will include these "
                        "sets again.") from None
