"""Names cleaned at the door: one rule for the CLI, a roster import, a guest
and every name read back from an older log (shown by `station sessions`, the
kiosk's history, and sent to the hub)."""

import random
import sqlite3
import unicodedata

import pytest
from hypothesis import given, strategies as st

from log_rows import T0, add_athlete as add_row, add_session, add_set, new_log
from station.log.athlete_history import load_history
from station.log.athletes import add_athlete, import_roster_csv, list_athletes
from station.log.db import open_log, transaction
from station.log.hub_roster import erase_athlete
from station.log.names import MAX_NAME_CHARS, clean_name
from station.log.outbox import rep_body, set_body
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


#: Names an older log may hold: a NUL byte, a right-to-left override, 106 characters.
OLD_NAMES = {"Ann\x00Berg": "AnnBerg", "Bo\u202eJansen": "BoJansen", "C" * 106: "C" * MAX_NAME_CHARS}


@pytest.fixture
def old_log(tmp_path):
    """A log written before names were cleaned: a set and a rep under each old name."""
    conn = new_log(tmp_path / "station.db")
    session_id = add_session(conn, T0, T0)
    ids = {}
    for index, name in enumerate(OLD_NAMES):
        ids[name] = add_row(conn, name)
        add_set(conn, session_id, ids[name], index, T0, 1, random.Random(index))
    conn.commit()
    conn.close()
    conn = open_log(tmp_path)
    yield conn, ids
    conn.close()


def test_station_sessions_shows_old_names_clean(old_log, tmp_path):
    shown = station("sessions", "--data-dir", tmp_path).stdout
    for old, clean in OLD_NAMES.items():
        assert clean in shown
    assert "\x00" not in shown and "\u202e" not in shown and "C" * (MAX_NAME_CHARS + 1) not in shown


def test_the_kiosk_history_titles_an_old_name_clean(old_log):
    conn, ids = old_log
    assert [load_history(conn, ids[old]).name for old in OLD_NAMES] == list(OLD_NAMES.values())


def test_the_set_and_rep_bodies_for_the_hub_carry_old_names_clean(old_log):
    conn, ids = old_log
    set_names = [set_body(conn, set_id)["athlete"] for (set_id,) in conn.execute("SELECT id FROM sets ORDER BY id")]
    rep_names = [rep_body(conn, rep_id)["athlete"] for (rep_id,) in conn.execute("SELECT id FROM reps ORDER BY id")]
    assert set_names == rep_names == list(OLD_NAMES.values())


def test_the_hubs_erasure_of_a_clean_name_finds_the_old_one(old_log):
    conn, ids = old_log
    assert erase_athlete(conn, "BoJansen") == [ids["Bo\u202eJansen"]]
    assert [a.name for a in list_athletes(conn)] == ["AnnBerg", "C" * MAX_NAME_CHARS]
