"""`station athletes`: the roster: list it, add someone, import a CSV file, give someone a tag."""

from __future__ import annotations

import sys
from pathlib import Path

from station.commands.arguments import positive_float
from station.commands.sessions import render_table
from station.config import load_config
from station.log.athletes import add_athlete, import_roster_csv, list_athletes
from station.log.db import open_log
from station.log.storage import data_dir_for


def add_parser(subparsers) -> None:
    athletes = subparsers.add_parser("athletes", help="the athlete roster: list, add, import")
    athletes.add_argument("--data-dir", type=Path, metavar="DIR",
                          help="where the calibration and logs are kept")
    athletes.add_argument("--config", type=Path, metavar="FILE", help="config file (TOML)")
    actions = athletes.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="everyone on the roster")
    add = actions.add_parser("add", help="put someone on the roster")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--mass", type=positive_float, metavar="KG", help="body mass in kg")
    add.add_argument("--tag", metavar="ID", help="the id of their RFID/NFC tag")
    imports = actions.add_parser("import", help="add everyone in a CSV file (name,body_mass_kg,tag_id)")
    imports.add_argument("file", type=Path, metavar="FILE")
    from station.commands.athlete_tag import add_tag_parser
    add_tag_parser(actions)


def athletes(args, say=print) -> int:
    conn = open_log(data_dir_for(args.data_dir, load_config(args.config)))
    try:
        if args.action == "add":
            athlete = add_athlete(conn, args.name, args.mass, args.tag)
            say(f"Added {athlete.name} (number {athlete.id}).")
            return 0
        if args.action == "import":
            return _import(conn, args.file, say)
        if args.action == "tag":
            from station.commands.athlete_tag import tag_athlete
            return tag_athlete(conn, args, load_config(args.config), say)
        return _list(conn, say)
    finally:
        conn.close()


def _import(conn, path: Path, say) -> int:
    result = import_roster_csv(conn, path)
    for problem in result.problems:
        print(f"{path}: {problem}", file=sys.stderr)
    left_out = f"; {len(result.problems)} rows left out (above)" if result.problems else ""
    say(f"Imported {len(result.imported)} athletes{left_out}.")
    return 1 if result.problems else 0


def _list(conn, say) -> int:
    roster = list_athletes(conn)
    if not roster:
        say("Nobody on the roster yet; add people with `station athletes add NAME` or "
            "`station athletes import FILE`.")
        return 0
    rows = [("#", "name", "mass", "tag")] + [
        (str(a.id), " ".join(a.name.split()), "-" if a.body_mass_kg is None else f"{a.body_mass_kg:g} kg",
         a.tag_id or "-") for a in roster]
    say(render_table(rows))
    return 0
