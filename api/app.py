"""The FastAPI application factory."""

from fastapi import FastAPI

import console
from api.routers import (
    health,
    incidents,
    messages,
    places,
    subscribers,
    twilio_sms,
    twilio_status,
    twilio_voice,
    zones,
)


def create_app() -> FastAPI:
    app = FastAPI(
        title="Avisa",
        version="0.1.0",
        description="Rapid-response alert hotline: Twilio webhooks and the coordinator API.",
    )
    for module in (
        health,
        twilio_sms,
        twilio_voice,
        twilio_status,
        zones,
        subscribers,
        incidents,
        messages,
        places,
    ):
        app.include_router(module.router)
    app.include_router(console.router)  # the coordinators' console at /console/ (issue 14)
    return app
