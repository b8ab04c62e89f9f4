"""Residents signing up by text: ``JOIN 90255`` / ``UNIRSE 90255``, or the word alone and the
ZIP in their next message.

A sign-up makes a ``pending`` subscriber with the role ``community`` in every zone holding the
ZIP (a ZIP zone listing it, or a circle or polygon around the ZIP's centroid); their YES/SI makes
them active, and from then on they hear of confirmed raids, stand-downs and all-clears in those
zones, never of unverified sightings. It is never a report.
"""

from datetime import timedelta
from typing import cast

from sqlmodel import Session, col, select

from core import audit, channels
from core.clock import now
from core.decisions import Decisions
from core.enums import Language, MessageKind, SubscriberRole, SubscriberStatus
from core.geo import zip_centroid
from core.keywords import Command, parse_join, zip_in
from core.language import detect
from core.models import InboundMessage, Subscriber, SubscriberZone, Zone
from core.phones import PhoneVault
from core.subscribers import opt_in_requests
from core.zones import contains

ASKED_ZIP = "signup:asked_zip"  # the outcome that marks our question for the ZIP


def zones_for_zip(session: Session, zip_code: str) -> list[int]:
    """Ids of the zones holding ``zip_code``."""
    centroid = zip_centroid(zip_code)
    found = []
    for zone in session.exec(select(Zone).order_by(col(Zone.id))):
        if zone.zips:
            if zip_code in zone.zips:
                found.append(zone.id)
        elif centroid is not None and contains(zone, *centroid, zip_code=zip_code):
            found.append(zone.id)
    # Stored rows' ids are set; the model types them Optional only for rows not yet inserted.
    return cast(list[int], found)


def question_answered(
    session: Session, inbound: InboundMessage, *, followup_min: float
) -> Language | None:
    """The language we asked in, when this message comes right after we asked its sender for a
    ZIP, within the follow-up window, and holds one; else None."""
    if zip_in(inbound.body) is None:
        return None
    previous = session.exec(
        select(InboundMessage)
        .where(InboundMessage.from_hash == inbound.from_hash, InboundMessage.id != inbound.id)
        .where(col(InboundMessage.received_at) <= inbound.received_at)
        .order_by(col(InboundMessage.received_at).desc(), col(InboundMessage.id).desc())
    ).first()
    if (
        previous is None
        or previous.outcome != ASKED_ZIP
        or previous.received_at < now() - timedelta(minutes=followup_min)
    ):
        return None
    asked = parse_join(previous.body)
    if asked is None:  # asked in free words ("how do I sign up?"): their language
        return detect(previous.body)
    return asked.language or Language.ES


def join(
    session: Session,
    vault: PhoneVault,
    sender: str,
    command: Command,
    inbound: InboundMessage,
    *,
    language: Language,
) -> tuple[str, Decisions]:
    """Sign ``sender`` (not yet a subscriber) up for the zones of ``command.zip_code``; without a
    ZIP, ask for it. Returns (outcome, decisions)."""
    decisions = Decisions()
    key = f"reply:{inbound.id}"
    if command.zip_code is None:
        decisions.text("join_ask_zip", language, dedupe_key=key, to_e164=sender)
        return ASKED_ZIP, decisions
    zip_code = command.zip_code
    zone_ids = zones_for_zip(session, zip_code)
    if not zone_ids:
        decisions.text(
            "join_no_zone", language, dedupe_key=key, to_e164=sender, bilingual=True, zip=zip_code
        )
        return "signup:no_zone", decisions
    channel, number = channels.parse(sender)  # a WhatsApp sign-up gets its alerts there
    subscriber = Subscriber(
        phone_enc=vault.seal(number),
        phone_hash=vault.index(number),
        channel=channel,
        name=f"SMS sign-up {zip_code}",
        language=language,
        roles=[SubscriberRole.COMMUNITY],
        status=SubscriberStatus.PENDING,
    )
    session.add(subscriber)
    session.flush()
    subscriber_id = cast(int, subscriber.id)  # flushed: the id is set
    session.add_all(SubscriberZone(subscriber_id=subscriber_id, zone_id=z) for z in zone_ids)
    audit.record(
        session,
        actor="sms",
        action="subscriber.signup",
        target=f"subscriber:{subscriber.id}",
        detail=f"zip {zip_code}",
    )
    decisions.text(
        "join_request",
        language,
        dedupe_key=f"opt_in:{subscriber.id}",
        kind=MessageKind.OPT_IN,
        subscriber=subscriber,
        bilingual=True,
        zip=zip_code,
    )
    return "signup:pending", decisions


def join_again(
    session: Session, subscriber: Subscriber, command: Command, inbound: InboundMessage
) -> tuple[str, Decisions]:
    """JOIN from someone already on the roster: a resident adds the ZIP's zones, a pending one is
    asked again (once: the opt-in text's key), anyone else is told they are in."""
    decisions = Decisions()
    if subscriber.roles == [SubscriberRole.COMMUNITY] and command.zip_code:
        have = set(
            session.exec(
                select(SubscriberZone.zone_id).where(SubscriberZone.subscriber_id == subscriber.id)
            )
        )
        new = [z for z in zones_for_zip(session, command.zip_code) if z not in have]
        subscriber_id = cast(int, subscriber.id)  # a stored subscriber: the id is set
        session.add_all(SubscriberZone(subscriber_id=subscriber_id, zone_id=z) for z in new)
    if subscriber.status == SubscriberStatus.PENDING:
        if subscriber.roles != [SubscriberRole.COMMUNITY]:
            return "signup:pending", opt_in_requests([subscriber])  # stored once: never twice
        decisions.text(
            "join_request",
            subscriber.language,
            dedupe_key=f"reply:{inbound.id}",
            kind=MessageKind.OPT_IN,
            subscriber=subscriber,
            bilingual=True,
            zip=command.zip_code or "",
        )
        return "signup:pending", decisions
    decisions.text(
        "join_already",
        subscriber.language,
        dedupe_key=f"reply:{inbound.id}",
        subscriber=subscriber,
    )
    return "signup:already", decisions
