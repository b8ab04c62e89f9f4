"""Storing what residents send, exactly once per provider Sid, before any other work."""

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from core.clock import now
from core.models import InboundMessage
from core.phones import PhoneVault

MAX_BODY = 1600  # Twilio's own ceiling; anything longer is not from Twilio


def record(
    session: Session, vault: PhoneVault, *, sid: str, channel: str, from_e164: str, body: str
) -> tuple[InboundMessage, bool]:
    """Store the message; returns (row, created). A repeated Sid returns the first row, unchanged.

    Safe under concurrency: ten copies of one Sid racing end as one row (the unique index decides).
    """
    existing = session.exec(
        select(InboundMessage).where(InboundMessage.provider_sid == sid)
    ).first()
    if existing is not None:
        return existing, False
    row = InboundMessage(
        provider_sid=sid,
        channel=channel,
        from_enc=vault.seal(from_e164),
        from_hash=vault.index(from_e164),
        body=body[:MAX_BODY],
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another request stored this Sid between our look and our insert; the savepoint's
        # rollback already discarded our row.
        return session.exec(
            select(InboundMessage).where(InboundMessage.provider_sid == sid)
        ).one(), False
    return row, True


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
    return list(session.exec(query))
