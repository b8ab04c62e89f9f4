"""Forgetting on schedule: what residents sent and who they are, once it is no longer needed.

After ``retention_days`` the reporter's number (encrypted and hashed), the words they sent, any
recording, and the numbers of one-off replies are erased; incidents keep only place and time.
Subscribers are kept while they are subscribed (they asked to be).
"""

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from core import voice
from core.clock import now
from core.models import InboundMessage, Message, Report

PURGED = "purged"


def purge(session: Session, *, retention_days: int) -> dict[str, int]:
    cutoff = now() - timedelta(days=retention_days)
    counts = {}
    counts["inbound"] = session.exec(
        update(InboundMessage)
        .where(col(InboundMessage.received_at) < cutoff, col(InboundMessage.from_hash) != PURGED)
        .values(from_enc=None, from_hash=PURGED, body="")
    ).rowcount
    counts["reports"] = session.exec(
        update(Report)
        .where(col(Report.updated_at) < cutoff, col(Report.reporter_hash) != PURGED)
        .values(reporter_hash=PURGED, text="", recording_url=None)
    ).rowcount
    counts["replies"] = session.exec(
        update(Message)
        .where(
            col(Message.created_at) < cutoff,
            col(Message.subscriber_id).is_(None),
            col(Message.to_hash) != PURGED,
        )
        .values(to_enc=None, to_hash=PURGED, body="")
    ).rowcount
    counts["calls"] = voice.purge(session, before=cutoff)
    return counts
