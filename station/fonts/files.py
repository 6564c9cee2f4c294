"""Which font files draw the characters pygame's own font lacks, and where they are.

The default list is Noto's bold faces (bold, like pygame's own font, which
draws the kiosk and the charts) for the scripts of the station's names, from
two Debian packages. ``[kiosk] fonts`` replaces the list: each entry a file
name, looked for under the font folders below (no fontconfig needed), or a
path. Files that are not found are left out, with one warning a process
saying what to install; their characters then show as boxes, and the rest
of the station carries on.

    find_fonts(DEFAULT_FONTS)   # ('/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf', ...)
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

LOG = logging.getLogger(__name__)

#: The default fonts, in the order they are tried after pygame's own, and the
#: Debian package of each. NotoSans-Bold covers Latin, Greek and Cyrillic
#: beyond pygame's font; the CJK collection's first face (Japanese) draws
#: Chinese and Korean names too.
PACKAGES = {
    "NotoSans-Bold.ttf": "fonts-noto-core",
    "NotoSansArabic-Bold.ttf": "fonts-noto-core",
    "NotoSansHebrew-Bold.ttf": "fonts-noto-core",
    "NotoSansDevanagari-Bold.ttf": "fonts-noto-core",
    "NotoSansCJK-Bold.ttc": "fonts-noto-cjk",
}
DEFAULT_FONTS = tuple(PACKAGES)
#: Where font files are looked for by name, as Debian, Raspberry Pi OS and a
#: user's own installs put them.
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts")

_warned: set[tuple[str, ...]] = set()


def find_fonts(names: tuple[str, ...] = DEFAULT_FONTS) -> tuple[str, ...]:
    """The paths of the fonts ``names`` that exist, in their order; one
    warning a process for those that do not."""
    found, missing = [], []
    for name in names:
        path = _path_of(name)
        (found if path else missing).append(path or name)
    if missing and tuple(missing) not in _warned:
        _warned.add(tuple(missing))
        LOG.warning("%s", missing_fonts_sentence(missing))
    return tuple(found)


def missing_fonts_sentence(missing: list[str]) -> str:
    """What to do about font files that were not found, in one sentence."""
    packages = sorted({PACKAGES[name] for name in missing if name in PACKAGES})
    unknown = [name for name in missing if name not in PACKAGES]
    if packages and not unknown:
        return (f"Names in some scripts show as boxes because {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not installed: "
                f"sudo apt install {' '.join(packages)}.")
    return (f"Names in some scripts show as boxes because the font files {', '.join(missing)} "
            "were not found: give paths, or file names under /usr/share/fonts, in [kiosk] fonts.")


def _path_of(name: str) -> str | None:
    if os.sep in name:
        path = Path(name).expanduser()
        return str(path) if path.is_file() else None
    return _installed().get(name)


@lru_cache(maxsize=1)
def _installed() -> dict[str, str]:
    """Every font file under the font folders, by file name (the first found)."""
    files: dict[str, str] = {}
    for folder in FONT_FOLDERS:
        for root, folders, names in os.walk(Path(folder).expanduser()):
            folders.sort()
            for name in sorted(names):
                files.setdefault(name, os.path.join(root, name))
    return files
