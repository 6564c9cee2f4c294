"""What the pages keep while the hub runs: the coaches logged in, the wrong
PINs per client, the templates, and the settings."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from station.hub.web.lockout import LOCKOUT_S, MAX_WRONG_PINS, Lockout
from station.hub.web.sessions import SESSION_S, CoachSessions

TEMPLATES_DIR = Path(__file__).parent / "templates"
#: How long the link behind a set's QR code opens its page.
SET_LINK_DAYS = 7.0


@dataclass(frozen=True)
class WebSettings:
    """``set_link_days``: how long a set's tokened link works;
    ``max_wrong_pins`` wrong PINs lock a client out for ``lockout_s``;
    a login lasts ``session_s``."""

    set_link_days: float = SET_LINK_DAYS
    max_wrong_pins: int = MAX_WRONG_PINS
    lockout_s: float = LOCKOUT_S
    session_s: float = SESSION_S


def template_environment() -> jinja2.Environment:
    """Autoescaping on for every template: a name is always text, never markup."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


@dataclass
class WebState:
    settings: WebSettings
    sessions: CoachSessions = field(init=False)
    lockout: Lockout = field(init=False)
    templates: jinja2.Environment = field(default_factory=template_environment)
    #: Set when the hub stops: the boards' event streams end at once (they
    #: would otherwise hold the HTTP server open) and the browsers reconnect.
    closing: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.sessions = CoachSessions(session_s=self.settings.session_s)
        self.lockout = Lockout(self.settings.max_wrong_pins, self.settings.lockout_s)
