"""`station config check` lists every problem; `station run` goes on with the
defaults over a broken config; the shipped config and the docs show every key
with its default."""

import re
import tomllib
from dataclasses import fields, replace
from pathlib import Path

from station.config import TABLES, Config, load_config_or_defaults, read_config
from station.log.storage import StorageConfig
from station_process import json_lines, station

PROJECT = Path(__file__).resolve().parent.parent
SEVERAL_PROBLEMS = """
[timing]
min_flight_s = -1
bounce_s = "soon"
[frontend]
rate_hz = 3000
[kiosk]
flash = "yes"
[lights]
colour = "red"
"""


def write(tmp_path, text):
    path = tmp_path / "station.toml"
    path.write_text(text)
    return path


def test_a_good_file_is_ok(tmp_path):
    path = write(tmp_path, '[sources]\nmat = "gpio"\nforce = "frontend"\n')
    result = station("config", "check", "--config", path)
    assert result.returncode == 0 and result.stdout == f"config OK: {path}\n"


def test_every_problem_is_listed_with_its_key_and_what_is_allowed(tmp_path):
    result = station("config", "check", "--config", write(tmp_path, SEVERAL_PROBLEMS))
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for words in (("[timing]", "min_flight_s", "from 0.01 to 1"), ("[timing]", "bounce_s", "soon"),
                  ("[frontend]", "rate_hz", "1000 or 2000"), ("[kiosk]", "flash", "true or false"),
                  ("unknown section [lights]", "known sections")):
        assert sum(all(word in line for word in words) for line in lines) == 1, words
    assert lines[-1].startswith("5 problems")


def test_a_problem_only_a_combination_of_keys_makes_is_still_reported(tmp_path):
    # Each value is fine alone; together a simulated mat cannot go with real load cells.
    config, problems = read_config(write(tmp_path, '[sources]\nmat = "simulated"\nforce = "frontend"\n'))
    assert len(problems) == 1 and "[sources]" in problems[0] and "simulated" in problems[0]
    assert config.sources == Config().sources


def test_a_missing_file_is_a_problem(tmp_path):
    result = station("config", "check", "--config", tmp_path / "nope.toml")
    assert result.returncode == 1 and "no such config file" in result.stdout


def test_a_file_that_is_not_toml_is_a_problem_naming_the_line(tmp_path):
    result = station("config", "check", "--config", write(tmp_path, "[timing]\nmin_flight_s = = 0.1\n"))
    assert result.returncode == 1 and "not valid TOML" in result.stdout and "line 2" in result.stdout


def test_the_good_tables_of_a_broken_config_are_kept(tmp_path):
    path = write(tmp_path, "[plate]\ndepth_m = 1.2\n[frontend]\nrate_hz = 3000\n")
    config, problem = load_config_or_defaults(path)
    assert config.plate.depth_m == 1.2 and config.frontend == Config().frontend
    assert "rate_hz" in problem and problem.endswith("Every other value of the file applies.")


def test_a_headless_run_with_a_broken_config_says_so_and_goes_on(tmp_path):
    path = write(tmp_path, SEVERAL_PROBLEMS)
    result = station("run", "--simulate", "--headless", "--speed", 50, "--duration", 30, "--config", path)
    assert result.returncode == 0, result.stderr
    warning = next(line for line in result.stderr.splitlines() if "unknown section [lights]" in line)
    assert "4 more: run `station config check`" in warning and "Every other value of the file applies" in warning
    events = json_lines(result.stdout)
    assert any(event["type"] == "rep" for event in events) and events[-1]["type"] == "summary"


def uncommented(text):
    """The shipped config with every commented-out key and table switched on."""
    return "\n".join(line[1:] if re.match(r"#[^\s#]", line) else line for line in text.splitlines())


def test_the_shipped_config_is_every_key_at_its_default_but_the_data_folder(tmp_path):
    shipped = PROJECT / "systemd/station.toml"
    config, problems = read_config(shipped)
    assert problems == [] and config.storage.data_dir == "/var/lib/jumpmat"
    every_key, problems = read_config(write(tmp_path, uncommented(shipped.read_text())))
    assert problems == []
    assert replace(every_key, path=None) == Config(storage=StorageConfig(data_dir="/var/lib/jumpmat"))
    table = tomllib.loads(uncommented(shipped.read_text()))
    for section in fields(Config):
        if section.name != "path":
            assert set(table[section.name]) == {key.name for key in fields(getattr(Config(), section.name))}


def documented_defaults():
    """{table: {key: default as written}} from docs/configuration.md's tables."""
    tables, current = {}, None
    for line in (PROJECT / "docs/configuration.md").read_text().splitlines():
        heading = re.match(r"## `\[(\w+)\]`", line)
        if heading:
            current = tables.setdefault(heading.group(1), {})
        row = re.match(r"\| `(\w+)` \| `([^`]*)` \|", line)
        if row and current is not None:
            current[row.group(1)] = row.group(2)
    return tables


def test_the_docs_give_every_key_with_its_default():
    documented = documented_defaults()
    for section in fields(Config):
        if section.name == "path":
            continue
        defaults = getattr(Config(), section.name)
        for key in fields(defaults):
            written = documented.get(section.name, {}).get(key.name)
            assert written is not None, f"[{section.name}] {key.name} is not in docs/configuration.md"
            # Read as the config file's value would be: the table's default comes back.
            value = tomllib.loads(f"v = {written}")["v"]
            assert TABLES[section.name]({key.name: value}) == defaults, (section.name, key.name, written)


def test_keys_that_are_only_right_together_are_not_reported_beside_a_broken_one(tmp_path):
    # max_jump_flight_s = 2.0 is too long next to the default step_off_s, fine next to 3.0.
    path = write(tmp_path, '[timing]\nstep_off_s = 3.0\nmax_jump_flight_s = 2.0\nbounce_s = "x"\n')
    config, problems = read_config(path)
    assert len(problems) == 1 and "bounce_s" in problems[0]
