"""The config file: defaults, timing rules, and plain errors."""

import pytest

from station.analysis.pipeline import Pipeline
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


def test_a_landing_window_reaching_the_next_landing_is_a_problem_and_falls_back(tmp_path):
    from station.config import read_config
    path = write(tmp_path, "[timing]\nmin_contact_s = 0.04\nmin_flight_s = 0.06\n[force]\nlanding_window_s = 0.1\n")
    config, problems = read_config(path)
    assert problems == [f"{path}: [force] landing_window_s must be shorter than min_contact_s + "
                        "min_flight_s (0.1 s), or a landing's window could reach the next landing; it is 0.1."]
    assert config.force.landing_window_s == 0.12
    Pipeline(config.timing, config.force)  # whatever falls back, the station can run on it


def test_a_landing_window_too_long_for_the_timing_falls_back_alone(tmp_path):
    from station.config import read_config
    path = write(tmp_path, "[timing]\nmin_flight_s = 0.1\n[force]\nlanding_window_s = 0.16\n")
    config, problems = read_config(path)
    assert len(problems) == 1 and "landing_window_s must be shorter" in problems[0]
    assert (config.force.landing_window_s, config.timing.min_flight_s) == (0.12, 0.1)


def test_a_button_on_a_mat_pin_is_a_problem_and_the_buttons_are_turned_off(tmp_path):
    from station.config import read_config
    path = write(tmp_path, '[sources]\nmat = "gpio"\nforce = "none"\n[mat]\npins = {front = 17, back = 27}\n'
                           "[kiosk]\nnext_pin = 27\nflash = true\n")
    config, problems = read_config(path)
    assert problems == [f"{path}: [kiosk] next_pin is 27, which [mat] pins.back uses already; "
                        "give each button its own pin, or -1 for none."]
    assert (config.kiosk.select_pin, config.kiosk.next_pin, config.kiosk.back_pin) == (-1, -1, -1)
    assert config.kiosk.flash is True


def test_button_pins_only_clash_with_a_mat_on_gpio(tmp_path):
    from station.config import read_config
    path = write(tmp_path, '[sources]\nmat = "simulated"\n[mat]\npins = {mat = 5}\n')
    assert read_config(path)[1] == []
