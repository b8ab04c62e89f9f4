"""Request dependencies: the database session, the caller's API key and role, Twilio's signature."""

from collections.abc import Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from twilio.request_validator import RequestValidator

from core.apikeys import authenticate
from core.db import engine_for
from core.enums import AccessRole
from core.errors import NotFound
from core.models import ApiKey
from core.phones import PhoneVault, vault_for
from core.settings import Settings, get_settings


def app_settings(request: Request) -> Settings:
    """The settings ``create_app`` was given, else the process's (parsed once at start-up)."""
    return getattr(request.app.state, "settings", None) or get_settings()


SettingsDep = Annotated[Settings, Depends(app_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        yield session


def get_vault(settings: SettingsDep) -> PhoneVault:
    return vault_for(settings.secret_key)


SessionDep = Annotated[Session, Depends(get_session)]
VaultDep = Annotated[PhoneVault, Depends(get_vault)]
T = TypeVar("T")


def get_or_404(session: Session, model: type[T], row_id: int) -> T:
    """The row, or NotFound (a 404) naming what was not found."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"no such {model.__name__.lower()}")
    return row


_bearer = HTTPBearer(auto_error=False)


def current_key(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    key = authenticate(session, credentials.credentials) if credentials else None
    if key is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing, invalid or revoked API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    session.commit()  # when the key was last used; nothing else is pending yet
    return key


def require(role: AccessRole):
    """Dependency: the caller's key has ``role`` or a higher one."""

    def check(key: Annotated[ApiKey, Depends(current_key)]) -> ApiKey:
        if AccessRole(key.role).rank < role.rank:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs the {role} role")
        return key

    return check


Viewer = Annotated[ApiKey, Depends(require(AccessRole.VIEWER))]
Coordinator = Annotated[ApiKey, Depends(require(AccessRole.COORDINATOR))]
Admin = Annotated[ApiKey, Depends(require(AccessRole.ADMIN))]


def actor(key: ApiKey) -> str:
    """How an API key's actions are audited."""
    return f"apikey:{key.name}"


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
