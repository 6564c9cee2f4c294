"""Every numeric config key has a range; anything unreadable is one sentence;
a bad key falls back to its own default while the rest of the file applies."""

import json
import math
from dataclasses import fields

import pytest
from hypothesis import given, settings, strategies as st

from station.config import TABLES, Config, ConfigError, load_config, load_config_or_defaults, read_config
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
        said = load_config_or_defaults(path)[1]
        assert said.endswith("Nothing of the file applies: the station runs on its defaults.")
        assert "Every other value" not in said and "Every other value" not in result.stderr


def test_a_file_with_one_bad_value_says_the_rest_applies(tmp_path):
    path = write(tmp_path, "[plate]\nwidth_m = 7\ndepth_m = 1.2\n")
    config, said = load_config_or_defaults(path)
    assert config.plate.depth_m == 1.2 and said.endswith("Every other value of the file applies.")


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


# -- any TOML at all -------------------------------------------------------------

#: What the station's own words never look like: Python describing its types.
PYTHON_WORDS = ("object is not", "object has no", "unhashable", "NoneType", "not iterable",
                "takes 1 positional", "unexpected keyword", "argument", "Traceback")
#: Every key the station knows, by table, and some it does not.
KNOWN_KEYS = {table: sorted(f.name for f in fields(getattr(Config(), table))) for table in TABLES}
NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=6)
SCALARS = st.one_of(st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
                    st.booleans(), st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                                           max_size=12))
ANY_VALUE = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(["mat", "front", "back"]), NAMES),
                                                 inner, max_size=4)), max_leaves=12)


@st.composite
def any_table(draw, table):
    keys = st.one_of(st.sampled_from(KNOWN_KEYS[table]), NAMES)
    return draw(st.dictionaries(keys, ANY_VALUE, max_size=6))


@st.composite
def any_document(draw):
    """A TOML document as a dict: known and unknown tables (or values that
    are not tables at all), with known and unknown keys of any kind of value."""
    names = draw(st.lists(st.one_of(st.sampled_from(sorted(TABLES)), NAMES), max_size=6, unique=True))
    document = {}
    for name in names:
        if name in TABLES and draw(st.booleans()):
            document[name] = draw(any_table(name))
        else:
            document[name] = draw(ANY_VALUE)
    return document


def toml_text(document: dict) -> str:
    """``document`` written as TOML: its plain values first, then a header per table."""
    def value(item) -> str:
        if isinstance(item, dict):
            return "{" + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + "}"
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        if isinstance(item, str):
            return json.dumps(item, ensure_ascii=False).replace("\x7f", "\\u007f")
        return toml_value(item)

    def key(name) -> str:
        return value(str(name))
    plain = [f"{key(k)} = {value(v)}" for k, v in document.items() if not isinstance(v, dict)]
    tables = [f"[{key(k)}]\n" + "".join(f"{key(kk)} = {value(vv)}\n" for kk, vv in v.items())
              for k, v in document.items() if isinstance(v, dict)]
    return "\n".join(plain) + "\n" + "".join(tables)


def check_any(path) -> None:
    config, problems = read_config(path)
    for problem in problems:
        assert not any(words in problem for words in PYTHON_WORDS), problem
        assert problem.startswith(f"{path}: ") and problem.endswith("."), problem
    try:
        load_config(path)
    except ConfigError:
        assert problems
    for (table, key), limits in RANGES.items():
        value = getattr(getattr(config, table), key)
        assert not isinstance(value, bool) and limits.low <= value <= limits.high, (table, key, value)


@settings(max_examples=300, deadline=None)
@given(any_document())
def test_any_toml_gives_only_config_errors_in_plain_words_and_values_within_range(tmp_path_factory, document):
    check_any(write(tmp_path_factory.mktemp("any"), toml_text(document)))


@settings(max_examples=100, deadline=None)
@given(any_document(), st.binary(min_size=1, max_size=8), st.integers(0, 10_000))
def test_raw_bytes_anywhere_in_a_file_give_only_config_errors(tmp_path_factory, document, raw, at):
    text = toml_text(document).encode("utf-8")
    at = at % (len(text) + 1)
    check_any(write(tmp_path_factory.mktemp("raw"), text[:at] + raw + text[at:]))


@pytest.mark.parametrize("text, said", [
    ("timing = 5\n", "[timing] must be a table of keys ([timing] and its lines), not 5"),
    ("[frontend]\nzones = 5\n", 'zones must be [], ["mat"] or ["front", "back"]'),
    ("[mat]\npins = [17]\n", "pins must name the zones"),
    ("[kiosk]\nexit_keys = 3\n", "[kiosk] exit_keys"),
    ("[identity]\nauto_names = \"x\"\n", "[identity] auto_names"),
])
def test_a_value_of_the_wrong_shape_is_one_plain_sentence(tmp_path, text, said):
    path = write(tmp_path, text)
    config, problems = read_config(path)
    assert len(problems) == 1 and said in problems[0], problems
    check_any(path)


def test_every_range_is_documented():
    from pathlib import Path
    text = (Path(__file__).parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    for (table, key), limits in RANGES.items():
        assert f"| `[{table}]` | `{key}` | {limits.low:g} | {limits.high:g} |" in text, (table, key)
