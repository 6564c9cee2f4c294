"""The coach's login sessions and the forms' CSRF tokens.

A session is a random token in a cookie (HttpOnly: no script reads it;
SameSite=Strict: no other site's page sends it), kept in the hub's memory, so
a restarted hub asks the coach for the PIN again. Every form carries a CSRF
token that must equal the browser's ``jm_csrf`` cookie (also HttpOnly and
Strict): a page on another site can neither read the cookie nor make the
browser send it, so it cannot forge a form that passes.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

SESSION_COOKIE = "jm_coach"
CSRF_COOKIE = "jm_csrf"
CSRF_FIELD = "csrf"
#: A login lasts a working day, then the PIN is asked again.
SESSION_S = 12 * 3600.0


def new_token() -> str:
    """32 random bytes, URL-safe: unguessable."""
    return secrets.token_urlsafe(32)


def tokens_equal(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


@dataclass
class CoachSessions:
    """The coaches logged in now: session token -> when it expires (monotonic s)."""

    session_s: float = SESSION_S
    clock_s: Callable[[], float] = time.monotonic
    _expires_s: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self) -> str:
        token = new_token()
        with self._lock:
            self._expires_s[token] = self.clock_s() + self.session_s
        return token

    def valid(self, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            expires_s = self._expires_s.get(token)
            if expires_s is None:
                return False
            if self.clock_s() >= expires_s:
                del self._expires_s[token]
                return False
            return True

    def close(self, token: str | None) -> None:
        with self._lock:
            self._expires_s.pop(token or "", None)
