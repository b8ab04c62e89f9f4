"""The request dependencies both front doors share: settings, the database session, the vault.

The JSON API (``api.deps`` re-exports these names beside its own key checks) and the console
(``console.web``, beside its sign-in and CSRF checks) take the same three things from a request,
so they are defined once, here.

Why in ``console/``: it is the lowest room that knows FastAPI. ``core`` must import no framework
(import-linter's second contract); ``workers`` and ``messaging`` are no web rooms; and the layers
run avisa → api → console → workers, so ``api`` may import ``console`` but never the reverse: a
home in ``api/`` would leave the console unable to reach it. Nothing console-specific lives in
this module (no cookies, no templates), so the API depends on no page of the console.
"""

from collections.abc import Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlmodel import Session

from core.db import engine_for
from core.errors import NotFound
from core.phones import PhoneVault, vault_for
from core.settings import Settings, get_settings

T = TypeVar("T")


def app_settings(request: Request) -> Settings:
    """The settings ``create_app`` was given, else the process's (parsed once at start-up)."""
    return getattr(request.app.state, "settings", None) or get_settings()


async def _settings_now(request: Request) -> Settings:
    """``app_settings`` as a coroutine: FastAPI runs a plain function dependency in the thread
    pool, a hop on every request for a look-up that never blocks."""
    return app_settings(request)


SettingsDep = Annotated[Settings, Depends(_settings_now)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    """One session per request, closed after the answer (``expire_on_commit=False``: rows stay
    readable after a service's commit, to shape the answer)."""
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        yield session


def get_vault(settings: SettingsDep) -> PhoneVault:
    return vault_for(settings.secret_key)


SessionDep = Annotated[Session, Depends(get_session)]
VaultDep = Annotated[PhoneVault, Depends(get_vault)]


def get_or_404(session: Session, model: type[T], row_id: int) -> T:
    """The row, or NotFound (a 404, or the console's not-found page) naming what was missing."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound("no such {thing}", thing=model.__name__.lower())
    return row
