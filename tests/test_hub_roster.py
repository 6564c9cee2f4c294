"""The class roster at the hub (station/hub/web/roster.py): names cleaned and
tags normalised as the coach types them, a tag never shared, a station's
change (a tag given on its kiosk) kept in the class roster, and the names a
station sends cleaned at the door. A real hub.db on disk."""

import json

import pytest

from station.errors import UserError
from station.hub.db import open_hub_db
from station.hub.validate import Message, Refused, check
from station.hub.web import roster
from station.hub.web.roster import class_roster
from web_data import HubFiller

#: A NUL byte, a right-to-left override, and 106 characters: what each becomes.
HOSTILE_NAMES = {"Ann\x00Berg": "AnnBerg", "Ann\u202eBerg": "AnnBerg", "A" * 106: "A" * 60}


@pytest.fixture
def hub_dir(tmp_path):
    return tmp_path / "hub"


@pytest.fixture
def conn(hub_dir):
    conn = open_hub_db(hub_dir)
    yield conn
    conn.close()


def entry(name, mass=None, tag=None):
    return {"name": name, "body_mass_kg": mass, "tag_id": tag}


def test_a_tag_typed_on_the_console_is_kept_normalised(conn):
    roster.add(conn, "gym", " Ann   Berg ", None, " 00a2:b1 ")
    assert class_roster(conn) == [entry("Ann Berg", tag="A2B1")]


def test_a_tag_another_athlete_has_is_refused_however_it_is_written(conn):
    roster.add(conn, "gym", "Ann", None, "04A2B1")
    with pytest.raises(UserError, match="Tag '4A2B1' already belongs to 'Ann'"):
        roster.add(conn, "gym", "Bob", None, "4a2b1")
    roster.add(conn, "gym", "Bob", None, None)
    with pytest.raises(UserError, match="Tag '4A2B1' already belongs to 'Ann'"):
        roster.edit(conn, "gym", "Bob", "Bob", None, "0004a2b1")
    assert class_roster(conn) == [entry("Ann", tag="4A2B1"), entry("Bob")]


@pytest.mark.parametrize("typed, kept", HOSTILE_NAMES.items())
def test_names_typed_on_the_console_are_cleaned(conn, typed, kept):
    roster.add(conn, "gym", typed, None, None)
    roster.edit(conn, "gym", kept, typed + " II", None, None)
    assert [a["name"] for a in class_roster(conn)] == [(kept + " II")[:60]]


def test_a_name_with_nothing_left_once_cleaned_is_refused_in_a_sentence(conn):
    with pytest.raises(UserError, match="^The name has no letters or digits once control "
                                        "characters and spaces are removed; type the athlete's name.$"):
        roster.add(conn, "gym", "\x00\u202e \t", None, None)
    roster.add(conn, "gym", "Ann", None, None)
    with pytest.raises(UserError, match="^The name has no letters"):
        roster.edit(conn, "gym", "Ann", "\u200b", None, None)
    assert class_roster(conn) == [entry("Ann")]


def test_a_tag_given_at_a_station_replaces_the_coaches_and_leaves_its_old_owner(conn, hub_dir):
    roster.add(conn, "gym", "Ann", 61.0, None)
    roster.add(conn, "gym", "Bob", None, "C0FFEE")
    mat = HubFiller(hub_dir, "mat-1")
    mat.athlete("Ann", body_mass_kg=61.0, tag_id="00c0ffee")
    mat.close()
    assert class_roster(conn) == [entry("Ann", 61.0, "C0FFEE"), entry("Bob")]


def test_a_station_that_says_nothing_new_about_a_name_changes_nothing(conn, hub_dir):
    roster.add(conn, "gym", "Ann", 61.0, "C0FFEE")
    mat = HubFiller(hub_dir, "mat-2")
    mat.athlete("Ann")              # it had Ann before the hub's roster came: no mass, no tag
    mat.athlete("Ann", body_mass_kg=62.5)
    mat.close()
    assert class_roster(conn) == [entry("Ann", 62.5, "C0FFEE")]


def test_an_older_entry_arriving_late_does_not_undo_a_newer_one(conn, hub_dir):
    mat = HubFiller(hub_dir, "mat-1")
    mat.seq = 10
    mat.athlete("Ann", tag_id="C0FFEE")
    mat.seq = 3                      # a replay of what it said before, arriving after
    mat.athlete("Ann", tag_id="BEEF")
    mat.close()
    assert class_roster(conn) == [entry("Ann", tag="C0FFEE")]


def test_a_guest_at_a_station_is_not_on_the_class_roster(conn, hub_dir):
    mat = HubFiller(hub_dir, "mat-1")
    mat.athlete("Guest 14:05", tag_id="C0FFEE", guest=True)
    mat.close()
    assert class_roster(conn) == []


def test_tags_written_two_ways_by_stations_are_given_once(conn, hub_dir):
    for station, name in (("mat-1", "Ann"), ("mat-2", "Bob")):
        conn.execute("INSERT INTO athletes (site, station, name, tag_id, guest, erased, seq) "
                     "VALUES ('gym', ?, ?, ?, 0, 0, 1)", (station, name, "04a2b1" if name == "Ann" else "4A2B1"))
    tags = [a["tag_id"] for a in class_roster(conn)]
    assert sorted(tags, key=str) == ["4A2B1", None]


def _log(kind, body, seq=1):
    payload = {"v": 1, "station": "mat-1", "seq": seq, "kind": kind, "at": None, "body": body}
    return check("jumpmat/v1/gym/station/mat-1/log", json.dumps(payload).encode())


@pytest.mark.parametrize("sent, kept", HOSTILE_NAMES.items())
def test_names_a_station_sends_are_cleaned_at_the_door(sent, kept):
    athlete = _log("athlete", {"name": sent, "body_mass_kg": None, "tag_id": None, "guest": False,
                               "erased": False})
    assert isinstance(athlete, Message) and athlete.payload["body"]["name"] == kept
    rep = _log("set", {"session": "s-1", "set_index": 0, "athlete": sent, "started_at": None,
                       "start_s": 1.0, "end_s": None, "ended_by": None, "reps": None,
                       "valid_reps": None, "body_weight_n": None})
    assert rep.payload["body"]["athlete"] == kept
    status = check("jumpmat/v1/gym/station/mat-1/status", json.dumps(
        {"v": 1, "station": "mat-1", "state": "online", "athlete": sent}).encode())
    assert status.payload["athlete"] == kept


def test_an_athlete_entry_whose_name_cleans_to_nothing_is_refused():
    refused = _log("athlete", {"name": "\x00\u202e", "body_mass_kg": None, "tag_id": None,
                               "guest": False, "erased": False})
    assert isinstance(refused, Refused) and refused.reason == "the athlete entry's name is empty once cleaned"
    unnamed = _log("set", {"session": "s-1", "set_index": 0, "athlete": "\u202e", "started_at": None,
                           "start_s": 1.0, "end_s": None, "ended_by": None, "reps": None,
                           "valid_reps": None, "body_weight_n": None})
    assert unnamed.payload["body"]["athlete"] is None
