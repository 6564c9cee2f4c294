"""The coach's web pages, served by the hub (docs/web.md): the TV board,
the coach's console, athlete and set pages, and the pull API.

``add_web(app)`` adds them to the hub's FastAPI app: one router per page,
Jinja2 templates with autoescaping on, and the styles and scripts from
``static/`` (nothing is fetched from the internet).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from station.hub.web.state import WebSettings, WebState

STATIC_DIR = Path(__file__).parent / "static"


def add_web(app: FastAPI, settings: WebSettings | None = None) -> None:
    """Add the pages to the hub's ``app`` (whose ``state.hub`` is its HubContext)."""
    from station.hub.web import athletes, board, coach, login, pull_api, sets

    app.state.web = WebState(settings or WebSettings())
    for module in (login, board, coach, athletes, sets, pull_api):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    from station.hub.web.auth import LoginNeeded, login_redirect_path

    @app.exception_handler(LoginNeeded)
    async def login_needed(request: Request, error: LoginNeeded) -> RedirectResponse:
        return RedirectResponse(login_redirect_path(error.path), status_code=303)
