"""The FastAPI application factory."""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

import console
from api.middleware import RequestIdMiddleware
from api.routers import (
    apikeys,
    audit,
    broadcasts,
    cases,
    drills,
    health,
    incidents,
    messages,
    places,
    reports,
    subscribers,
    twilio_alert_call,
    twilio_detention,
    twilio_sms,
    twilio_status,
    twilio_voice,
    zones,
)
from core.errors import AvisaError, Conflict, Invalid, NotFound, Unavailable
from core.settings import Settings
from core.subscribers import NotCsv

# Swagger UI and ReDoc as the fastapi-offline wheel ships them (Apache-2.0 and MIT): the docs
# open on a laptop with no network, and no page of ours loads anything from a CDN.
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_STATIC = "/static/docs"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; ``settings`` default to the process's (``core.settings.get_settings``)."""
    app = FastAPI(
        title="Avisa",
        version="0.1.0",
        description="Rapid-response alert hotline: Twilio webhooks and the coordinator API.",
        docs_url=None,
        redoc_url=None,
    )
    for module in (
        health,
        twilio_sms,
        twilio_voice,
        twilio_detention,
        twilio_alert_call,
        twilio_status,
        zones,
        subscribers,
        incidents,
        messages,
        places,
        reports,
        drills,
        broadcasts,
        apikeys,
        audit,
        cases,
    ):
        app.include_router(module.router)
    app.state.settings = settings
    app.add_exception_handler(AvisaError, domain_error)
    add_docs(app)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(console.router)  # the coordinators' console at /console/
    return app


def add_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc``, with their scripts and styles served by Avisa."""
    app.mount(DOCS_STATIC, StaticFiles(directory=DOCS_ASSETS), name="docs-static")
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title="Avisa API",
            oauth2_redirect_url=oauth2_redirect,
            swagger_js_url=f"{DOCS_STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_STATIC}/favicon.png",
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title="Avisa API",
            redoc_js_url=f"{DOCS_STATIC}/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_STATIC}/favicon.png",
            with_google_fonts=False,
        )


# One translation of the domain's errors for the whole API (core.errors); the first match wins.
STATUS = {NotCsv: 400, NotFound: 404, Conflict: 409, Invalid: 422, Unavailable: 503}


async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    return JSONResponse({"detail": str(exc)}, status_code=status)
