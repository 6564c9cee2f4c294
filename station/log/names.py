"""Names cleaned at the door: one rule for every name the station takes in
(``station athletes add``, a roster import, a guest on the kiosk) and for
every name it shows or exports from a log written before the rule.

A name keeps its letters, marks, digits, punctuation and spaces in any
script. Control characters (a NUL, a tab, a line break), the invisible
formatting characters of Unicode (bidirectional overrides and isolates,
zero-width joiners) and unassigned or private code points are removed, so
a name cannot hide text, reverse what is drawn after it or break a CSV
line; runs of whitespace become one space; and a name is at most
``MAX_NAME_CHARS`` characters (a name longer than a screen's row is a
mistake, not a name).
"""

from __future__ import annotations

import unicodedata

MAX_NAME_CHARS = 60
#: Categories removed: control, format (bidi overrides, zero-width), surrogate,
#: private use, unassigned.
_REMOVED = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_name(text: str) -> str:
    """``text`` as a name: normalised (NFC), without control and formatting
    characters, whitespace collapsed, at most 60 characters. "" when nothing
    is left: the caller refuses it, saying where it came from.

        clean_name("  Ada\\u202e  Lovelace\\x00 ") == "Ada Lovelace"
    """
    text = unicodedata.normalize("NFC", str(text))
    kept = "".join(" " if char.isspace() else char for char in text
                   if char.isspace() or unicodedata.category(char) not in _REMOVED)
    return " ".join(kept.split())[:MAX_NAME_CHARS].rstrip()
