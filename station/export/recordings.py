"""Which raw recordings an export copies, and under what names.

A set's recording is ``sets.recording_path``, relative to the data folder;
NULL once pruned. A path that is missing, not a file, or outside the data
folder is not copied but counted as missing.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from station.export.csv_safe import safe_file_name
from station.export.selection import Selection

#: A recording keeps its file type only if it is a plain one like ".csv".
_PLAIN_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")


@dataclass
class Recordings:
    """The files to copy as (source path, name on the stick), how many were
    copied, and how many sets had a recording that is no longer there."""

    files: list[tuple[Path, str]] = field(default_factory=list)
    copied: int = 0
    missing: int = 0


def recordings_to_copy(conn: sqlite3.Connection, selection: Selection,
                       data_dir: Path) -> Recordings:
    where, params = selection.sets_where("s")
    rows = conn.execute(f"SELECT s.session_id, s.set_index, s.athlete_id, clean_name(a.name), s.recording_path "
                        f"FROM sets s LEFT JOIN athletes a ON a.id = s.athlete_id "
                        f"WHERE {where} AND s.recording_path IS NOT NULL "
                        f"ORDER BY s.session_id, s.set_index", params)
    found = Recordings()
    root = Path(data_dir).resolve()
    for session_id, set_index, athlete_id, athlete, relative in rows:
        source = (root / relative).resolve()
        if not (source.is_relative_to(root) and source.is_file()):
            found.missing += 1
            continue
        suffix = source.suffix if _PLAIN_SUFFIX.fullmatch(source.suffix) else ".csv"
        who = "nobody" if athlete_id is None else safe_file_name(athlete, "athlete")
        found.files.append((source, f"{session_id}-set{set_index}-{who}{suffix}"))
    return found
