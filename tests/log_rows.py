"""Session logs built with plain sqlite3, as the station's log writer would fill them.

``new_log(path)`` makes an empty log at the newest schema; ``add_set`` writes one set's
contacts, flights and reps, consistent with each other (a standing contact,
then per rep: back flight, rebound contact, forward flight, front contact);
``fill_log`` makes a whole roster of sessions. Values are random but seeded,
with the gaps a real log has (no force metrics, invalid reps with reasons).
"""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from station.log.schema import MIGRATIONS

G_M_PER_S2 = 9.81
T0 = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def new_log(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS:
        conn.executescript(migration)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    conn.commit()
    return conn


def add_athlete(conn, name: str, guest: bool = False) -> int:
    return conn.execute("INSERT INTO athletes (name, guest, created_at) VALUES (?, ?, ?)",
                        (name, int(guest), iso(T0))).lastrowid


def add_session(conn, started_at: datetime, ended_at: datetime | None = None) -> int:
    return conn.execute("INSERT INTO sessions (started_at, ended_at, mat_source, force_source, "
                        "simulated) VALUES (?, ?, 'gpio', 'frontend', 0)",
                        (iso(started_at), ended_at and iso(ended_at))).lastrowid


def add_set(conn, session_id: int, athlete_id: int | None, set_index: int, started_at: datetime,
            reps: int, rng: random.Random, recording_path: str | None = None,
            force: bool = True) -> int:
    """One set of ``reps`` reps; returns its id."""
    set_id = conn.execute(
        "INSERT INTO sets (session_id, athlete_id, set_index, started_at, start_s, reps, "
        "body_weight_n, recording_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (session_id, athlete_id, set_index, iso(started_at), 0.0, reps,
         rng.uniform(500, 900) if force else None, recording_path)).lastrowid
    contacts, flights, rep_rows = [], [], []
    t_s = rng.uniform(1.0, 3.0)
    contacts.append(_contact(set_id, 0, None, t_s, "front", rng, force, landed=False))
    valid_reps = 0
    for index in range(reps):
        back_s, rebound_s, forward_s = rng.uniform(0.2, 0.45), rng.uniform(0.12, 0.6), rng.uniform(0.2, 0.45)
        flights.append(_flight(set_id, 2 * index, t_s, t_s + back_s, "back", rng))
        t_s += back_s
        rebound = _contact(set_id, 2 * index + 1, t_s, t_s + rebound_s, "back", rng, force)
        contacts.append(rebound)
        t_s += rebound_s
        flights.append(_flight(set_id, 2 * index + 1, t_s, t_s + forward_s, "forward", rng))
        t_s += forward_s
        front_s = rng.uniform(0.15, 0.8)
        contacts.append(_contact(set_id, 2 * index + 2, t_s, t_s + front_s, "front", rng, force))
        valid = rebound_s <= 0.5
        valid_reps += valid
        height_m = G_M_PER_S2 * forward_s ** 2 / 8
        rep_rows.append((set_id, index, iso(started_at + timedelta(seconds=t_s)), back_s, rebound_s,
                         forward_s, height_m, height_m / rebound_s, rebound[7], rebound[10],
                         rebound[12], rebound[13], int(valid),
                         None if valid else "rebound contact too long"))
        t_s += front_s
    conn.executemany("INSERT INTO contacts (set_id, contact_index, start_s, end_s, zone, landed, "
                     "rsi, peak_force_n, peak_force_bw, time_to_peak_s, loading_rate_bw_per_s, "
                     "impact_peak, softness, rating) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", contacts)
    conn.executemany("INSERT INTO flights (set_id, flight_index, takeoff_s, landing_s, direction, "
                     "displacement_m) VALUES (?,?,?,?,?,?)", flights)
    conn.executemany("INSERT INTO reps (set_id, rep_index, completed_at, back_flight_s, "
                     "rebound_contact_s, forward_flight_s, jump_height_m, rsi, "
                     "landing_peak_force_n, loading_rate_bw_per_s, softness, rating, valid, reason) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rep_rows)
    conn.execute("UPDATE sets SET end_s = ?, ended_by = 'step_off', valid_reps = ? WHERE id = ?",
                 (t_s, valid_reps, set_id))
    return set_id


def _contact(set_id, index, start_s, end_s, zone, rng, force, landed=True):
    if not (force and landed):
        return (set_id, index, start_s, end_s, zone, int(landed), None, None, None, None, None,
                None, None, None)
    body_n = rng.uniform(500, 900)
    peak_bw = rng.uniform(1.5, 6.5)
    to_peak_s = rng.uniform(0.02, 0.1)
    softness = rng.uniform(0, 100)
    rating = "soft" if softness > 66 else "firm" if softness > 33 else "hard"
    return (set_id, index, start_s, end_s, zone, 1, rng.uniform(0.1, 2.5), peak_bw * body_n,
            peak_bw, to_peak_s, peak_bw / to_peak_s, int(rng.random() < 0.3), softness, rating)


def _flight(set_id, index, takeoff_s, landing_s, direction, rng):
    sign = -1 if direction == "back" else 1
    return (set_id, index, takeoff_s, landing_s, direction, sign * rng.uniform(0.2, 0.6))


def add_challenge(conn, session_id: int, name: str, started_at: datetime,
                  rounds: list[tuple[int | None, int, int, int, int, float | None]]) -> int:
    """A finished challenge; rounds are (athlete_id, round, reps, valid, quality, mean contact s)."""
    challenge_id = conn.execute(
        "INSERT INTO challenges (session_id, name, definition_json, started_at, ended_at, ended_by) "
        "VALUES (?, ?, '{}', ?, ?, 'finished')",
        (session_id, name, iso(started_at), iso(started_at + timedelta(minutes=5)))).lastrowid
    conn.executemany("INSERT INTO challenge_rounds (challenge_id, athlete_id, round_index, reps, "
                     "valid_reps, quality_reps, mean_rebound_contact_s) VALUES (?,?,?,?,?,?,?)",
                     [(challenge_id, *r) for r in rounds])
    return challenge_id


def fill_log(conn, names: list[str], sessions: int = 2, sets_per_athlete: int = 2,
             reps_per_set: int = 5, seed: int = 0, start: datetime = T0) -> dict[str, int]:
    """Sessions a day apart, each with every athlete doing a few sets; the
    athletes' ids by name."""
    rng = random.Random(seed)
    ids = {name: add_athlete(conn, name) for name in names}
    for day in range(sessions):
        session_start = start + timedelta(days=day)
        session_id = add_session(conn, session_start,
                                 None if day == sessions - 1 else session_start + timedelta(hours=2))
        set_index = 0
        for order, athlete_id in enumerate(ids.values()):
            for _ in range(sets_per_athlete):
                add_set(conn, session_id, athlete_id, set_index,
                        session_start + timedelta(minutes=3 * set_index), reps_per_set, rng,
                        force=order % 3 != 2)
                set_index += 1
    conn.commit()
    return ids


def overwrite_middle(path, bytes_n=8192):
    """A failing card's damage: ``bytes_n`` bytes of garbage in the middle of the file."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + bytes_n] = bytes(range(256)) * (bytes_n // 256)
    path.write_bytes(bytes(data))
