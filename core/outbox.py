"""Outbound texts are written here first, then sent by a worker (persist first, then send).

``dedupe_key`` names what the text is for ("alert:7:42", "reply:1031"), so a job that runs twice
finds the row it wrote the first time instead of writing a second text.
"""

from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import channels
from core.clock import now
from core.enums import Channel, Language, MessageKind
from core.errors import Invalid
from core.models import Message, Subscriber
from core.phones import PhoneVault
from core.settings import Settings


def add_message(
    session: Session,
    vault: PhoneVault,
    *,
    dedupe_key: str,
    settings: Settings | None = None,
    **fields: Any,
) -> Message | None:
    """Insert the text once (``fields`` as for ``new_message``). Returns the new row, or None when
    ``dedupe_key`` already exists. With ``settings``, a subscriber's text takes the channel
    ``core.channels.route`` chooses (WhatsApp subscribers); without, SMS."""
    if session.exec(select(Message.id).where(Message.dedupe_key == dedupe_key)).first() is not None:
        return None
    subscriber = fields.get("subscriber")
    if settings is not None and subscriber is not None and "route" not in fields:
        fields["route"] = channels.route(session, settings, subscriber, fields["kind"])
    message = new_message(vault, dedupe_key=dedupe_key, **fields)
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None  # a concurrent job wrote it first: the unique key is the last guard
    return message


def new_message(
    vault: PhoneVault,
    *,
    dedupe_key: str,
    kind: MessageKind,
    body: str,
    language: Language,
    segments: int,
    to_e164: str | None = None,
    subscriber: Subscriber | None = None,
    incident_id: int | None = None,
    alert_id: int | None = None,
    route: channels.Route | None = None,
) -> Message:
    """A Message row addressed to ``subscriber`` (on ``route``, SMS by default) or to ``to_e164``
    (an address: ``whatsapp:+1…`` goes back on WhatsApp), sealed here, not yet added. The blind
    index is always of the number, whatever the channel."""
    route = route or channels.Route()
    if subscriber is not None:
        to_enc, to_hash, channel = subscriber.phone_enc, subscriber.phone_hash, route.channel
        if channel == Channel.WHATSAPP:
            to_enc = vault.seal(channels.address(channel, vault.open(subscriber.phone_enc)))
    elif to_e164 is not None:
        channel, e164 = channels.parse(to_e164)
        to_enc, to_hash = vault.seal(to_e164), vault.index(e164)
    else:
        raise Invalid("a message needs a subscriber or a number")
    return Message(
        dedupe_key=dedupe_key,
        kind=kind,
        body=body,
        language=language,
        segments=segments,
        to_enc=to_enc,
        to_hash=to_hash,
        incident_id=incident_id,
        alert_id=alert_id,
        subscriber_id=subscriber.id if subscriber is not None else None,
        channel=channel,
        content_sid=route.content_sid if channel == Channel.WHATSAPP else None,
    )


def texted_within(session: Session, number_hash: str, purpose: str, *, minutes: float) -> bool:
    """Whether a text for ``purpose`` (the start of its dedupe key, "opted_out:") went to the
    number with blind index ``number_hash`` in the last ``minutes``, on any channel: the memory
    that lets a command be answered once a window, the same on every worker."""
    since = now() - timedelta(minutes=minutes)
    found = session.exec(
        select(Message.id).where(
            Message.to_hash == number_hash,
            Message.created_at >= since,
            col(Message.dedupe_key).startswith(purpose, autoescape=True),
        )
    ).first()
    return found is not None
