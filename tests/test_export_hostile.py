"""A hostile roster: names that are formulas, paths, device names, control
characters. No CSV cell runs as a formula, no file lands outside the export
folder, and the names still read as typed."""

import csv
import json
import os
import random
import string

from hypothesis import given, settings, strategies as st

from log_rows import T0, add_athlete, add_challenge, add_session, add_set, new_log
from station.export.csv_safe import MAX_NAME_CHARS, safe_file_name
from station.export.exporter import export_log
from station.log.names import clean_name

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tTAB", "\rCR",
           "../../etc/passwd", "CON", "a/b\\c", "\u200b\u200b", " . ", "NUL.txt",
           "Ünïcödé 名前 " * 20, 'x:y*z?"<>|', "..", "=1+2", "-", "Anna"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                    *(f"LPT{i}" for i in range(10))}


def hostile_export(tmp_path):
    conn = new_log(tmp_path / "station.db")
    rng = random.Random(3)
    session = add_session(conn, T0)
    ids = []
    (tmp_path / "rec").mkdir()
    for index, name in enumerate(HOSTILE):
        athlete = add_athlete(conn, name)
        ids.append(athlete)
        (tmp_path / "rec" / f"{index}.csv").write_text("time_s,mat\n0,1\n")
        add_set(conn, session, athlete, index, T0, 3, rng, recording_path=f"rec/{index}.csv")
    conn.execute("UPDATE reps SET reason = '=cmd|'' /C calc''!A0' WHERE id = 1")
    add_challenge(conn, session, "@evil", T0, [(ids[0], 1, 3, 3, 2, 0.25)])
    conn.commit()
    dest = tmp_path / "stick"
    dest.mkdir()
    return export_log(conn, tmp_path, dest), dest


def csv_rows(path):
    return list(csv.reader(path.read_bytes()[3:].decode("utf-8").splitlines(keepends=True)))


def test_no_cell_starts_a_formula_unless_neutralised(tmp_path):
    result, _ = hostile_export(tmp_path)
    for path in result.folder.glob("*.csv"):
        header, *rows = csv_rows(path)
        for row in rows:
            for column, cell in zip(header, row):
                if cell.startswith(FORMULA_STARTS):
                    # Only a number may start with "-", and then it is one.
                    assert cell.startswith("-") and float(cell) < 0, (path.name, column, cell)


def test_negative_numbers_stay_numbers(tmp_path):
    result, _ = hostile_export(tmp_path)
    header, *rows = csv_rows(result.folder / "phases.csv")
    displacements = [row[header.index("displacement_m")] for row in rows]
    backward = [float(cell) for cell in displacements if cell.startswith("-")]
    assert backward and all(value < 0 for value in backward)


def test_names_survive_readable_in_every_table(tmp_path):
    result, _ = hostile_export(tmp_path)
    for name in ("reps.csv", "phases.csv", "sessions.csv"):
        header, *rows = csv_rows(result.folder / name)
        shown = {row[header.index("athlete")] for row in rows}
        read_back = {cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell
                     for cell in shown}
        assert read_back == {clean_name(each) for each in HOSTILE}, name
    summary = json.loads((result.folder / "summary.json").read_text("utf-8"))
    assert {a["name"] for a in summary["athletes"]} == {clean_name(each) for each in HOSTILE}
    header, *rows = csv_rows(result.folder / "challenges.csv")
    assert rows[0][header.index("challenge")] == "'@evil"


def test_every_file_stays_inside_the_export_folder_with_a_safe_name(tmp_path):
    result, dest = hostile_export(tmp_path)
    written = [os.path.join(root, name) for root, dirs, files in os.walk(result.folder)
               for name in files + dirs]
    folder = os.path.realpath(result.folder)
    assert all(os.path.realpath(path).startswith(folder + os.sep) for path in written)
    assert sorted(os.listdir(dest)) == [result.folder.name]
    charts = os.listdir(result.folder / "charts")
    recordings = os.listdir(result.folder / "recordings")
    assert len(recordings) == len(HOSTILE), "every athlete has a distinct file"
    assert charts == ["1-2026-11-24.png"] or charts == ["1-2026-11-25.png"], \
        "one chart for the session, named by its number and local day, never by an athlete"
    for name in recordings:
        assert_safe_name(name.split("-", 1)[1].rsplit(".", 1)[0])


def assert_safe_name(name):
    assert name and len(name) <= MAX_NAME_CHARS + 10
    assert not any(c in name for c in '<>:"/\\|?*') and not name.startswith(".")
    assert all(c.isprintable() for c in name)
    assert name.split(".")[0].strip().upper() not in WINDOWS_RESERVED
    assert name == name.strip(" ."), "no leading or trailing dot or space"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120))
def test_any_name_becomes_a_usable_file_name(name):
    safe = safe_file_name(name)
    assert 0 < len(safe) <= MAX_NAME_CHARS
    assert safe not in (".", "..") and "/" not in safe and "\\" not in safe
    assert not any(c in safe for c in '<>:"|?*') and all(c.isprintable() for c in safe)
    assert safe.split(".")[0].strip().upper() not in WINDOWS_RESERVED
    assert safe == safe.strip(" .")


def test_a_plain_name_keeps_its_letters(tmp_path):
    for name in ["Anna Berg", "Zoë Müller", "名前", "O'Neil-Smith"]:
        assert safe_file_name(name) == name
    assert safe_file_name("".join(random.Random(1).choices(string.ascii_letters, k=200))).isalpha()
