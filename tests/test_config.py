"""The config file: defaults, timing rules, and plain errors."""

import pytest

from station.analysis.rules import TimingRules
from station.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_timing_rules_come_from_the_timing_table(tmp_path):
    config = load_config(write(tmp_path, "[timing]\nmin_flight_s = 0.1\nstep_off_s = 2.0\n"))
    assert config.timing == TimingRules(min_flight_s=0.1, step_off_s=2.0)


def test_an_empty_file_gives_the_defaults(tmp_path):
    assert load_config(write(tmp_path, "")).timing == TimingRules()


@pytest.mark.parametrize("text, words", [
    ("[timing]\nmin_flight_s = -1\n", "[timing] min_flight_s"),
    ("[timing]\nbounce = 0.01\n", "unknown timing rule 'bounce'"),
    ("[timming]\n", "unknown section [timming]"),
    ("[timing\n", "not valid TOML"),
    ("[timing]\nstep_off_s = \"long\"\n", "step_off_s"),
])
def test_a_bad_config_names_the_problem(tmp_path, text, words):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    assert words in str(error.value)
    assert "\n" not in str(error.value)


def test_a_missing_config_file_says_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "nope.toml")
