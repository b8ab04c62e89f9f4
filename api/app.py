"""The FastAPI application factory."""

import logging

from fastapi import FastAPI

from api.routers import health, incidents, messages, places, subscribers, twilio_sms, zones

log = logging.getLogger(__name__)


def create_app() -> FastAPI:
    app = FastAPI(title="Avisa", version="0.1.0",
                  description="Rapid-response alert hotline: Twilio webhooks and the coordinator API.")
    for module in (health, twilio_sms, zones, subscribers, incidents, messages, places):
        app.include_router(module.router)
    _include_optional(app)
    return app


def _include_optional(app: FastAPI) -> None:
    """Routers that other parts of the system add (status callbacks, voice)."""
    from importlib import import_module

    for name in ("api.routers.twilio_status", "api.routers.twilio_voice"):
        try:
            module = import_module(name)
        except ModuleNotFoundError:
            continue
        app.include_router(module.router)
