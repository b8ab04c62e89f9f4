"""The console's routes, one module per page family, all under ``/console``."""

from fastapi import APIRouter

from console.routes import (
    apikeys,
    assets,
    auth,
    board,
    broadcasts,
    cases,
    drills,
    inbox,
    incidents,
    network,
)

router = APIRouter()
for module in (
    auth,
    board,
    incidents,
    inbox,
    network,
    drills,
    broadcasts,
    cases,
    apikeys,
    assets,
):
    router.include_router(module.router)
