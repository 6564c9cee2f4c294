""""Scan to see your set": the link to a set's page at the hub, and its QR code.

With ``[web] hub_url`` set (the hub's pages, like ``http://hub.local:8080``)
and the class network on, the set summary shows a QR code for
``HUB_URL/sets/ADDRESS?t=TOKEN``. The station makes the token itself from
the session's UUID (station/network/set_links.py), which the hub has from the
session log it was sent, so no round trip is needed; the hub opens the link
for a week (``station hub --set-link-days``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from station.hardware_config import _from_table, _need
from station.network.set_links import set_address, set_token

#: White space around the code, in modules: the 4 the QR standard asks for.
QUIET_ZONE = 4


@dataclass(frozen=True)
class WebConfig:
    """``hub_url``: where phones reach the hub's pages (``http://HOST:PORT``);
    "" shows no QR code."""

    hub_url: str = ""

    def __post_init__(self) -> None:
        _need(isinstance(self.hub_url, str), f"hub_url must be text in quotes, not {self.hub_url!r}")
        if self.hub_url:
            parts = urlsplit(self.hub_url)
            _need(parts.scheme in ("http", "https") and bool(parts.netloc) and
                  not parts.query and not parts.fragment,
                  f"hub_url must be like http://hub.local:8080, not {self.hub_url!r}")

    @classmethod
    def from_table(cls, table: dict) -> "WebConfig":
        return _from_table(cls, table, "web")


def set_url(hub_url: str, station_id: str, session_uuid: str, set_index: int) -> str:
    """The tokened address of one set's page."""
    address = set_address(station_id, session_uuid, set_index)
    return f"{hub_url.rstrip('/')}/sets/{address}?t={set_token(session_uuid, address)}"


def set_link_maker(hub_url: str, station_id: str, conn: sqlite3.Connection,
                   session_id: Callable[[], int | None]) -> Callable[[int], str | None]:
    """``link(set_index)``: the URL of that set of the running session, or
    None before the session is in the log. The UUID is read once."""
    found: dict[int, str] = {}

    def link(set_index: int) -> str | None:
        current = session_id()
        if current is None:
            return None
        if current not in found:
            row = conn.execute("SELECT uuid FROM sessions WHERE id = ?", (current,)).fetchone()
            if row is None or not row[0]:
                return None
            found[current] = row[0]
        return set_url(hub_url, station_id, found[current], set_index)
    return link


def qr_surface(text: str, max_px: int):
    """``text`` as a QR code (error correction M), black on white with its
    quiet zone, each module a whole number of pixels, at most ``max_px`` wide
    (a pygame Surface; pygame is imported here so the config needs none)."""
    import pygame
    import segno

    matrix = segno.make(text, error="m", micro=False).matrix
    modules = len(matrix) + 2 * QUIET_ZONE
    small = pygame.Surface((modules, modules))
    small.fill((255, 255, 255))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                small.set_at((x + QUIET_ZONE, y + QUIET_ZONE), (0, 0, 0))
    scale = max(1, max_px // modules)
    return pygame.transform.scale(small, (modules * scale, modules * scale))
