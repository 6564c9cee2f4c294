"""The hub's HTTP server: the JSON API under /api/v1/ (docs/network.md) and,
later, the coach's pages, each a router added in ``create_app``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from station import __version__
from station.errors import UserError
from station.hub.api import challenges, docs, records
from station.hub.api.context import HubContext


def create_app(context: HubContext, web_settings=None) -> FastAPI:
    """The app for one hub; ``context`` is how its routes reach the hub;
    ``web_settings``: the pages' (station.hub.web.WebSettings), or the defaults.

        app = create_app(HubContext(data_dir, token, site="gym", link=link))
        uvicorn.run(app, port=8080)
    """
    app = FastAPI(title="Jump Mat hub", version=__version__, docs_url=None,
                  openapi_url=docs.OPENAPI_URL, redoc_url=None)
    app.state.hub = context
    docs.add_docs(app)
    app.include_router(records.router, prefix="/api/v1")
    app.include_router(challenges.router, prefix="/api/v1")
    from station.hub.web import add_web
    add_web(app, web_settings)

    @app.exception_handler(UserError)
    async def user_error(request: Request, error: UserError) -> JSONResponse:
        # A request a person got wrong: one sentence, as everywhere else.
        return JSONResponse(status_code=422, content={"detail": str(error)})

    return app
