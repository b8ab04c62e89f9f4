"""The FastAPI application factory."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.middleware import RequestIdMiddleware
from api.routers import (
    drills,
    health,
    incidents,
    messages,
    places,
    subscribers,
    twilio_alert_call,
    twilio_sms,
    twilio_status,
    twilio_voice,
    zones,
)
from core.errors import AvisaError, Conflict, Invalid, NotFound, Unavailable
from core.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; ``settings`` default to the process's (``core.settings.get_settings``)."""
    app = FastAPI(
        title="Avisa",
        version="0.1.0",
        description="Rapid-response alert hotline: Twilio webhooks and the coordinator API.",
    )
    for module in (
        health,
        twilio_sms,
        twilio_voice,
        twilio_alert_call,
        twilio_status,
        zones,
        subscribers,
        incidents,
        messages,
        places,
        drills,
    ):
        app.include_router(module.router)
    app.state.settings = settings
    app.add_exception_handler(AvisaError, domain_error)
    app.add_middleware(RequestIdMiddleware)
    return app


# One translation of the domain's errors for the whole API (core.errors).
STATUS = {NotFound: 404, Conflict: 409, Invalid: 422, Unavailable: 503}


async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    return JSONResponse({"detail": str(exc)}, status_code=status)
