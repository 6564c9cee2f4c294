"""What the API's routes need from the running hub, and the dependencies
that hand it to them (FastAPI's ``Depends``)."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from station.hub.db import connect
from station.hub.token import token_matches


@dataclass
class HubContext:
    """``data_dir`` holds hub.db; ``token`` guards the write endpoints;
    ``link`` publishes to the broker (None: no broker, nothing is sent)."""

    data_dir: Path
    token: str
    site: str = "gym"
    link: object | None = None
    clock_unix_s: Callable[[], float] = field(default=time.time)

    @property
    def broker_connected(self) -> bool:
        return self.link is not None and self.link.connected.is_set()


def hub(request: Request) -> HubContext:
    return request.app.state.hub


def database(context: HubContext = Depends(hub)) -> Iterator[sqlite3.Connection]:
    """One connection per request: SQLite connections are cheap, and the
    writer thread keeps its own."""
    conn = connect(context.data_dir)
    try:
        yield conn
    finally:
        conn.close()


_bearer = HTTPBearer(auto_error=False, description="the token `station hub token` prints")


def require_token(credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
                  context: HubContext = Depends(hub)) -> None:
    """Write endpoints: ``Authorization: Bearer TOKEN`` or 401."""
    if credentials is None or not token_matches(credentials.credentials, context.token):
        raise HTTPException(status_code=401, detail="a valid token is needed: send "
                            "Authorization: Bearer TOKEN (station hub token prints it)",
                            headers={"WWW-Authenticate": "Bearer"})
