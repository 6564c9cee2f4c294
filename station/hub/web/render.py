"""Pages from templates, each with the browser's CSRF token for its forms."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse

from station.hub.web.sessions import CSRF_COOKIE, new_token, tokens_equal


def web(request: Request):
    return request.app.state.web


def csrf_token(request: Request) -> tuple[str, bool]:
    """The browser's CSRF token, and whether it is new (then the cookie is set)."""
    token = request.cookies.get(CSRF_COOKIE)
    return (token, False) if token else (new_token(), True)


def page(request: Request, template: str, status_code: int = 200, headers=None,
         **values) -> HTMLResponse:
    """``template`` rendered with ``values``, ``csrf`` and ``coach`` (logged in or not)."""
    from station.hub.web.auth import is_coach

    token, fresh = csrf_token(request)
    environment = web(request).templates
    html = environment.get_template(template).render(
        csrf=token, coach=is_coach(request), **values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    # Pages change with every rep: a browser must never show an old one.
    response.headers["Cache-Control"] = "no-store"
    if fresh:
        set_cookie(response, CSRF_COOKIE, token)
    return response


def set_cookie(response, name: str, value: str, max_age: int | None = None) -> None:
    """HttpOnly (no script reads it) and SameSite=Strict (no other site sends it)."""
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                        path="/")


def form_token_ok(request: Request, form) -> bool:
    return tokens_equal(form.get("csrf"), request.cookies.get(CSRF_COOKIE))


def url_part(text: str) -> str:
    """``text`` as one path segment of a link (every / and ? quoted)."""
    return quote(str(text), safe="")
