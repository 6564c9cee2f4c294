"""Who takes part: --class names, and the default roster."""

import pytest

from station.challenge.definition import load_challenge
from station.challenge.roster import class_roster, parse_class
from station.errors import UserError


def test_class_names_keep_roster_order_without_spaces_around_them():
    assert parse_class(" Ann, Bob ,Cy ") == ["Ann", "Bob", "Cy"]


def test_a_relay_without_a_class_has_six_numbered_athletes():
    assert class_roster(load_challenge("relay"), None) == [f"Athlete {n}" for n in range(1, 7)]


def test_a_one_athlete_challenge_takes_one_name_or_none():
    tabata = load_challenge("tabata")
    assert class_roster(tabata, ["Ann"]) == ["Ann"]
    assert class_roster(tabata, None) == ["Athlete"]
    with pytest.raises(UserError, match="tabata is for one athlete; give one name"):
        class_roster(tabata, ["Ann", "Bob"])


@pytest.mark.parametrize("text, says", [
    ("Ann,,Bob", "--class has an empty name"),
    ("", "--class has an empty name"),
    ("Ann,Bob,Ann", "Ann is in --class twice"),
    (",".join(f"A{n}" for n in range(31)), "--class has 31 names; at most 30"),
    ("Ann," + "x" * 41, "is too long; at most 40 characters"),
])
def test_a_bad_class_is_one_sentence_saying_what_to_do(text, says):
    with pytest.raises(UserError, match=says):
        parse_class(text)
