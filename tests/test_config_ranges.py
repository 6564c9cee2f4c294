"""Every numeric config key has a range; anything unreadable is one sentence;
a bad key falls back to its own default while the rest of the file applies."""

import math
from dataclasses import fields

from hypothesis import given, settings, strategies as st

from station.config import TABLES, Config, ConfigError, load_config, read_config
from station.config_ranges import RANGES
from station_process import station


def write(tmp_path, text, name="station.toml"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_every_numeric_key_has_a_range_that_holds_its_default():
    defaults = Config()
    for table in TABLES:
        section = getattr(defaults, table)
        for field in fields(section):
            value = getattr(section, field.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                    (table, field.name) != ("frontend", "rate_hz"):  # two values, its own check
                limits = RANGES[(table, field.name)]
                assert limits.low <= value <= limits.high and limits.why, (table, field.name)


def test_an_absurd_value_is_refused_and_its_key_alone_takes_its_default(tmp_path):
    path = write(tmp_path, "[storage]\nmin_free_mb = 1e12\n[force]\nweigh_in_s = 1e9\nhard_min_bw = 5.0\n")
    config, problems = read_config(path)
    assert config.storage.min_free_mb == 500 and config.force.weigh_in_s == 1.0
    assert config.force.hard_min_bw == 5.0  # the rest of the file applies
    assert any("[storage] min_free_mb must be from 0 to 100000" in p and "using its default" in p
               for p in problems)
    assert any("[force] weigh_in_s" in p for p in problems)


def test_non_finite_numbers_are_refused(tmp_path):
    for value in ("inf", "-inf", "nan", "1e308"):
        config, problems = read_config(write(tmp_path, f"[plate]\nwidth_m = {value}\n"))
        assert config.plate.width_m == 0.6 and problems and "[plate] width_m" in problems[0], value


def test_unreadable_files_are_one_sentence_never_a_traceback(tmp_path):
    cases = {"digits": "[storage]\nmin_free_mb = " + "9" * 5000 + "\n",
             "nesting": "[export]\nx = " + "[" * 5000 + "]" * 5000 + "\n",
             "utf8": b"[kiosk]\n\xff\xfe = 1\n"}
    for name, text in cases.items():
        path = write(tmp_path, text, f"{name}.toml")
        config, problems = read_config(path)
        assert len(problems) == 1 and str(path) in problems[0], name
        for command in (("config", "check", "--config", path),
                        ("run", "--headless", "--simulate", "--duration", "1", "--config", path,
                         "--data-dir", tmp_path / name)):
            result = station(*command)
            assert "Traceback" not in result.stderr and str(path) in result.stdout + result.stderr


VALUES = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**30, 10**30),
                   st.booleans(), st.text(max_size=5))


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    return '"' + "".join(c for c in value if c.isalnum()) + '"'


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(RANGES)), VALUES, max_size=8))
def test_generated_files_give_only_config_errors_and_values_within_range(tmp_path_factory, chosen):
    tables = {}
    for (table, key), value in chosen.items():
        tables.setdefault(table, []).append(f"{key} = {toml_value(value)}")
    text = "".join(f"[{table}]\n" + "\n".join(lines) + "\n" for table, lines in tables.items())
    path = write(tmp_path_factory.mktemp("generated"), text)
    try:
        load_config(path)
    except ConfigError:
        pass
    config, _ = read_config(path)
    for (table, key), limits in RANGES.items():
        value = getattr(getattr(config, table), key)
        assert limits.low <= value <= limits.high, (table, key, value)


def test_every_range_is_documented():
    from pathlib import Path
    text = (Path(__file__).parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    for (table, key), limits in RANGES.items():
        assert f"| `[{table}]` | `{key}` | {limits.low:g} | {limits.high:g} |" in text, (table, key)
