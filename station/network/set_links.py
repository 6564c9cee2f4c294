"""A set's address, and the read-only token in the link behind a station's
"scan to see your set" QR code.

A set is ``<station>.<session key>.<set index>``, where the session key is
the first 12 hex digits of the SHA-256 of the session's UUID: the address
never shows the UUID itself. The token is an HMAC-SHA256 of the address
keyed with the session's UUID, which only the station that made the session
and the hub know, so a station makes the link by itself, and nobody can make
one for another set (not even from the same session) without the UUID. The
hub opens a tokened link for ``set_link_days`` after the set started.

    set_id = set_address("mat-1", session_uuid, 3)
    url = f"{hub_url}/sets/{set_id}?t={set_token(session_uuid, set_id)}"
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone

SESSION_KEY_HEX = 12
#: 128 bits of the HMAC, as 32 hex digits: unguessable, and short enough
#: for a small QR code.
TOKEN_HEX = 32
_ADDRESS = re.compile(r"([A-Za-z0-9_-]{1,32})\.([0-9a-f]{%d})\.(\d{1,6})" % SESSION_KEY_HEX)


def session_key(session: str) -> str:
    return hashlib.sha256(session.encode()).hexdigest()[:SESSION_KEY_HEX]


def set_address(station: str, session: str, set_index: int) -> str:
    return f"{station}.{session_key(session)}.{set_index}"


def set_token(session: str, address: str) -> str:
    return hmac.new(session.encode(), address.encode(), hashlib.sha256).hexdigest()[:TOKEN_HEX]


def parse_address(address: str) -> tuple[str, str, int] | None:
    """(station, session key, set index), or None for something else."""
    match = _ADDRESS.fullmatch(address)
    return None if match is None else (match[1], match[2], int(match[3]))


def token_opens(session: str, address: str, token: str | None, started_at: str | None,
                now: datetime, link_days: float) -> bool:
    """Whether ``token`` is this set's and its link has not expired."""
    if not token or not hmac.compare_digest(set_token(session, address), token):
        return False
    try:
        started = datetime.fromisoformat(started_at)
    except (TypeError, ValueError):
        return False
    if started.tzinfo is None:
        started = started.replace(tzinfo=timezone.utc)
    return now < started + timedelta(days=link_days)
