from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from api.deps import SessionDep
from api.metrics import render
from workers.queues import get_redis

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(session: SessionDep, response: Response) -> dict:
    """Ready when the database and Redis answer. Without Redis reports are still stored (and
    swept later), so it is reported but a 503 only for the database."""
    checks = {}
    try:
        session.exec(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 — any failure means not ready; say which kind
        checks["database"] = type(exc).__name__
        response.status_code = 503
    try:
        get_redis().ping()
        checks["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = type(exc).__name__
    return checks


@router.get("/metrics")
def metrics(session: SessionDep) -> Response:
    return Response(render(session), media_type=CONTENT_TYPE_LATEST)
