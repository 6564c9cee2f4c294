"""Tag ids in one written form, whoever wrote them: a reader, a CSV file, the config, a person.

The rule (docs/identity.md): spaces, ":" and "-" are removed, letters are
upper-cased, and leading zeros are dropped (an id of only zeros is "0").
What is left must be 1 to ``MAX_TAG_CHARS`` letters A-Z and digits: readers
send hex or decimal digits, and a person may write a card's printed code.
So " 00a2:b1 " and "A2B1" are the same tag.

A reader that sends an id in decimal and one that sends it in hex give
different ids for the same card: assign tags by tapping them on the reader
the station uses (`station athletes tag NAME`, or the kiosk's New tag screen).
"""

from __future__ import annotations

import string

#: The longest id any reader we know sends: a 10-byte NFC UID is 20 hex
#: digits; a few more leave room, and anything longer is noise.
MAX_TAG_CHARS = 24
HEX_DIGITS = frozenset(string.hexdigits.upper())
TAG_CHARS = frozenset(string.ascii_uppercase + string.digits)
_SEPARATORS = str.maketrans("", "", " \t:-")


def normalise_tag(text: str) -> str | None:
    """``text`` as a tag id by the rule above, or None when it is not one.

        normalise_tag(" 00a2:b1 ")   # "A2B1"
        normalise_tag("0000")        # "0"
        normalise_tag("hello")       # None
    """
    if not isinstance(text, str):
        return None
    digits = text.strip().translate(_SEPARATORS).upper()
    if not digits or len(digits) > MAX_TAG_CHARS or not TAG_CHARS.issuperset(digits):
        return None
    return digits.lstrip("0") or "0"


def read_tag(text: str) -> str | None:
    """A tag as a reader sends it: hex or decimal digits only (anything else
    is a garbled read), normalised; None when it is not one."""
    tag = normalise_tag(text)
    return tag if tag is not None and HEX_DIGITS.issuperset(tag) else None


def tag_problem(text: str) -> str | None:
    """Why ``text`` is not a tag id, as a sentence without its full stop; None if it is one."""
    if normalise_tag(text) is not None:
        return None
    return (f"tag {text!r} is not a tag id; give its letters and digits "
            f"(at most {MAX_TAG_CHARS}), like 04A2B1")
