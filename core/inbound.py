"""Storing what residents send, exactly once per provider Sid, before any other work."""

import logging
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, or_, select

from core.clock import now
from core.errors import Unavailable
from core.media import MediaRef
from core.models import InboundMedia, InboundMessage
from core.phones import PhoneVault

log = logging.getLogger(__name__)
MAX_BODY = 1600  # Twilio's own ceiling; anything longer is not from Twilio
# C0 controls but tab and line breaks, and DEL: no phone types them, PostgreSQL refuses NUL in
# text, and a report must never be lost to a stray byte.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """``text`` without control characters (tabs and line breaks stay)."""
    return CONTROL_CHARS.sub("", text)


# A webhook stores its message within Twilio's 15 s or says "try again" (503), never a
# 500 that loses it. Each try waits this long for another writer's lock (SQLite), then backs off.
LOCK_WAIT_S = 2.0
BACKOFF_S = (0.05, 0.2, 0.5)  # between tries: 4 tries, under 9 s in all
SQLITE_BUSY_TIMEOUT_MS = 30000  # what core.db sets on every SQLite connection
# PostgreSQL's "try again" states: serialization failure, deadlock, lock not available.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


class Busy(Unavailable):
    """The database stayed locked for every try; nothing was stored. Ask the sender to retry."""


def store(
    session: Session,
    vault: PhoneVault,
    *,
    sid: str,
    channel: str,
    from_e164: str,
    body: str,
    media: Sequence[MediaRef] = (),
) -> int | None:
    """Store the message and commit, once per Sid; returns the new row's id, or None when this
    Sid was stored before (a provider's retry). Retried while the database is busy.

    One autocommitted statement (``INSERT … ON CONFLICT (provider_sid) DO NOTHING RETURNING id``):
    the webhook's cost is its round trips. Use a fresh ``session`` (nothing else in its
    transaction). ``enqueued_at`` is set in the same row — the caller
    enqueues right after — so no second write follows; if that enqueue fails, the sweep takes the
    row up after the same grace as one never enqueued (``unprocessed``).

    Raises ``Busy`` when every try found it locked (nothing stored: the caller answers 503 so the
    provider retries, and the retry's Sid is still new). Any other database error propagates.

    ``media`` (photos, clips: ``core.media.from_form``) are stored with the message in one
    transaction, so a crash keeps both or neither and the provider's retry brings both again.
    """
    sid, body = strip_controls(sid), strip_controls(body)  # a stray NUL must not lose a report
    at = now()
    statement = _store_statement(session.get_bind().dialect.name)
    row = {
        "provider_sid": sid,
        "channel": channel,
        "from_enc": vault.seal(from_e164),
        "from_hash": vault.index(from_e164),
        "body": body[:MAX_BODY],
        "received_at": at,
        "enqueued_at": at,
        "media_count": len(media),
    }
    for try_number in range(len(BACKOFF_S) + 1):
        try:
            # Autocommit: one statement is its own transaction, durable when it answers — one
            # round trip instead of BEGIN, INSERT, COMMIT. With media, two statements: one
            # ordinary transaction.
            options = {} if media else {"isolation_level": "AUTOCOMMIT"}
            connection = session.connection(execution_options=options)
            with _lock_wait(session, LOCK_WAIT_S):
                inbound_id = connection.execute(statement, row).scalar()
                if inbound_id is not None and media:
                    # A media SID seen before (a forged or replayed form) adds nothing, and
                    # must not cost the report.
                    connection.execute(
                        _insert_for(session)(InboundMedia)
                        .values([_media_row(inbound_id, ref, at) for ref in media])
                        .on_conflict_do_nothing(index_elements=["media_sid"])
                    )
            session.commit()
            return inbound_id
        except DBAPIError as exc:
            session.rollback()
            if not is_busy(exc):
                raise
            log.warning("inbound store: database busy (try %d)", try_number + 1)
            if try_number < len(BACKOFF_S):
                time.sleep(BACKOFF_S[try_number])
    raise Busy("the database is busy; try again")


@cache
def _store_statement(dialect: str) -> Any:
    """``store``'s statement, built once per dialect: on the table, not the ORM entity, with its
    values bound at execution — building and keying it per webhook cost more than its round
    trip."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, InboundMessage.__table__)  # type: ignore[attr-defined]
    return (
        insert(table).on_conflict_do_nothing(index_elements=["provider_sid"]).returning(table.c.id)
    )


def _media_row(inbound_id: int, ref: MediaRef, at: datetime) -> dict[str, Any]:
    return {
        "inbound_id": inbound_id,
        "position": ref.position,
        "message_sid": ref.message_sid,
        "media_sid": ref.media_sid,
        "content_type": ref.content_type,
        "received_at": at,
    }


def _insert_for(session: Session) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_nothing`` (both speak ON CONFLICT)."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def is_busy(exc: DBAPIError) -> bool:
    """Whether ``exc`` means "another transaction holds what we need", or that the connection
    was lost (the pool has dropped it): worth trying again."""
    if exc.connection_invalidated:
        return True
    if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message


@contextmanager
def _lock_wait(session: Session, seconds: float) -> Iterator[None]:
    """Within the block a SQLite write waits at most ``seconds`` for the write lock (each
    connection otherwise waits 30 s, past Twilio's 15). The lock is taken by the first write, so
    the commit after the block needs none; on PostgreSQL nothing changes."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(seconds * 1000)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def mark_enqueued(session: Session, inbound_id: int) -> None:
    session.exec(
        update(InboundMessage).where(col(InboundMessage.id) == inbound_id).values(enqueued_at=now())
    )


def unprocessed(session: Session, *, older_than_s: float, limit: int = 500) -> list[int]:
    """Ids never enqueued, or enqueued long ago and still not processed (a lost job, Redis down)."""
    cutoff = now() - timedelta(seconds=older_than_s)
    query = (
        select(InboundMessage.id)
        .where(col(InboundMessage.processed_at).is_(None), InboundMessage.received_at <= cutoff)
        .where(
            or_(
                col(InboundMessage.enqueued_at).is_(None), col(InboundMessage.enqueued_at) <= cutoff
            )
        )
        .order_by(col(InboundMessage.id))
        .limit(limit)
    )
    # A stored row's id is set; the model types it Optional only for rows not yet inserted.
    return cast(list[int], list(session.exec(query)))
