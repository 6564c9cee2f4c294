#!/usr/bin/env python3
"""Set up and run Jump Mat Station from a fresh clone, with nothing but python3.

    python3 run.py              run the station (a simulated athlete when no
                                hardware is configured); any `station`
                                arguments may follow, e.g. `analyse FILE`
    python3 run.py test         run the whole test suite (pytest arguments may follow)

It keeps its own virtual environment in .venv beside this file and refreshes
it whenever pyproject.toml changes, so the same command works after a pull.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
STAMP = VENV / "jumpmat-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def wanted_stamp() -> str:
    # The install depends only on the declared dependencies and this script.
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "run.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    stamp = wanted_stamp()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == stamp:
        return
    if sys.version_info < (3, 11):
        sys.exit("Jump Mat Station needs Python 3.11 or newer; this is "
                 f"{sys.version.split()[0]}. Install a newer python3 and run again.")
    print("Setting up the virtual environment in .venv (once, or after an update)...",
          flush=True)
    if not PYTHON.exists():
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError):
            # Debian and Raspberry Pi OS ship venv's pip support separately.
            shutil.rmtree(VENV, ignore_errors=True)
            sys.exit("Python could not create a virtual environment with pip. On Debian or "
                     "Raspberry Pi OS run `sudo apt install python3-venv`, then this command again.")
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    try:
        subprocess.run(pip + ["--editable", f"{HERE}[test]"], check=True)
    except subprocess.CalledProcessError:
        sys.exit("Installing the station's packages failed (see pip's message above). "
                 "Check the network connection to PyPI and run the same command again.")
    STAMP.write_text(stamp)


def main(argv: list[str]) -> int:
    ensure_venv()
    if argv[:1] == ["test"]:
        # pytest finds its settings and tests from the project folder.
        return subprocess.call([str(PYTHON), "-m", "pytest", *argv[1:]], cwd=HERE)
    # The station runs where the person is, so relative file names work.
    return subprocess.call([str(PYTHON), "-m", "station", *(argv or ["run"])])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
