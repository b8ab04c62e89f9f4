"""Engines and sessions. ``make_engine`` accepts plain ``postgresql://`` URLs (psycopg 3 driver)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine


def normalize_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    # A ping on every checkout (pool_pre_ping) was one round trip in four of a webhook.
    # Only a connection idle for a while can have been cut (a restart, a proxy's idle timeout):
    # ping those alone; one just returned is live.
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


IDLE_PING_S = 10.0


def _note_checkin(_dbapi_conn: DBAPIConnection, record: ConnectionPoolEntry) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(
    dbapi_conn: Any,
    record: ConnectionPoolEntry,
    _proxy: object,  # psycopg's own connection
) -> None:
    checked_in_at = record.info.get("checked_in_at")
    if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_PING_S:
        return  # brand new, or back from a request a moment ago
    try:
        with dbapi_conn.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_conn.rollback()
    except Exception as exc:  # noqa: BLE001 — any failure means "this connection is gone"
        # The pool discards this connection and checks out (or opens) another.
        raise DisconnectionError() from exc


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # WAL lets the API read while a worker writes; busy_timeout waits for a lock instead of failing.
    # synchronous=NORMAL in WAL survives any process crash (only an OS crash or power cut can lose
    # the last commits); SQLite is the one-machine set-up, PostgreSQL the production one.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session on ``engine`` that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
