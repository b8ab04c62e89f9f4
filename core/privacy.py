"""Forgetting on schedule: what residents sent and who they are, once it is no longer needed.

After ``retention_days`` the reporter's number (encrypted and hashed), the words they sent, any
recording, and the numbers of one-off replies are erased; incidents keep only place and time.
Subscribers are kept while they are subscribed (they asked to be); ``opted_out_grace_days``
after they opt out, their name, number and zones go, and so do the bodies and numbers of the
texts they were sent: only the rows remain, to be counted.

Recordings and the photos or clips residents sent (``InboundMedia``) live at the provider too:
``recordings_due`` and ``media_due`` name them before ``purge`` erases their references, so the
caller deletes them there first (``workers.maintenance``); one it could not delete is passed back
(``keep_recordings``, ``keep_media``) and tried again at the next purge. On SQLite, erased
pages are overwritten (``secure_delete``) and ``checkpoint`` moves the write-ahead log into the
file and truncates it, so the erased words leave the disk.
"""

import re
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from core import case_privacy, voice
from core.clock import now
from core.enums import SubscriberStatus
from core.models import (
    ConsoleSignInAttempt,
    InboundMedia,
    InboundMessage,
    Message,
    Report,
    Subscriber,
    SubscriberZone,
    VoiceCall,
)

PURGED = "purged"
# A Twilio recording's URL ends in its SID: …/Accounts/AC…/Recordings/RE<32 hex>[.mp3|.json]
_RECORDING_SID = re.compile(r"/Recordings/(RE[0-9a-fA-F]{32})")


def recording_sid(url: str) -> str | None:
    """The provider's id of the recording at ``url`` (None for a URL that is not one)."""
    found = _RECORDING_SID.search(url or "")
    return found.group(1) if found else None


def recordings_due(session: Session, *, retention_days: int) -> list[str]:
    """URLs of the recordings ``purge`` will erase: delete them at the provider first."""
    cutoff = now() - timedelta(days=retention_days)
    urls = set(
        session.exec(
            select(Report.recording_url).where(
                Report.updated_at < cutoff, col(Report.recording_url).is_not(None)
            )
        )
    ) | set(
        session.exec(
            select(VoiceCall.recording_url).where(
                VoiceCall.created_at < cutoff, col(VoiceCall.recording_url).is_not(None)
            )
        )
    )
    return sorted(u for u in urls if u)


def media_due(session: Session, *, retention_days: int) -> list[InboundMedia]:
    """The attachments ``purge`` will erase: delete them at the provider first."""
    cutoff = now() - timedelta(days=retention_days)
    return list(
        session.exec(
            select(InboundMedia)
            .where(InboundMedia.received_at < cutoff)
            .order_by(col(InboundMedia.id))
        )
    )


def purge(
    session: Session,
    *,
    retention_days: int,
    opted_out_grace_days: int = 30,
    keep_recordings: Collection[str] = (),
    keep_media: Collection[str] = (),
    case_purge_days: int = 30,
) -> dict[str, int]:
    """Erase what is past retention; returns how many rows of each kind were erased.
    Detention cases go by their own clock: ``case_purge_days`` after they close.
    ``keep_recordings`` (URLs) and ``keep_media`` (media SIDs): still held at the provider, kept
    for the next run to retry."""
    if session.get_bind().dialect.name == "sqlite":
        # Erased cells are zeroed in the file instead of left in free space.
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
    cutoff = now() - timedelta(days=retention_days)
    keep = list(keep_recordings)
    counts = {}
    counts["inbound"] = session.exec(
        update(InboundMessage)
        .where(col(InboundMessage.received_at) < cutoff, col(InboundMessage.from_hash) != PURGED)
        .values(from_enc=None, from_hash=PURGED, body="")
    ).rowcount
    counts["reports"] = session.exec(
        update(Report)
        .where(col(Report.updated_at) < cutoff, col(Report.reporter_hash) != PURGED)
        .values(reporter_hash=PURGED, text="")
    ).rowcount
    counts["recordings"] = session.exec(
        update(Report)
        .where(
            col(Report.updated_at) < cutoff,
            col(Report.recording_url).is_not(None),
            col(Report.recording_url).not_in(keep),
        )
        .values(recording_url=None)
    ).rowcount
    counts["media"] = session.exec(
        delete(InboundMedia).where(
            col(InboundMedia.received_at) < cutoff,
            col(InboundMedia.media_sid).not_in(list(keep_media)),
        )
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
    counts["cases"] = case_privacy.purge(session, purge_days=case_purge_days)
    # Sign-in attempts matter for a quarter of an hour; the audit log keeps their story.
    counts["sign_in_attempts"] = session.exec(
        delete(ConsoleSignInAttempt).where(col(ConsoleSignInAttempt.created_at) < cutoff)
    ).rowcount
    counts["opted_out"] = _forget_opted_out(
        session, before=now() - timedelta(days=opted_out_grace_days)
    )
    return counts


def _forget_opted_out(session: Session, *, before: datetime) -> int:
    """Subscribers opted out since before ``before``: name, number and zones erased, their texts'
    bodies and numbers too. The rows stay (counts, delivery figures), pointing at no one."""
    ids = list(
        session.exec(
            select(Subscriber.id).where(
                Subscriber.status == SubscriberStatus.OPTED_OUT,
                Subscriber.updated_at < before,
                or_(Subscriber.phone_enc != "", Subscriber.name != ""),
            )
        )
    )
    if not ids:
        return 0
    session.exec(
        update(Message)
        .where(col(Message.subscriber_id).in_(ids))
        .values(to_enc=None, to_hash=PURGED, body="")
    )
    session.exec(delete(SubscriberZone).where(col(SubscriberZone.subscriber_id).in_(ids)))
    for subscriber_id in ids:
        # phone_hash is unique and found by number: a placeholder no number hashes to.
        session.exec(
            update(Subscriber)
            .where(col(Subscriber.id) == subscriber_id)
            .values(name="", phone_enc="", phone_hash=f"{PURGED}:{subscriber_id}", flag=PURGED)
        )
    return len(ids)


def checkpoint(engine: Engine) -> None:
    """SQLite: copy the write-ahead log into the database file and truncate it, so what a purge
    erased is not left in the log. Nothing to do on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
