"""Outbound texts are written here first, then sent by a worker (persist first, then send). This
module is the one writer of ``Message`` rows: one at a time (``add_message``) or many in one
statement (``add_messages``), the same columns, channel and lane either way.

``dedupe_key`` names what the text is for ("alert:7:42", "reply:1031"), so a job that runs twice
finds the row it wrote the first time instead of writing a second text.

``lane`` (``core.enums.Lane``) says how soon it must leave, fixed here when the text is stored:
the sender hands texts to the provider lane by lane.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import channels
from core.clock import now
from core.enums import Channel, Lane, Language, MessageKind, MessageStatus, SubscriberRole
from core.errors import Invalid
from core.models import Message, Subscriber
from core.phones import PhoneVault
from core.settings import Settings

BULK_KINDS = frozenset({MessageKind.OPT_IN, MessageKind.BROADCAST})
# The alerts that reach the people who go and verify: a new raid's responders, an escalation.
FIRST_AUDIENCES = frozenset({"responders", "escalation"})


def lane_for(
    kind: str, *, audience: str | None = None, subscriber: Subscriber | None = None
) -> Lane:
    """The lane of a ``kind`` text; ``audience`` is its alert's (``Alert.audience``), if any.

    A new raid's alert to responders and an escalation go first; a community member's alert or
    update (they hear only of confirmed raids) waits for everything a responder or legal aid gets;
    broadcasts and opt-in confirmations go last."""
    if kind in BULK_KINDS:
        return Lane.BULK
    if kind == MessageKind.ALERT and audience in FIRST_AUDIENCES:
        return Lane.FIRST
    community_only = subscriber is not None and set(subscriber.roles) <= {SubscriberRole.COMMUNITY}
    if kind in (MessageKind.ALERT, MessageKind.UPDATE) and (
        audience == "community" or community_only
    ):
        return Lane.COMMUNITY
    return Lane.RESPONDERS


@dataclass(frozen=True)
class Draft:
    """One text to store: the arguments of ``new_message``."""

    dedupe_key: str
    kind: MessageKind
    body: str
    language: Language
    segments: int
    to_e164: str | None = None
    subscriber: Subscriber | None = None
    incident_id: int | None = None
    alert_id: int | None = None
    lane: Lane | None = None  # None: ``lane_for(kind, subscriber=…)``


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


def add_messages(
    session: Session, vault: PhoneVault, drafts: Sequence[Draft], *, settings: Settings
) -> list[Message]:
    """Insert many texts with one look-up and one INSERT … RETURNING, each once per dedupe key,
    routed like ``add_message``; returns the new rows (those already stored are skipped). No model
    instance is built per text: on SQLite an import's batch holds the write lock meanwhile. If two
    runs race, the unique dedupe key fails the later statement, whose retry finds them all."""
    keys = [d.dedupe_key for d in drafts]
    done: set[str] = set()
    for start in range(0, len(keys), 1000):  # bound the IN list
        chunk = keys[start : start + 1000]
        done |= set(
            session.exec(select(Message.dedupe_key).where(col(Message.dedupe_key).in_(chunk)))
        )
    at = now()
    defaults = {"status": MessageStatus.PENDING, "attempts": 0, "created_at": at, "updated_at": at}
    defaults |= dict.fromkeys(("provider_sid", "claimed_at", "error_code", "error_message"))
    defaults["sent_at"] = None
    rows = []
    for draft in drafts:
        if draft.dedupe_key in done:
            continue
        done.add(draft.dedupe_key)
        route = (
            channels.route(session, settings, draft.subscriber, draft.kind)
            if draft.subscriber is not None
            else None
        )
        rows.append(defaults | _values(vault, **_arguments(draft), route=route))
    if not rows:
        return []
    statement = insert(Message).returning(Message, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def _arguments(draft: Draft) -> dict[str, Any]:
    return {name: getattr(draft, name) for name in Draft.__dataclass_fields__}


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
    lane: Lane | None = None,
) -> Message:
    """A Message row addressed to ``subscriber`` (on ``route``, SMS by default) or to ``to_e164``
    (an address: ``whatsapp:+1…`` goes back on WhatsApp), sealed here, not yet added. The blind
    index is always of the number, whatever the channel. ``lane``: by default ``lane_for`` the
    kind and the subscriber."""
    return Message(
        **_values(
            vault,
            dedupe_key=dedupe_key,
            kind=kind,
            body=body,
            language=language,
            segments=segments,
            to_e164=to_e164,
            subscriber=subscriber,
            incident_id=incident_id,
            alert_id=alert_id,
            route=route,
            lane=lane,
        )
    )


def _values(
    vault: PhoneVault,
    *,
    dedupe_key: str,
    kind: MessageKind,
    body: str,
    language: Language,
    segments: int,
    to_e164: str | None,
    subscriber: Subscriber | None,
    incident_id: int | None,
    alert_id: int | None,
    route: channels.Route | None,
    lane: Lane | None,
) -> dict[str, Any]:
    """The columns of a text, addressed and laned: what both writers store."""
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
    return dict(
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
        lane=int(lane if lane is not None else lane_for(kind, subscriber=subscriber)),
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
