import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from api.deps import SessionDep, SettingsDep
from api.metrics import render
from api.schemas import problems
from workers.queues import get_redis

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the database does not answer"}})
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


def metrics_allowed(
    settings: SettingsDep,
    credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))
    ],
) -> None:
    """With ``AVISA_METRICS_TOKEN`` set, the scrape must bring it as a Bearer token."""
    if not settings.metrics_token:
        return
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), settings.metrics_token.encode()):
        raise HTTPException(
            401, "metrics need the AVISA_METRICS_TOKEN", headers={"WWW-Authenticate": "Bearer"}
        )


@router.get(
    "/metrics",
    dependencies=[Depends(metrics_allowed)],
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}},
        **problems(401),
    },
)
def metrics(session: SessionDep) -> Response:
    """Prometheus text; needs ``Authorization: Bearer <AVISA_METRICS_TOKEN>`` when it is set."""
    return Response(render(session), media_type=CONTENT_TYPE_LATEST)
