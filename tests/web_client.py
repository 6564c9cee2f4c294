"""The hub's app in-process for the web pages' HTTP tests: a real hub.db on
disk, FastAPI's TestClient speaking HTTP to the real app, and helpers to log
in with the CSRF token a page gave."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from station.hub.api import create_app
from station.hub.api.context import HubContext
from station.hub.db import open_hub_db
from station.hub.token import api_token
from station.hub.web.pin import set_pin

PIN = "4711"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def hub_app(data_dir, pin: str | None = PIN, web_settings=None, **context):
    """A TestClient on a hub with an empty hub.db in ``data_dir``."""
    open_hub_db(data_dir).close()
    if pin is not None:
        set_pin(data_dir, pin)
    app = create_app(HubContext(data_dir, api_token(data_dir), **context), web_settings)
    return TestClient(app, base_url="http://hub.test")


def csrf_of(client: TestClient, path: str) -> str:
    response = client.get(path)
    match = _CSRF.search(response.text)
    assert match, f"{path} has no form with a CSRF token"
    return match.group(1)


def log_in(client: TestClient, pin: str = PIN):
    token = csrf_of(client, "/login")
    return client.post("/login", data={"pin": pin, "csrf": token, "next": "/coach"},
                       follow_redirects=False)
