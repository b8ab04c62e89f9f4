"""The workers' composition root: the settings a job runs under, and what they build.

Jobs run in a process whose settings were parsed once at start-up (``core.settings``); everything
below them in ``core`` gets the session, settings and vault as arguments.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import engine_for, session_scope
from core.phones import PhoneVault, vault_for
from core.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


def engine() -> Engine:
    return engine_for(get_settings().database_url)


def vault() -> PhoneVault:
    return vault_for(get_settings().secret_key)


@contextmanager
def session() -> Iterator[Session]:
    """A session on the configured database that commits on success, rolls back on error."""
    with session_scope(engine()) as s:
        yield s
