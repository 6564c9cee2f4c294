"""Logging in with the coach's PIN, and out.

Five wrong PINs from one client lock it out for a minute (lockout.py): the
form then answers 429 with how long to wait, even for the right PIN.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from station.hub.api.context import HubContext, hub
from station.hub.web.auth import checked_form
from station.hub.web.pin import pin_is_set, pin_matches
from station.hub.web.render import page, set_cookie, web
from station.hub.web.sessions import SESSION_COOKIE

router = APIRouter(include_in_schema=False)


def _safe_next(path: str | None) -> str:
    """Only a path on this hub: a login link must not send the coach elsewhere."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/coach"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_form(request: Request, next: str | None = None,
               context: HubContext = Depends(hub)):
    return page(request, "login.html", next=_safe_next(next), problem=None,
                pin_set=pin_is_set(context.data_dir))


@router.post("/login")
async def log_in(request: Request, context: HubContext = Depends(hub)):
    form = await checked_form(request)
    state, client = web(request), _client(request)
    target = _safe_next(form.get("next"))
    locked_s = state.lockout.locked_for_s(client)
    if locked_s > 0:
        return _locked(request, target, locked_s)
    if not pin_matches(context.data_dir, str(form.get("pin", ""))):
        if state.lockout.wrong(client):
            return _locked(request, target, state.lockout.locked_for_s(client))
        return page(request, "login.html", status_code=401, next=target,
                    problem="That PIN is not right; try again.",
                    pin_set=pin_is_set(context.data_dir))
    state.lockout.right(client)
    response = RedirectResponse(target, status_code=303)
    set_cookie(response, SESSION_COOKIE, state.sessions.open(),
               max_age=int(state.settings.session_s))
    return response


def _locked(request: Request, target: str, left_s: float):
    wait_s = max(1, math.ceil(left_s))
    return page(request, "login.html", status_code=429, headers={"Retry-After": str(wait_s)},
                next=target, pin_set=True,
                problem=f"Too many wrong PINs: wait {wait_s} s, then try again.")


@router.post("/logout")
async def log_out(request: Request):
    await checked_form(request)
    web(request).sessions.close(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
