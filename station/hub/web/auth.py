"""Who may see what: the coach (logged in with the PIN), a tool with the
API token, or anyone (only /board and a set's tokened page).

Pages redirect a visitor who is not logged in to /login; the API answers 401.
Every form is refused (403) unless it carries the browser's CSRF token.
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from station.hub.api.context import HubContext, hub
from station.hub.token import token_matches
from station.hub.web.render import form_token_ok, url_part, web
from station.hub.web.sessions import SESSION_COOKIE


class LoginNeeded(Exception):
    """A page asked for by someone not logged in: they go to the login form."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def is_coach(request: Request) -> bool:
    return web(request).sessions.valid(request.cookies.get(SESSION_COOKIE))


def coach_page(request: Request) -> None:
    """A page for the coach only."""
    if not is_coach(request):
        raise LoginNeeded(request.url.path)


_bearer = HTTPBearer(auto_error=False, description="the token `station hub token` prints")


def coach_or_token(request: Request,
                   credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
                   context: HubContext = Depends(hub)) -> None:
    """The pull API: the API token, or the coach's login in a browser."""
    if credentials is not None and token_matches(credentials.credentials, context.token):
        return
    if is_coach(request):
        return
    raise HTTPException(status_code=401, detail="log in as the coach, or send Authorization: "
                        "Bearer TOKEN (station hub token prints it)",
                        headers={"WWW-Authenticate": "Bearer"})


async def checked_form(request: Request):
    """The posted form, if it carries the browser's CSRF token; else 403."""
    form = await request.form()
    if not form_token_ok(request, form):
        raise HTTPException(status_code=403, detail="This form has no valid security token: "
                            "open the page again and send it from there.")
    return form


def login_redirect_path(path: str) -> str:
    return f"/login?next={url_part(path)}"
