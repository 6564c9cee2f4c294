"""The athlete roster: adding, finding, renaming, guests, and importing a
roster file the way spreadsheets write it."""

import time

import pytest

from station.errors import UserError
from station.log.athletes import (
    add_athlete, add_guest, find_athlete, import_roster_csv, list_athletes, rename_athlete)
from station.log.db import open_log
from station_process import station

NOON_UTC_S = 1795521600.0  # 2026-11-24 12:00:00 UTC


@pytest.fixture
def conn(tmp_path):
    conn = open_log(tmp_path)
    yield conn
    conn.close()


def test_an_athlete_is_found_by_name_and_by_tag(conn):
    ada = add_athlete(conn, "Ada Lovelace", body_mass_kg=58.5, tag_id="04A2B1")
    assert find_athlete(conn, "Ada Lovelace") == ada
    assert find_athlete(conn, tag_id="04A2B1") == ada
    assert find_athlete(conn, "ada lovelace") is None
    assert ada.created_at.endswith("+00:00")


def test_the_roster_lists_in_name_order_without_guests(conn):
    for name in ("bea", "Cy", "Al"):
        add_athlete(conn, name)
    add_guest(conn)
    assert [a.name for a in list_athletes(conn)] == ["Al", "bea", "Cy"]
    assert len(list_athletes(conn, guests=True)) == 4


def test_hostile_names_are_kept_cleaned(conn):
    names = ['=HYPERLINK("http://x")', "+1-2", "Zoë 🏋", "  spaced  ", "Robert'); DROP TABLE reps;--"]
    for name in names:
        add_athlete(conn, name)
    assert {a.name for a in list_athletes(conn)} == {'=HYPERLINK("http://x")', "+1-2", "Zoë 🏋",
                                                     "spaced", "Robert'); DROP TABLE reps;--"}
    assert conn.execute("SELECT count(*) FROM reps").fetchone() == (0,)


@pytest.mark.parametrize("kwargs, problem", [
    ({"name": "Ada"}, "already on the roster"),
    ({"name": "Bo", "tag_id": "T1"}, "Tag 'T1' already belongs to 'Ada'"),
    ({"name": "  "}, "name is empty"),
    ({"name": "Bo", "body_mass_kg": 7200.0}, "not plausible"),
])
def test_a_bad_new_athlete_is_a_sentence(conn, kwargs, problem):
    add_athlete(conn, "Ada", tag_id="T1")
    with pytest.raises(UserError, match=problem):
        add_athlete(conn, **kwargs)
    assert len(list_athletes(conn)) == 1


@pytest.fixture
def local_time_is_utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_guests_are_named_for_the_local_time_and_never_twice_the_same(conn, local_time_is_utc):
    first = add_guest(conn, wall_clock=lambda: NOON_UTC_S + 5 * 60)
    second = add_guest(conn, wall_clock=lambda: NOON_UTC_S + 5 * 60 + 20)
    assert (first.name, second.name) == ("Guest 12:05", "Guest 12:05 (2)")
    assert first.guest and second.guest
    assert list_athletes(conn) == []


def test_a_guest_renamed_joins_the_roster(conn):
    guest = add_guest(conn)
    renamed = rename_athlete(conn, guest.id, "Dee")
    assert (renamed.name, renamed.guest) == ("Dee", False)
    assert list_athletes(conn) == [renamed]
    add_athlete(conn, "Eve")
    with pytest.raises(UserError, match="already on the roster"):
        rename_athlete(conn, guest.id, "Eve")


def write(path, text, bom=False):
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_a_roster_file_imports_the_good_rows_and_names_the_bad_lines(conn, tmp_path):
    add_athlete(conn, "Ada", tag_id="T1")
    roster = write(tmp_path / "roster.csv", "name,body_mass_kg,tag_id\n"
                   "Bo,72.5,T2\n"            # 2: good
                   ",60,\n"                  # 3: no name
                   "Cy,abc,\n"               # 4: mass not a number
                   "Dee,,T1\n"               # 5: Ada's tag
                   "Ada,,\n"                 # 6: already on the roster
                   "\n"                      # 7: blank, skipped
                   "Eve,61,T2\n"             # 8: tag of line 2
                   "Fay,0.07,\n"             # 9: in tonnes?
                   "Gus,80\n"                # 10: a cell short
                   '"=HYPERLINK(""x"")",,\n')  # 11: good, stored exactly
    result = import_roster_csv(conn, roster)
    assert [(a.name, a.body_mass_kg, a.tag_id) for a in result.imported] == [
        ("Bo", 72.5, "T2"), ('=HYPERLINK("x")', None, None)]
    assert [p.split(":")[0] for p in result.problems] == [
        "line 3", "line 4", "line 5", "line 6", "line 8", "line 9", "line 10"]
    assert "tag 'T1' already belongs to 'Ada'" in result.problems[2]
    assert "already on the roster" in result.problems[3]
    assert len(list_athletes(conn)) == 3


def test_a_roster_from_a_semicolon_locale_with_a_bom_reads_the_same(conn, tmp_path):
    roster = write(tmp_path / "roster.csv", "name;body_mass_kg;tag_id\r\nBo;72,5;T2\r\nZoë;;\r\n", bom=True)
    result = import_roster_csv(conn, roster)
    assert result.problems == []
    assert [(a.name, a.body_mass_kg, a.tag_id) for a in list_athletes(conn)] == [
        ("Bo", 72.5, "T2"), ("Zoë", None, None)]


def test_a_roster_with_a_wrong_header_is_refused(conn, tmp_path):
    roster = write(tmp_path / "roster.csv", "full name,weight\nBo,72\n")
    with pytest.raises(UserError, match="line 1 should be the header name,body_mass_kg,tag_id"):
        import_roster_csv(conn, roster)


def test_a_roster_that_is_not_utf8_is_a_sentence(conn, tmp_path):
    (tmp_path / "roster.csv").write_bytes("name\nZoë\n".encode("cp1252"))
    with pytest.raises(UserError, match="not UTF-8"):
        import_roster_csv(conn, tmp_path / "roster.csv")


def test_the_athletes_command_adds_lists_and_imports(tmp_path):
    added = station("athletes", "--data-dir", tmp_path, "add", "Ada", "--mass", "58.5", "--tag", "T1")
    assert added.returncode == 0 and "Added Ada" in added.stdout
    again = station("athletes", "--data-dir", tmp_path, "add", "Ada")
    assert again.returncode == 2 and "already on the roster" in again.stderr
    roster = write(tmp_path / "roster.csv", "name,body_mass_kg,tag_id\nBo,,\nCy,x,\n")
    imported = station("athletes", "--data-dir", tmp_path, "import", roster)
    assert imported.returncode == 1
    assert "Imported 1 athletes; 1 rows left out" in imported.stdout
    assert f"{roster}: line 3: body_mass_kg 'x' is not a number" in imported.stderr
    listed = station("athletes", "--data-dir", tmp_path, "list")
    assert [line.split()[1] for line in listed.stdout.splitlines()[1:]] == ["Ada", "Bo"]
    assert "58.5 kg" in listed.stdout and "T1" in listed.stdout
