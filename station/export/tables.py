"""The four CSV tables of an export, as SQL over the session log.

Each table is a list of columns, a header cell (with its unit) and the SQL
that formats the cell (station.export.csv_safe), plus the rows it reads.
Only the session log's documented columns are used (station/log/schema.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from station.export.csv_safe import PLACES, sql_integer, sql_line, sql_number, sql_text, sql_time
from station.export.selection import Selection

#: Written for a session with no end time: the station stopped without
#: closing it (power cut), or it is still running as the export is made.
NO_END = "cut short"


@dataclass(frozen=True)
class Table:
    """One CSV file: its name, its header, and the query giving its lines."""

    file_name: str
    header: list[str]
    sql: str
    params: list

    def rows(self, conn: sqlite3.Connection):
        return conn.execute(self.sql, self.params)


def _table(file_name, columns, body, params) -> Table:
    line = sql_line([expr for _, expr in columns])
    return Table(file_name, [name for name, _ in columns], f"SELECT {line}\n{body}", params)


def _athlete_columns(athlete_id: str, name: str) -> list:
    return [("athlete_id", sql_integer(athlete_id)), ("athlete", sql_text(name))]


def reps_table(selection: Selection) -> Table:
    """reps.csv: one row per rep."""
    where, params = selection.sets_where("s")
    columns = [*_athlete_columns("s.athlete_id", "a.name"),
               ("session_id", sql_integer("s.session_id")),
               ("session_started_at", sql_time("se.started_at")),
               ("set_index", sql_integer("s.set_index")),
               ("rep_index", sql_integer("r.rep_index")),
               ("completed_at", sql_time("r.completed_at")),
               ("back_flight_s", sql_number("r.back_flight_s", PLACES["s"])),
               ("rebound_contact_s", sql_number("r.rebound_contact_s", PLACES["s"])),
               ("forward_flight_s", sql_number("r.forward_flight_s", PLACES["s"])),
               ("jump_height_m", sql_number("r.jump_height_m", PLACES["m"])),
               ("rsi", sql_number("r.rsi", PLACES["rsi"])),
               ("landing_peak_force_n", sql_number("r.landing_peak_force_n", PLACES["n"])),
               ("loading_rate_bw_per_s", sql_number("r.loading_rate_bw_per_s", PLACES["bw_per_s"])),
               ("softness", sql_number("r.softness", PLACES["softness"])),
               ("rating", sql_text("r.rating")),
               ("valid", sql_integer("r.valid")),
               ("reason", sql_text("r.reason"))]
    body = (f"FROM reps r JOIN sets s ON s.id = r.set_id JOIN sessions se ON se.id = s.session_id "
            f"LEFT JOIN athletes a ON a.id = s.athlete_id WHERE {where} "
            f"ORDER BY s.session_id, s.set_index, r.rep_index")
    return _table("reps.csv", columns, body, params)


#: Contacts and flights as one list of phases, in the order they happened
#: (the standing-start contact, which has no start time, first).
_PHASES = """(
    SELECT set_id, 'contact' AS kind, contact_index AS phase_index, start_s, end_s, zone,
           NULL AS direction, NULL AS displacement_m, landed, rsi, peak_force_n, peak_force_bw,
           time_to_peak_s, loading_rate_bw_per_s, impact_peak, softness, rating, 0 AS kind_order
    FROM contacts
    UNION ALL
    SELECT set_id, 'flight', flight_index, takeoff_s, landing_s, NULL, direction, displacement_m,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1
    FROM flights) p"""


def phases_table(selection: Selection) -> Table:
    """phases.csv: every contact and flight."""
    where, params = selection.sets_where("s")
    seconds = PLACES["s"]
    columns = [*_athlete_columns("s.athlete_id", "a.name"),
               ("session_id", sql_integer("s.session_id")),
               ("set_index", sql_integer("s.set_index")),
               ("kind", sql_text("p.kind")),
               ("phase_index", sql_integer("p.phase_index")),
               ("start_s", sql_number("p.start_s", seconds)),
               ("end_s", sql_number("p.end_s", seconds)),
               ("duration_s", sql_number("p.end_s - p.start_s", seconds)),
               ("zone", sql_text("p.zone")),
               ("direction", sql_text("p.direction")),
               ("displacement_m", sql_number("p.displacement_m", PLACES["m"])),
               ("landed", sql_integer("p.landed")),
               ("rsi", sql_number("p.rsi", PLACES["rsi"])),
               ("peak_force_n", sql_number("p.peak_force_n", PLACES["n"])),
               ("peak_force_bw", sql_number("p.peak_force_bw", PLACES["bw"])),
               ("time_to_peak_s", sql_number("p.time_to_peak_s", seconds)),
               ("loading_rate_bw_per_s", sql_number("p.loading_rate_bw_per_s", PLACES["bw_per_s"])),
               ("impact_peak", sql_integer("p.impact_peak")),
               ("softness", sql_number("p.softness", PLACES["softness"])),
               ("rating", sql_text("p.rating"))]
    body = (f"FROM {_PHASES} JOIN sets s ON s.id = p.set_id "
            f"LEFT JOIN athletes a ON a.id = s.athlete_id WHERE {where} "
            f"ORDER BY s.session_id, s.set_index, p.start_s IS NOT NULL, p.start_s, p.kind_order")
    return _table("phases.csv", columns, body, params)


def sessions_table(selection: Selection) -> Table:
    """sessions.csv: one row per session and athlete in it.

    Heights and rebound contacts are of valid reps; landing counts are of
    every rated rep.
    """
    where, params = selection.sets_where("s")
    valid = "CASE WHEN r.valid THEN {} END"
    height = valid.format("r.jump_height_m")
    columns = [("session_id", sql_integer("se.id")),
               ("session_started_at", sql_time("se.started_at")),
               ("session_ended_at", sql_time("se.ended_at", NO_END)),
               *_athlete_columns("s.athlete_id", "a.name"),
               ("sets", sql_integer("COUNT(DISTINCT s.id)")),
               ("reps", sql_integer("COUNT(r.id)")),
               ("valid_reps", sql_integer("TOTAL(r.valid)")),
               ("best_jump_height_m", sql_number(f"MAX({height})", PLACES["m"])),
               ("mean_jump_height_m", sql_number(f"AVG({height})", PLACES["m"])),
               ("mean_rebound_contact_s",
                sql_number(f"AVG({valid.format('r.rebound_contact_s')})", PLACES["s"])),
               *((f"{rating}_landings", sql_integer(f"TOTAL(r.rating = '{rating}')"))
                 for rating in ("soft", "firm", "hard"))]
    body = (f"FROM sets s JOIN sessions se ON se.id = s.session_id "
            f"LEFT JOIN athletes a ON a.id = s.athlete_id LEFT JOIN reps r ON r.set_id = s.id "
            f"WHERE {where} GROUP BY se.id, s.athlete_id ORDER BY se.id, a.name, s.athlete_id")
    return _table("sessions.csv", columns, body, params)


def challenges_table(selection: Selection) -> Table:
    """challenges.csv: one row per challenge round and athlete."""
    where, params = selection.challenges_where("c", "cr")
    columns = [("challenge_id", sql_integer("c.id")),
               ("challenge", sql_text("c.name")),
               ("challenge_started_at", sql_time("c.started_at")),
               ("session_id", sql_integer("c.session_id")),
               *_athlete_columns("cr.athlete_id", "a.name"),
               ("round", sql_integer("cr.round_index")),
               ("reps", sql_integer("cr.reps")),
               ("valid_reps", sql_integer("cr.valid_reps")),
               ("quality_reps", sql_integer("cr.quality_reps")),
               ("mean_rebound_contact_s", sql_number("cr.mean_rebound_contact_s", PLACES["s"]))]
    body = (f"FROM challenge_rounds cr JOIN challenges c ON c.id = cr.challenge_id "
            f"LEFT JOIN athletes a ON a.id = cr.athlete_id WHERE {where} "
            f"ORDER BY c.id, cr.round_index, a.name, cr.athlete_id")
    return _table("challenges.csv", columns, body, params)


def all_tables(selection: Selection) -> list[Table]:
    return [reps_table(selection), phases_table(selection), sessions_table(selection),
            challenges_table(selection)]
