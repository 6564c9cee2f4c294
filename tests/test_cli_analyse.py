"""`station analyse` as a user meets it: tables, JSON lines, plain errors."""

from pathlib import Path

import pytest

from station_process import json_lines, station

DATA = Path(__file__).parent / "data"

TWO_REPS = """# jumpmat-recording 1
# note: two backward jumps on a two-zone mat, edges only
time_s,mat_front,mat_back
0.000,1,0
1.000,0,0
1.300,0,1
1.500,0,0
1.850,1,0
2.500,0,0
2.800,0,1
3.000,0,0
3.350,1,0
5.000,1,0
"""


@pytest.fixture
def two_reps(tmp_path):
    path = tmp_path / "two-reps.csv"
    path.write_text(TWO_REPS, encoding="utf-8")
    return path


def test_json_output_is_one_object_per_line_ending_with_the_summary(two_reps):
    result = station("analyse", two_reps, "--json")
    assert result.returncode == 0, result.stderr
    events = json_lines(result.stdout)
    assert [e["type"] for e in events].count("rep") == 2
    assert events[-1] == {"type": "summary", "reps": 2, "valid_reps": 2, "flights": 4,
                          "duration_s": 5.0, "body_weight_n": None}


def test_json_rep_lines_have_the_documented_fields(two_reps):
    rep = next(e for e in json_lines(station("analyse", two_reps, "--json").stdout)
               if e["type"] == "rep")
    assert rep == {"type": "rep", "index": 1, "set": 1, "back_flight": 1, "rebound_contact": 2,
                   "forward_flight": 2, "back_flight_s": 0.3, "rebound_contact_s": 0.2,
                   "forward_flight_s": 0.35, "valid": True, "reason": None, "fatigue": False}


def test_the_text_output_is_a_table_of_reps_and_a_total(two_reps):
    result = station("analyse", two_reps)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "back flight" in lines[0] and "rebound" in lines[0]
    assert "300 ms" in lines[1] and "200 ms" in lines[1] and "350 ms" in lines[1]
    assert lines[-1] == "Total: 2 valid of 2 reps, 4 flights in 5.0 s"


def test_the_phases_option_lists_every_contact_and_flight(two_reps):
    lines = station("analyse", two_reps, "--phases").stdout.splitlines()
    assert sum(line.lstrip().startswith("flight") for line in lines) == 4
    assert sum(line.lstrip().startswith("contact") for line in lines) == 5


def test_timing_rules_come_from_the_config_file(two_reps, tmp_path):
    config = tmp_path / "station.toml"
    config.write_text("[timing]\nmax_rebound_contact_s = 0.15\n")
    events = json_lines(station("analyse", two_reps, "--json", "--config", config).stdout)
    assert events[-1]["valid_reps"] == 0


@pytest.mark.parametrize("text, words", [
    ("time_s,fz,mat\n0,1,0\n0.1,abc,0\n", "line 3"),
    ("t,mat\n0,1\n", "time_s"),
    ("time_s,mat\n0,1\n1,0\n0.5,1\n", "line 4"),
])
def test_a_bad_recording_is_one_line_exit_2_no_traceback(tmp_path, text, words):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    result = station("analyse", path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_missing_file_is_a_plain_error(tmp_path):
    result = station("analyse", tmp_path / "nowhere.csv")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_bad_config_is_a_plain_error(two_reps, tmp_path):
    config = tmp_path / "station.toml"
    config.write_text("[timing]\nstep_off_s = 0\n")
    result = station("analyse", two_reps, "--config", config)
    assert result.returncode == 2
    assert "step_off_s" in result.stderr and "Traceback" not in result.stderr


def test_a_force_only_recording_is_analysed_from_force():
    result = station("analyse", DATA / "recordings" / "gidiel-cmj.csv", "--json")
    assert result.returncode == 0, result.stderr
    flights = [e for e in json_lines(result.stdout) if e["type"] == "flight"]
    assert len(flights) == 1


def test_a_recording_cut_mid_line_is_analysed_up_to_the_cut_with_one_warning(tmp_path):
    whole = Path(__file__).parent / "data" / "recordings" / "gidiel-cmj.csv"
    text = whole.read_text(encoding="utf-8")
    lines = text.split("\n")
    last = len(lines) - (lines[-1] == "")  # the 1-based number of the last line
    good = tmp_path / "good.csv"
    good.write_text("\n".join(lines[:last - 1]) + "\n", encoding="utf-8")
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(lines[:last - 1]) + "\n" + lines[last - 1][:3], encoding="utf-8")
    analysed = station("analyse", cut, "--json")
    expected = station("analyse", good, "--json")
    assert analysed.returncode == 0, analysed.stderr
    assert json_lines(analysed.stdout) == json_lines(expected.stdout)
    warnings = [line for line in analysed.stderr.splitlines() if "cut short" in line]
    assert len(warnings) == 1 and f"line {last} was cut short" in warnings[0]
    assert f"reading up to line {last - 1}" in warnings[0]


def test_a_last_line_without_a_line_end_that_still_reads_is_read_with_a_warning(tmp_path):
    whole = Path(__file__).parent / "data" / "recordings" / "gidiel-cmj.csv"
    lines = whole.read_text(encoding="utf-8").rstrip("\n").split("\n")
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:-1], encoding="utf-8")  # one digit short
    analysed = station("analyse", cut, "--json")
    assert analysed.returncode == 0, analysed.stderr
    [warning] = [line for line in analysed.stderr.splitlines() if "no line end" in line]
    assert f"line {len(lines)}, the last, has no line end, so it may have been cut short" in warning
    whole_file = station("analyse", whole, "--json")
    assert "no line end" not in whole_file.stderr


def test_a_bad_last_line_that_ends_with_a_line_end_is_still_refused(tmp_path):
    whole = Path(__file__).parent / "data" / "recordings" / "gidiel-cmj.csv"
    bad = tmp_path / "bad.csv"
    bad.write_text(whole.read_text(encoding="utf-8").rstrip("\n") + "\nnot,a,row\n", encoding="utf-8")
    result = station("analyse", bad, "--json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
