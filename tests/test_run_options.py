"""`station run`'s command line is read once into RunOptions, and the layers
below get plain values from it; the commands never import the CLI back."""

import ast
from pathlib import Path

import pytest

from station.cli import build_parser
from station.commands.run_options import RunOptions
from station.config import read_config
from station.errors import UserError

STATION = Path(__file__).resolve().parent.parent / "station"


def options(tmp_path, *argv, config_text=""):
    path = tmp_path / "station.toml"
    path.write_text(config_text)
    config, problems = read_config(path)
    assert problems == []
    args = build_parser().parse_args(["run", *argv, "--config", str(path)])
    return RunOptions.from_args(args, config), config


def test_the_data_folder_is_the_option_then_the_config_then_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("JUMPMAT_DATA_DIR", str(tmp_path / "default"))
    given, _ = options(tmp_path, "--data-dir", str(tmp_path / "given"),
                       config_text=f'[storage]\ndata_dir = "{tmp_path / "configured"}"\n')
    assert given.data_dir == tmp_path / "given"
    configured, _ = options(tmp_path, config_text=f'[storage]\ndata_dir = "{tmp_path / "configured"}"\n')
    assert configured.data_dir == tmp_path / "configured"
    default, _ = options(tmp_path)
    assert default.data_dir == tmp_path / "default"


def test_the_log_records_a_replay_a_simulation_or_the_chosen_kinds(tmp_path):
    replay, config = options(tmp_path, "--replay", "x.csv")
    assert replay.logged_sources(config) == ("replay", "replay")
    simulated, config = options(tmp_path, "--simulate")
    assert simulated.logged_sources(config) == ("simulated", "simulated")
    chosen, config = options(tmp_path, "--mat", "chronopic:/dev/ttyUSB0", "--force", "none")
    assert chosen.logged_sources(config) == ("chronopic", "none")
    configured, config = options(tmp_path, config_text='[sources]\nmat = "gpio"\nforce = "frontend"\n')
    assert configured.logged_sources(config) == ("gpio", "frontend")


def test_only_real_sensors_count_as_hardware(tmp_path):
    real, config = options(tmp_path, "--mat", "gpio", "--force", "frontend:/dev/ttyACM0")
    assert real.uses_hardware(config) and real.force_kind(config) == "frontend"
    simulated, config = options(tmp_path, "--simulate")
    assert not simulated.uses_hardware(config) and simulated.force_kind(config) == "none"
    replay, config = options(tmp_path, "--replay", "x.csv")
    assert not replay.uses_hardware(config) and replay.force_kind(config) == "none"


def test_a_bad_source_spec_is_one_sentence(tmp_path):
    bad, config = options(tmp_path, "--mat", "carpet")
    with pytest.raises(UserError, match="--mat/--force"):
        bad.source_choice(config)


def test_every_run_option_is_carried_over(tmp_path):
    given, _ = options(tmp_path, "--headless", "--speed", "20", "--duration", "60", "--seed", "3",
                       "--zones", "1", "--size", "800x480", "--reader", "none",
                       "--broker", "mqtt://hub", "--station-id", "mat-2", "--challenge", "tabata",
                       "--class", "Ann,Bob", "--frame-stats", "f.csv", "--screenshots", "shots")
    assert (given.headless, given.speed, given.duration_s, given.seed, given.zones, given.size) == \
        (True, 20.0, 60.0, 3, 1, (800, 480))
    assert (given.reader, given.broker, given.station_id, given.challenge, given.class_names) == \
        ("none", "mqtt://hub", "mat-2", "tabata", "Ann,Bob")
    assert (given.frame_stats, given.screenshots) == (Path("f.csv"), Path("shots"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_commands_never_import_the_command_line_parser():
    for path in (STATION / "commands").glob("*.py"):
        assert "station.cli" not in imported_modules(path), path.name

