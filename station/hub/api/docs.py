"""``/api/docs``: the API's OpenAPI description drawn by Swagger UI, from
files in this repository (``swagger_ui/``), so the page needs no internet.

FastAPI's own docs page loads Swagger UI from a CDN; this one is the same
page with every address on the hub. Swagger UI's validator badge is off: it
would send the description to a validator on the internet.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI_DIR = Path(__file__).parent / "swagger_ui"
ASSETS = "/api/swagger-ui"
DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"

router = APIRouter(include_in_schema=False)


@router.get(DOCS_URL)
def docs(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL, title=f"{request.app.title} – API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None})


def add_docs(app: FastAPI) -> None:
    """The docs page and its files (the app is made with ``docs_url=None``)."""
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI_DIR), name="swagger-ui")
