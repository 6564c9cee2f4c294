"""Which sets an export covers: everything, since a time, one athlete.

A set is never split: it is exported whole when it started at or after
``since``, or when any of its reps completed at or after it (a set that was
running during the previous export comes again, complete, in the next).
"""

from __future__ import annotations

import difflib
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from station.errors import UserError

#: The value of ``since`` meaning "since the last recorded export".
SINCE_LAST = "last"
#: How many similar names an unknown athlete's error lists at most.
MAX_CLOSE_NAMES = 5


@dataclass(frozen=True)
class Selection:
    """The sets to export.

    ``since``: aware datetime or None (everything). ``athlete_ids``: the
    athletes whose sets to export, or None for all (sets with nobody picked
    included).

    Example::

        selection = Selection(since=None, athlete_ids=(3,))
        clause, params = selection.sets_where("s")
    """

    since: datetime | None = None
    athlete_ids: tuple[int, ...] | None = None

    @property
    def since_utc(self) -> str | None:
        if self.since is None:
            return None
        return self.since.astimezone(timezone.utc).isoformat(timespec="milliseconds")

    def sets_where(self, alias: str) -> tuple[str, list]:
        """An SQL condition on the sets table (as ``alias``) and its parameters."""
        clauses, params = ["1"], []
        if self.since is not None:
            clauses.append(f"(julianday({alias}.started_at) >= julianday(?) OR {alias}.id IN "
                           "(SELECT set_id FROM reps "
                           "WHERE julianday(completed_at) >= julianday(?)))")
            params += [self.since_utc, self.since_utc]
        if self.athlete_ids is not None:
            clauses.append(f"{alias}.athlete_id IN ({', '.join('?' * len(self.athlete_ids))})")
            params += list(self.athlete_ids)
        return " AND ".join(clauses), params

    def challenges_where(self, challenge: str, round_: str) -> tuple[str, list]:
        """An SQL condition on challenges and their rounds."""
        clauses, params = ["1"], []
        if self.since is not None:
            clauses.append(f"julianday({challenge}.started_at) >= julianday(?)")
            params.append(self.since_utc)
        if self.athlete_ids is not None:
            clauses.append(f"{round_}.athlete_id IN ({', '.join('?' * len(self.athlete_ids))})")
            params += list(self.athlete_ids)
        return " AND ".join(clauses), params


#: An export of everyone: one that lists no athletes of its own.
_OF_EVERYONE = "NOT EXISTS (SELECT 1 FROM export_athletes x WHERE x.export_id = e.id)"


def last_export_time(conn: sqlite3.Connection,
                     athlete_ids: tuple[int, ...] | None = None) -> datetime | None:
    """When the last recorded export covering these athletes happened, or
    None if there was none.

    ``athlete_ids`` None: the last export of everyone (an export of some
    athletes only does not count). Else, for each athlete, their last export
    (of everyone, or of them); the earliest of those, so none of them misses
    a set.
    """
    if athlete_ids is None:
        return _last(conn, _OF_EVERYONE, [])
    times = [_last(conn, f"({_OF_EVERYONE} OR EXISTS (SELECT 1 FROM export_athletes x "
                         f"WHERE x.export_id = e.id AND x.athlete_id = ?))", [athlete_id])
             for athlete_id in athlete_ids]
    return None if None in times or not times else min(times)


def _last(conn, where: str, params: list) -> datetime | None:
    row = conn.execute(f"SELECT exported_at FROM exports e WHERE {where} "
                       "ORDER BY julianday(exported_at) DESC, id DESC LIMIT 1", params).fetchone()
    return None if row is None else _aware(datetime.fromisoformat(row[0]))


def new_reps(conn: sqlite3.Connection) -> int:
    """How many reps an export of everyone "since last" would hold now."""
    where, params = Selection(since=last_export_time(conn)).sets_where("s")
    return conn.execute(f"SELECT COUNT(*) FROM reps r JOIN sets s ON s.id = r.set_id "
                        f"WHERE {where}", params).fetchone()[0]


def athlete_ids_named(conn: sqlite3.Connection, name: str) -> tuple[int, ...]:
    """The ids of every athlete called ``name`` (ignoring case).

    Unknown name: a UserError that lists close names on the roster.
    """
    wanted = name.strip().casefold()
    roster = conn.execute("SELECT id, name FROM athletes ORDER BY name").fetchall()
    ids = tuple(i for i, n in roster if n.strip().casefold() == wanted)
    if ids:
        return ids
    names = sorted({n for _, n in roster})
    by_folded = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(wanted, list(by_folded), n=MAX_CLOSE_NAMES, cutoff=0.6)
    advice = ("did you mean " + ", ".join(repr(by_folded[c]) for c in close) + "?" if close
              else "check the spelling, or leave --athlete out to export everyone.")
    raise UserError(f"No athlete called {name!r} in the session log: {advice}")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
