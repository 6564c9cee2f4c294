"""Challenge files: the presets, and broken or hostile files from a USB stick."""

import pytest

from station.challenge.definition import (MAX_INTERVALS, REST, WORK, load_challenge,
                                          preset_names, read_challenge)
from station.errors import UserError

GOOD = 'name = "mine"\ntitle = "Mine"\nwork_s = 30\n'


def write(tmp_path, text, name="mine.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def kinds_and_durations(plan):
    return [(interval.kind, interval.duration_s) for interval, _ in plan]


def test_the_presets_are_tabata_amrap_emom_ladder_and_relay():
    assert preset_names() == ["amrap-60", "emom-10", "ladder", "relay", "tabata"]


def test_tabata_is_eight_rounds_of_20_s_work_and_10_s_rest_without_a_rest_at_the_end():
    plan = load_challenge("tabata").plan(1)
    assert kinds_and_durations(plan) == [(WORK, 20.0), (REST, 10.0)] * 7 + [(WORK, 20.0)]
    assert all(athlete == 0 for interval, athlete in plan if interval.kind == WORK)


def test_amrap_60_is_one_minute_of_work_scored_by_quality_reps():
    challenge = load_challenge("amrap-60")
    assert kinds_and_durations(challenge.plan(1)) == [(WORK, 60.0)]
    assert challenge.score == "quality_reps"


def test_emom_10_is_ten_minutes_of_ten_rep_targets_with_no_rest_intervals():
    plan = load_challenge("emom-10").plan(1)
    assert kinds_and_durations(plan) == [(WORK, 60.0)] * 10
    assert {interval.target_reps for interval, _ in plan} == {10}


def test_the_ladder_goes_up_and_down_with_rests_between():
    plan = load_challenge("ladder").plan(1)
    work = [interval.duration_s for interval, _ in plan if interval.kind == WORK]
    assert work == [20.0, 30.0, 40.0, 30.0, 20.0]
    assert [interval.kind for interval, _ in plan] == [WORK, REST] * 4 + [WORK]


def test_a_relay_rotates_the_class_through_the_mat_in_roster_order():
    plan = load_challenge("relay").plan(6)
    athletes = [athlete for interval, athlete in plan if interval.kind == WORK]
    assert athletes == [0, 1, 2, 3, 4, 5] * 2
    assert kinds_and_durations(plan) == [(WORK, 30.0), (REST, 15.0)] * 11 + [(WORK, 30.0)]


def test_a_relay_too_big_for_the_interval_cap_is_refused_with_what_to_do():
    relay = load_challenge("relay")  # 2 rotations of work and rest
    with pytest.raises(UserError, match="would have 203 intervals, more than 200; use fewer athletes or rounds"):
        relay.plan(51)
    assert len(relay.plan(50)) == MAX_INTERVALS - 1


def test_a_file_by_path_loads_with_the_defaults(tmp_path):
    challenge = load_challenge(str(write(tmp_path, GOOD)))
    assert (challenge.name, challenge.athletes, challenge.score, challenge.description) == \
        ("mine", "one", "valid_reps", "")
    assert kinds_and_durations(challenge.plan(1)) == [(WORK, 30.0)]


def test_an_unknown_name_lists_the_presets():
    with pytest.raises(UserError, match="no challenge called 'tabbata'; use one of amrap-60, "
                                        "emom-10, ladder, relay, tabata"):
        load_challenge("tabbata")


@pytest.mark.parametrize("text, says", [
    ('title = "x"\nwork_s = 20\n', "name is missing"),
    ('name = "Has Spaces"\ntitle = "x"\nwork_s = 20\n', "name must be 1-40 lower-case"),
    ('name = "a"\ntitle = "x"\n', "work_s is missing"),
    ('name = "a"\ntitle = "x"\nwork_s = 0.5\n', "work_s must be a number from 1 to 3600, not 0.5"),
    ('name = "a"\ntitle = "x"\nwork_s = 3601\n', "work_s must be a number from 1 to 3600"),
    ('name = "a"\ntitle = "x"\nwork_s = "20"\n', "work_s must be a number"),
    ('name = "a"\ntitle = "x"\nwork_s = true\n', "work_s must be a number"),
    ('name = "a"\ntitle = "x"\nwork_s = nan\n', "work_s must be a number"),
    ('name = "a"\ntitle = "x"\nwork_s = 20\nrest_s = 0.5\n', "rest_s must be 0 \\(no rest\\)"),
    ('name = "a"\ntitle = "x"\nwork_s = 20\nrounds = 2.5\n', "rounds must be a whole number"),
    ('name = "a"\ntitle = "x"\nwork_s = 20\nrounds = 1000000\n', "rounds must be a whole number"),
    ('name = "a"\ntitle = "x"\nwork_s = 20\nrest_s = 5\nrounds = 150\n', "at most 100 rounds"),
    ('name = "a"\ntitle = "x"\nwork_s = 20\ntarget_reps = 0\n', "target_reps must be a whole"),
    ('name = "a"\ntitle = "x"\nwork_s = 20\nathletes = "two"\n',
     "athletes must be one of 'one', 'relay', not 'two'"),
    ('name = "a"\ntitle = "x"\nwork_s = 20\nscore = "fun"\n', "score must be one of"),
    ('name = "a"\ntitle = "x"\nwork_s = 20\nwork = 3\n', "work is not a challenge key"),
    ('name = "a"\ntitle = "x"\nwork_s = 20\n[[intervals]]\nkind = "work"\nduration_s = 5\n',
     "intervals cannot be given with work_s"),
    ('name = "a"\ntitle = "x"\nathletes = "relay"\n[[intervals]]\nkind = "work"\n'
     'duration_s = 5\n', "intervals is for one-athlete challenges"),
    ('name = "a"\ntitle = "x"\n[[intervals]]\nkind = "rest"\nduration_s = 5\n',
     "intervals needs at least one work interval"),
    ('name = "a"\ntitle = "x"\n[[intervals]]\nkind = "jog"\nduration_s = 5\n',
     "intervals\\[1\\].kind must be one of"),
    ('name = "a"\ntitle = "x"\n[[intervals]]\nkind = "rest"\nduration_s = 5\ntarget_reps = 3\n',
     "intervals\\[1\\].target_reps is only for work intervals"),
    ('name = "a"\ntitle = "x"\n[[intervals]]\nkind = "work"\n', "intervals\\[1\\].duration_s is missing"),
    ('name = "a"\ntitle = "x"\nintervals = 3\n', "intervals must be a list of"),
    ('name = "a"\ntitle = "' + "x" * 61 + '"\nwork_s = 20\n', "title is longer than 60"),
    ('name = "a"\ntitle = 5\nwork_s = 20\n', "title must be a text in quotes"),
    ('name = "a"\ntitle = "x"\nwork_s = [20]\n', "work_s must be a number"),
])
def test_a_broken_file_is_one_sentence_naming_the_file_and_the_key(tmp_path, text, says):
    path = write(tmp_path, text)
    with pytest.raises(UserError, match=says) as caught:
        read_challenge(path)
    assert str(caught.value).startswith(f"In the challenge file {path}, ")


def test_too_many_explicit_intervals_are_refused(tmp_path):
    text = 'name = "a"\ntitle = "x"\n' + '[[intervals]]\nkind = "work"\nduration_s = 1\n' * 201
    with pytest.raises(UserError, match="intervals has 201 intervals; at most 200"):
        read_challenge(write(tmp_path, text))


def test_a_file_that_is_not_toml_says_so(tmp_path):
    with pytest.raises(UserError, match="is not valid TOML .*; fix it or use a preset"):
        read_challenge(write(tmp_path, "name = [unclosed\n"))


def test_binary_junk_says_it_is_not_toml(tmp_path):
    path = tmp_path / "junk.toml"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UserError, match="is not valid TOML"):
        read_challenge(path)


def test_thousands_of_nested_brackets_are_refused_in_one_sentence(tmp_path):
    with pytest.raises(UserError, match="nests too deeply to be a challenge"):
        read_challenge(write(tmp_path, "name = " + "[" * 20_000))


def test_a_strange_key_is_quoted_short_and_on_one_line(tmp_path):
    key = '"' + "line\\nbreak" * 20 + '"'
    with pytest.raises(UserError) as caught:
        read_challenge(write(tmp_path, GOOD + key + " = 1\n"))
    assert "\n" not in str(caught.value) and "is not a challenge key" in str(caught.value)
    assert len(str(caught.value)) < 300


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path):
    path = write(tmp_path, GOOD + "# padding\n" * 10_000)
    with pytest.raises(UserError, match="larger than 64 KiB"):
        read_challenge(path)


def test_a_missing_file_says_to_check_the_name(tmp_path):
    with pytest.raises(UserError, match="Cannot read the challenge file .*gone.toml"):
        load_challenge(str(tmp_path / "gone.toml"))


def test_a_folder_is_not_a_challenge_file(tmp_path):
    with pytest.raises(UserError, match="Cannot read the challenge file"):
        read_challenge(tmp_path)


def test_the_definition_as_json_keeps_the_whole_plan():
    relay = load_challenge("relay").to_json()
    assert relay["athletes"] == "relay" and relay["rounds"] == 2
    assert relay["intervals"] == [{"kind": "work", "duration_s": 30.0, "target_reps": None},
                                  {"kind": "rest", "duration_s": 15.0, "target_reps": None}]
