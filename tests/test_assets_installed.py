"""An installed station (no source tree around it) finds its sounds and challenge presets."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from setuptools.config.pyprojecttoml import read_configuration

from station.assets import SOURCE_TREE_ASSETS, assets_dir

ROOT = Path(__file__).resolve().parents[1]


def test_from_the_source_tree_the_trees_assets_are_used():
    assert assets_dir() == ROOT / "assets"


def test_installed_the_environments_share_folder_is_used(tmp_path):
    assert assets_dir(tmp_path / "no-tree", prefix="/opt/jumpmat/venv") == \
        Path("/opt/jumpmat/venv/share/jumpmat/assets")


@pytest.mark.filterwarnings("ignore::UserWarning")  # setuptools calls its pyproject support beta
def test_pip_installs_every_sound_and_preset_where_the_station_looks():
    """setuptools' own reading of pyproject.toml: what `pip install` puts under the prefix."""
    data_files = dict(read_configuration(ROOT / "pyproject.toml")["tool"]["setuptools"]["data-files"])
    for kind in ("sounds", "challenges"):
        shipped = {Path(name).name for name in data_files[f"share/jumpmat/assets/{kind}"]}
        assert shipped == {path.name for path in (SOURCE_TREE_ASSETS / kind).iterdir()}
        assert shipped


def test_a_station_laid_out_as_pip_installs_it_runs_a_challenge_preset(tmp_path):
    environment = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", environment], check=True)
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "station", site / "station")  # the package alone, as in a wheel
    shutil.copytree(ROOT / "assets" / "challenges", environment / "share/jumpmat/assets/challenges")
    shutil.copytree(ROOT / "assets" / "sounds", environment / "share/jumpmat/assets/sounds")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy",
               PYTHONPATH=os.pathsep.join([str(site), sysconfig.get_paths()["purelib"]]))
    check = ("from station.assets import assets_dir; from station.challenge.definition import load_challenge; "
             "from station.kiosk.sound import SOUNDS_DIR; "
             "print(assets_dir()); print(load_challenge('tabata').name); print(sorted(SOUNDS_DIR.iterdir())[0].name)")
    result = subprocess.run([environment / "bin" / "python", "-c", check], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(environment / "share/jumpmat/assets"), "tabata", "click.wav"]
