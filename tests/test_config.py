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


def test_hardware_sections_are_read(tmp_path):
    config = load_config(write(tmp_path, """
[sources]
mat = "gpio"
force = "frontend:/dev/jumpmat-frontend"
[mat]
pins = {mat = 4}
[frontend]
rate_hz = 2000
[plate]
depth_m = 1.2
"""))
    assert (config.sources.mat_kind, config.sources.force_kind) == ("gpio", "frontend")
    assert config.sources.port_of(config.sources.force) == "/dev/jumpmat-frontend"
    assert config.mat.zones == ("mat",)
    assert (config.frontend.rate_hz, config.plate.depth_m) == (2000, 1.2)


@pytest.mark.parametrize("text, words", [
    ('[sources]\nmat = "laser"\n', "mat must be one of"),
    ('[sources]\nmat = "simulated"\nforce = "frontend"\n', "simulated source"),
    ('[mat]\npins = {left = 4}\n', "pins must name the zones"),
    ('[mat]\npins = {mat = 40}\n', "pins.mat"),
    ('[frontend]\nrate_hz = 500\n', "rate_hz must be 1000 or 2000"),
    ('[frontend]\nbaud = 9600\n', "[frontend] unknown key 'baud'"),
    ('[plate]\ndepth_m = "big"\n', "depth_m"),
])
def test_a_bad_hardware_section_names_the_key(tmp_path, text, words):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    assert words in str(error.value)
