"""A line of text cut into pieces that each draw with one font, one script and
one direction, in the order they show from left to right. Pure: no pygame.

The direction of each character comes from its Unicode bidirectional class
(``unicodedata.bidirectional``), in a simple form of the bidirectional
algorithm that is enough for names and labels on one line:

- the line reads right to left if its first strong letter is Hebrew, Arabic
  or another right-to-left script, else left to right;
- digits follow the direction of the letters before them, but are drawn left
  to right (so "محمد 2" keeps its 2 whole);
- spaces and punctuation take the direction of the letters on both sides
  when these agree, else the line's; combining marks and invisible joiners
  stay with the character before them;
- right-to-left stretches are drawn in reverse order of their pieces (and the
  pieces themselves right to left by the shaper); in a right-to-left line the
  stretches themselves are reversed.

Explicit direction controls (embeddings, overrides, isolates) are not
followed: the station's names never carry them (station/log/names.py).

    pieces("Zoë محمد", font_for)   # [Piece("Zoë ", 0, "Latn", False), Piece("محمد", 2, "Arab", True)]
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import groupby
from typing import Callable

#: ISO 15924 codes of scripts the shaper needs told, by the first word of a
#: character's Unicode name. A character of any other script (or of none:
#: spaces, punctuation, digits) takes the script of its neighbours.
SCRIPTS = {
    "LATIN": "Latn", "GREEK": "Grek", "CYRILLIC": "Cyrl", "ARMENIAN": "Armn", "GEORGIAN": "Geor",
    "HEBREW": "Hebr", "ARABIC": "Arab", "SYRIAC": "Syrc", "THAANA": "Thaa",
    "DEVANAGARI": "Deva", "BENGALI": "Beng", "GURMUKHI": "Guru", "GUJARATI": "Gujr",
    "ORIYA": "Orya", "TAMIL": "Taml", "TELUGU": "Telu", "KANNADA": "Knda", "MALAYALAM": "Mlym",
    "SINHALA": "Sinh", "THAI": "Thai", "LAO": "Laoo", "TIBETAN": "Tibt", "MYANMAR": "Mymr",
    "KHMER": "Khmr", "ETHIOPIC": "Ethi", "HANGUL": "Hang", "HIRAGANA": "Hira",
    "KATAKANA": "Kana", "CJK": "Hani", "IDEOGRAPHIC": "Hani", "BOPOMOFO": "Bopo",
}
#: The script of a piece with no letters (digits, spaces): "common".
COMMON = "Zyyy"

_LEFT, _RIGHT, _NUMBER, _MARK, _NEUTRAL = "L", "R", "N", "M", ""
_CLASSES = {"L": _LEFT, "R": _RIGHT, "AL": _RIGHT, "EN": _NUMBER, "AN": _NUMBER,
            "NSM": _MARK, "BN": _MARK}


@dataclass(frozen=True)
class Piece:
    """Characters in their logical order, drawn with ``font`` (an index into
    the caller's fonts), shaped as ``script``, right to left if ``rtl``."""

    text: str
    font: int
    script: str
    rtl: bool


def pieces(text: str, font_for: Callable[[str, int | None], int]) -> list[Piece]:
    """``text`` as pieces in the order they show, left to right.

    ``font_for(char, preferred)``: the font to draw ``char`` with; the
    ``preferred`` one (the previous character's) when it has the character,
    so spaces and marks stay in their neighbour's piece.
    """
    if not text:
        return []
    classes = [_CLASSES.get(unicodedata.bidirectional(c), _NEUTRAL) for c in text]
    line_rtl = next((c == _RIGHT for c in classes if c in (_LEFT, _RIGHT)), False)
    stretch_rtl = _directions(classes, line_rtl)
    drawn_rtl = [rtl and kind != _NUMBER for rtl, kind in zip(stretch_rtl, classes)]
    keys = zip(stretch_rtl, drawn_rtl, _fonts(text, classes, font_for), _scripts(text))
    logical, start = [], 0
    for (in_rtl, rtl, font, script), group in groupby(keys):
        end = start + len(list(group))
        logical.append((in_rtl, Piece(text[start:end], font, script, rtl)))
        start = end
    stretches = [[piece for _, piece in group][::-1 if rtl else 1]
                 for rtl, group in groupby(logical, key=lambda p: p[0])]
    if line_rtl:
        stretches.reverse()
    return [piece for stretch in stretches for piece in stretch]


def _directions(classes: list[str], line_rtl: bool) -> list[bool]:
    """Each character's direction: right to left or not."""
    rtl: list[bool | None] = [None] * len(classes)
    previous = line_rtl
    for i, kind in enumerate(classes):
        if kind in (_LEFT, _RIGHT):
            previous = rtl[i] = kind == _RIGHT
        elif kind == _NUMBER:
            rtl[i] = previous
    for i, kind in enumerate(classes):
        if kind == _NEUTRAL:   # a space or punctuation: its neighbours' direction, if they agree
            before = next((rtl[j] for j in range(i - 1, -1, -1) if rtl[j] is not None), line_rtl)
            after = next((rtl[j] for j in range(i + 1, len(classes)) if rtl[j] is not None), line_rtl)
            rtl[i] = before if before == after else line_rtl
    for i, kind in enumerate(classes):
        if kind == _MARK:
            rtl[i] = rtl[i - 1] if i else line_rtl
    return rtl


def script_of(char: str) -> str | None:
    """The script of ``char`` the shaper needs told, if any."""
    return SCRIPTS.get(unicodedata.name(char, "").split(" ", 1)[0].split("-", 1)[0])


def _scripts(text: str) -> list[str]:
    """Each character's script; one without a script of its own takes its neighbour's."""
    own = [script_of(c) for c in text]
    first = next((s for s in own if s is not None), COMMON)
    scripts, previous = [], first
    for script in own:
        previous = script or previous
        scripts.append(previous)
    return scripts


def _fonts(text: str, classes: list[str], font_for) -> list[int]:
    """Each character's font: the first that has it, or its neighbour's for
    marks, joiners, spaces and punctuation, when that one has it too."""
    fonts: list[int] = []
    for i, char in enumerate(text):
        previous = fonts[-1] if fonts else None
        if classes[i] == _MARK and unicodedata.category(char) == "Cf" and previous is not None:
            fonts.append(previous)   # an invisible joiner: the shaper hides it, in its neighbour's font
        elif classes[i] in (_MARK, _NEUTRAL):
            fonts.append(font_for(char, previous))
        else:
            fonts.append(font_for(char, None))
    return fonts
