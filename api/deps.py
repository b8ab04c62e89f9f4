"""Request dependencies: the caller's API key and role, Twilio's signature; the settings, session
and vault are the ones the console shares (``console.deps``, which says why they live there)."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from twilio.request_validator import RequestValidator

# The routers import these from here too: one import line per router, whichever room defines it.
from console.deps import SessionDep as SessionDep
from console.deps import SettingsDep as SettingsDep
from console.deps import VaultDep as VaultDep
from console.deps import get_or_404 as get_or_404
from console.deps import get_vault as get_vault
from core.apikeys import authenticate
from core.enums import AccessRole
from core.models import ApiKey
from core.settings import Settings

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
