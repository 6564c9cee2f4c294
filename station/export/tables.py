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
    # clean_name: the SQL function station.export.exporter registers, so a
    # name written before names were cleaned is exported clean.
    return [("athlete_id", sql_integer(athlete_id)), ("athlete", sql_text(f"clean_name({name})"))]


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
               ("reason", sql_text("r.reason")),
               ("fatigue", sql_integer("r.fatigue"))]
    body = (f"FROM reps r JOIN sets s ON s.id = r.set_id JOIN sessions se ON se.id = s.session_id "
            f"LEFT JOIN athletes a ON a.id = s.athlete_id WHERE {where} "
            f"ORDER BY s.session_id, s.set_index, r.rep_index")
    return _table("reps.csv", columns, body, params)


def phases_table(selection: Selection) -> Table:
    """phases.csv: every contact and flight, in the order they happened (the
    standing-start contact, which has no start time, first).

    Each kind of phase is formatted in its own branch, so a cell that kind
    never has is a constant (a flight has no landing), and the athlete and
    session cells are formatted once per set rather than once per phase:
    the table holds four phases per rep, so this is most of an export's time.
    """
    where, params = selection.sets_where("s")
    seconds, places = PLACES["s"], PLACES
    prefix = sql_line([*(expr for _, expr in _athlete_columns("s.athlete_id", "a.name")),
                       sql_integer("s.session_id"), sql_integer("s.set_index")])
    contact = sql_line([sql_integer("c.contact_index"), sql_number("c.start_s", seconds),
                        sql_number("c.end_s", seconds), sql_number("c.end_s - c.start_s", seconds),
                        sql_text("c.zone"), "''", "''", sql_integer("c.landed"),
                        sql_number("c.rsi", places["rsi"]), sql_number("c.peak_force_n", places["n"]),
                        sql_number("c.peak_force_bw", places["bw"]),
                        sql_number("c.time_to_peak_s", seconds),
                        sql_number("c.loading_rate_bw_per_s", places["bw_per_s"]),
                        sql_integer("c.impact_peak"), sql_number("c.softness", places["softness"]),
                        sql_text("c.rating"), sql_number("c.cop_left_pct", 1)])
    flight = sql_line([sql_integer("f.flight_index"), sql_number("f.takeoff_s", seconds),
                       sql_number("f.landing_s", seconds),
                       sql_number("f.landing_s - f.takeoff_s", seconds), "''",
                       sql_text("f.direction"), sql_number("f.displacement_m", places["m"]),
                       *["''"] * 10])
    sql = f"""WITH chosen AS MATERIALIZED (
        SELECT s.id, s.session_id, s.set_index, {prefix} AS prefix
        FROM sets s LEFT JOIN athletes a ON a.id = s.athlete_id WHERE {where})
    SELECT line FROM (
        SELECT ch.session_id, ch.set_index, c.start_s AS start_s, 0 AS kind_order,
               ch.prefix || ',contact,' || {contact} AS line
        FROM contacts c JOIN chosen ch ON ch.id = c.set_id
        UNION ALL
        SELECT ch.session_id, ch.set_index, f.takeoff_s, 1, ch.prefix || ',flight,' || {flight}
        FROM flights f JOIN chosen ch ON ch.id = f.set_id)
    ORDER BY session_id, set_index, start_s IS NOT NULL, start_s, kind_order"""
    return Table("phases.csv", PHASES_HEADER, sql, params)


PHASES_HEADER = ["athlete_id", "athlete", "session_id", "set_index", "kind", "phase_index",
                 "start_s", "end_s", "duration_s", "zone", "direction", "displacement_m", "landed",
                 "rsi", "peak_force_n", "peak_force_bw", "time_to_peak_s", "loading_rate_bw_per_s",
                 "impact_peak", "softness", "rating", "cop_left_pct"]


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
