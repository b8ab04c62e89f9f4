"""Request dependencies: the database session, the caller's API key and role, Twilio's signature."""

from collections.abc import Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from twilio.request_validator import RequestValidator

from core.apikeys import authenticate
from core.db import get_engine
from core.models import ApiKey
from core.settings import Settings, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
T = TypeVar("T")


def get_or_404(session: Session, model: type[T], row_id: int) -> T:
    """The row, or a 404 naming what was not found."""
    row = session.get(model, row_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no such {model.__name__.lower()}")
    return row


_bearer = HTTPBearer(auto_error=False)
RANK = {"viewer": 0, "coordinator": 1, "admin": 2}


def current_key(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    key = authenticate(session, credentials.credentials) if credentials else None
    if key is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or invalid API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return key


def require(role: str):
    """Dependency: the caller's key has ``role`` or a higher one."""

    def check(key: Annotated[ApiKey, Depends(current_key)]) -> ApiKey:
        if RANK[key.role] < RANK[role]:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs the {role} role")
        return key

    return check


Viewer = Annotated[ApiKey, Depends(require("viewer"))]
Coordinator = Annotated[ApiKey, Depends(require("coordinator"))]
Admin = Annotated[ApiKey, Depends(require("admin"))]


def public_url_of(request: Request, settings: Settings) -> str:
    """The URL Twilio was given for this request: signatures are computed over it, not over what
    a proxy in front of us rewrote it to."""
    url = settings.public_url.rstrip("/") + request.url.path
    return f"{url}?{request.url.query}" if request.url.query else url


async def twilio_form(request: Request, settings: SettingsDep) -> dict[str, str]:
    """The webhook's form fields, after checking ``X-Twilio-Signature`` over all of them (403)."""
    form = {key: str(value) for key, value in (await request.form()).multi_items()}
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(settings.signing_token).validate(
        public_url_of(request, settings), form, signature
    ):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "invalid Twilio signature")
    return form


TwilioForm = Annotated[dict[str, str], Depends(twilio_form)]
