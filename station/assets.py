"""Where the station's assets are: the generated sounds and the challenge presets.

Run from its source tree (``python3 run.py``), the station uses the tree's
``assets/`` folder. Installed by pip (the appliance's ``/opt/jumpmat/venv``),
the package has no source tree around it: pip puts the assets under the
environment's ``share/jumpmat/assets`` (pyproject.toml, ``data-files``).
"""

from __future__ import annotations

import sys
from pathlib import Path

SOURCE_TREE_ASSETS = Path(__file__).resolve().parents[1] / "assets"


def assets_dir(source_tree: Path = SOURCE_TREE_ASSETS, prefix: str = sys.prefix) -> Path:
    """The assets folder: the source tree's if there is one, else the installed copy."""
    if source_tree.is_dir():
        return source_tree
    return Path(prefix) / "share" / "jumpmat" / "assets"
