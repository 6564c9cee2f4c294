"""Names cleaned at the door: one rule for the CLI, a roster import, a guest
and every name read back from an older log."""

import sqlite3
import unicodedata

from hypothesis import given, strategies as st

from station.log.athletes import add_athlete, import_roster_csv, list_athletes
from station.log.db import open_log, transaction
from station.log.names import MAX_NAME_CHARS, clean_name
from station_process import station


def test_control_characters_and_bidi_overrides_go_and_whitespace_collapses():
    assert clean_name("  Ada\u202e  Love\x00lace\t\n") == "Ada Lovelace"
    assert clean_name("\u2066Bo\u2069 \u200bJansen") == "Bo Jansen"
    assert clean_name("Zoë 🏋 名前") == "Zoë 🏋 名前"
    assert clean_name("Zoe\u0308") == "Zoë"  # one form of each letter
    assert clean_name("\x00\u202e \t") == ""


def test_a_long_name_is_cut_to_sixty_characters():
    assert clean_name("x" * 10_000) == "x" * MAX_NAME_CHARS
    assert clean_name("a" * 59 + " b") == "a" * 59


@given(st.text())
def test_any_text_cleans_to_a_short_visible_name(text):
    name = clean_name(text)
    assert len(name) <= MAX_NAME_CHARS
    assert name == name.strip() and "  " not in name
    assert not any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Cn"} for c in name)
    assert clean_name(name) == name


def test_the_athletes_command_cleans_a_name_and_refuses_an_empty_one(tmp_path):
    added = station("athletes", "--data-dir", tmp_path, "add", "Ada\x01 \u202eLovelace")
    assert added.returncode == 0, added.stderr
    refused = station("athletes", "--data-dir", tmp_path, "add", "\u202e\u200b")
    assert refused.returncode != 0 and "name is empty" in refused.stderr
    assert "Traceback" not in refused.stderr
    conn = sqlite3.connect(tmp_path / "station.db")
    assert conn.execute("SELECT name FROM athletes").fetchall() == [("Ada Lovelace",)]
    conn.close()


def test_a_roster_import_cleans_names_and_names_the_line_of_an_empty_one(tmp_path):
    conn = open_log(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,body_mass_kg\nBo\u202e Jansen,70\n\u200b\u2066,60\n" + "Y" * 500 + ",\n",
                      encoding="utf-8")
    result = import_roster_csv(conn, roster)
    assert [a.name for a in list_athletes(conn)] == ["Bo Jansen", "Y" * MAX_NAME_CHARS]
    assert any(p.startswith("line 3") and "name is empty" in p for p in result.problems)


def test_a_name_already_in_a_log_is_shown_clean(tmp_path):
    conn = open_log(tmp_path)
    with transaction(conn):
        conn.execute("INSERT INTO athletes (name, guest, created_at) VALUES (?, 0, 'x')",
                     ("Old\x00 \u202eName" + "z" * 100,))
    [athlete] = list_athletes(conn)
    assert athlete.name == clean_name("Old\x00 \u202eName" + "z" * 100) == ("Old Name" + "z" * 100)[:60]


def test_add_athlete_keeps_the_clean_name(tmp_path):
    conn = open_log(tmp_path)
    assert add_athlete(conn, " Cy\tDee ").name == "Cy Dee"
