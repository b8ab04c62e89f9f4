"""Residents signing up by text: ``JOIN 90255`` / ``UNIRSE 90255``, or the word alone and the
ZIP in their next message.

A sign-up makes a ``pending`` subscriber with the role ``community`` in every zone holding the
ZIP (a ZIP zone listing it, or a circle or polygon around the ZIP's centroid); their YES/SI makes
them active, and from then on they hear of confirmed raids, stand-downs and all-clears in those
zones, never of unverified sightings. It is never a report.

Sign-ups cost texts, and a confirmed raid texts every community member of its zones, so they are
limited like reports; nothing here ever touches a report. Within ``AVISA_COMMAND_WINDOW_MIN``:

- A number gets at most one confirmation (and one of each other answer): ``JOIN`` fifty times,
  or on WhatsApp and by SMS, is one text. The sent texts are the memory (by blind index).
- A zone sends at most ``AVISA_SIGNUP_BURST`` confirmations. Past it the sign-up is kept —
  pending, flagged ``signup:held``, audited ``subscriber.signup_held`` — and its confirmation
  waits: ``release_held`` (the maintenance sweep) sends waiting ones, oldest first, as the zone's
  window frees up, and a held person texting JOIN again is confirmed as soon as there is room. So
  a neighbourhood meeting where 40 people text ``UNIRSE 90255`` at once gets 30 confirmations at
  once and the other 10 within the window, while 300 numbers in 4 s cost 30 texts a window, each
  of them visible to coordinators, who can remove the lot before they drain.
- ``AVISA_SIGNUP_SEQUENTIAL_NUMBERS`` consecutive numbers (…0101, …0102, …) signing up mark a
  flood: numbers bought in a block. Every pending sign-up of the run is flagged
  ``signup:flood`` (audited): no confirmation ever goes out on its own, no sweep sends one, and
  their YES/START does nothing; coordinators see them flagged in the subscriber list.

A held sign-up cannot confirm itself: YES or START from it is kept and answered with nothing
(``held_answer``); STOP is obeyed as from anyone. Counting across numbers is exact when the
sign-ups name one ZIP (the intake job locks the ZIP's area); across a zone's several ZIPs
concurrent workers may each send one more than the burst.
"""

import re
from datetime import datetime, timedelta
from typing import cast

from sqlmodel import Session, col, func, select

from core import audit, channels
from core.clock import now
from core.decisions import Decisions
from core.enums import Language, MessageKind, SubscriberRole, SubscriberStatus
from core.geo import zip_centroid
from core.keywords import Command, parse_join, zip_in
from core.language import detect
from core.models import AuditEvent, InboundMessage, Message, Subscriber, SubscriberZone, Zone
from core.outbox import texted_within
from core.phones import PhoneVault
from core.settings import Settings
from core.subscribers import opt_in_requests
from core.zones import contains

ASKED_ZIP = "signup:asked_zip"  # the outcome that marks our question for the ZIP
SIGNUP, SIGNUP_HELD, SIGNUP_RELEASED = (
    "subscriber.signup",
    "subscriber.signup_held",
    "subscriber.signup_released",
)
HELD = "signup:held"  # subscriber.flag: past its zone's burst; the sweep confirms it later
FLOOD = "signup:flood"  # subscriber.flag: a run of consecutive numbers; never confirmed on its own
CONFIRMATION = "join:"  # the start of every sign-up confirmation's dedupe key
SYSTEM = "system"
_ZIP_OF = re.compile(r"zip (\d{5})")


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
    settings: Settings,
) -> tuple[str, Decisions]:
    """Sign ``sender`` (not yet a subscriber) up for the zones of ``command.zip_code``; without a
    ZIP, ask for it. Returns (outcome, decisions)."""
    decisions = Decisions()
    window = settings.command_window_min

    def reply_once(template: str, **params: object) -> bool:
        if texted_within(session, inbound.from_hash, f"{template}:", minutes=window):
            return False
        key = f"{template}:{inbound.id}"
        decisions.text(template, language, dedupe_key=key, to_e164=sender, **params)
        return True

    if command.zip_code is None:
        reply_once("join_ask_zip")
        return ASKED_ZIP, decisions  # asked (now or within the window): the next text answers
    zip_code = command.zip_code
    zone_ids = zones_for_zip(session, zip_code)
    if not zone_ids:
        answered = reply_once("join_no_zone", bilingual=True, zip=zip_code)
        return "signup:no_zone" + ("" if answered else ":quiet"), decisions
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
    held = _hold(session, vault, subscriber, number, zone_ids, zip_code, settings)
    if held is not None:
        return held, decisions
    audit.record(
        session,
        actor="sms",
        action=SIGNUP,
        target=f"subscriber:{subscriber.id}",
        detail=f"zip {zip_code}",
    )
    if not texted_within(session, subscriber.phone_hash, CONFIRMATION, minutes=window):
        decisions.extend(_confirmation(subscriber, zip_code, inbound.id))
    return "signup:pending", decisions


def join_again(
    session: Session,
    subscriber: Subscriber,
    command: Command,
    inbound: InboundMessage,
    *,
    settings: Settings,
) -> tuple[str, Decisions]:
    """JOIN from someone already on the roster: a resident adds the ZIP's zones, a pending one is
    asked again (once a window, and a held one only when its zone has room), anyone else is told
    they are in (once a window)."""
    decisions = Decisions()
    window = settings.command_window_min
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
        if subscriber.flag == FLOOD:
            return "signup:held", decisions
        if texted_within(session, subscriber.phone_hash, CONFIRMATION, minutes=window):
            return "signup:pending:quiet", decisions
        zip_code = command.zip_code or _held_zip(session, subscriber) or ""
        if subscriber.flag == HELD:
            since = now() - timedelta(minutes=window)
            zone_ids = _zone_ids_of(session, subscriber)
            if any(_confirmations_in(session, z, since) >= settings.signup_burst for z in zone_ids):
                return "signup:held", decisions
            _release(session, subscriber)
        decisions.extend(_confirmation(subscriber, zip_code, inbound.id))
        return "signup:pending", decisions
    if texted_within(session, subscriber.phone_hash, "join_already:", minutes=window):
        return "signup:already:quiet", decisions
    decisions.text(
        "join_already",
        subscriber.language,
        dedupe_key=f"join_already:{inbound.id}",
        subscriber=subscriber,
    )
    return "signup:already", decisions


def is_held(subscriber: Subscriber) -> bool:
    """A sign-up whose confirmation has not gone out (a burst or a flood held it). The flag
    outlives a STOP, so STOP then START cannot step around it."""
    return subscriber.status != SubscriberStatus.ACTIVE and subscriber.flag in (HELD, FLOOD)


def held_answer(subscriber: Subscriber) -> tuple[str, Decisions]:
    """YES or START from a held sign-up: kept (the message is stored), but it confirms nothing
    and is not answered — otherwise a flood would need no confirmation text to become active."""
    return "signup:held", Decisions()


def release_held(session: Session, *, settings: Settings, limit: int = 500) -> Decisions:
    """Confirmations for sign-ups held by a burst, oldest first, as far as each of their zones'
    window has room (``AVISA_SIGNUP_BURST``); flood-held ones wait for a coordinator. For the
    maintenance sweep: run it on one worker at a time."""
    decisions = Decisions()
    since = now() - timedelta(minutes=settings.command_window_min)
    waiting = session.exec(
        select(Subscriber)
        .where(Subscriber.flag == HELD, Subscriber.status == SubscriberStatus.PENDING)
        .order_by(col(Subscriber.id))
        .limit(limit)
    ).all()
    sent: dict[int, int] = {}  # confirmations per zone this window, counted as we go
    for subscriber in waiting:
        zone_ids = _zone_ids_of(session, subscriber)
        for z in zone_ids:
            if z not in sent:
                sent[z] = _confirmations_in(session, z, since)
        if not zone_ids or any(sent[z] >= settings.signup_burst for z in zone_ids):
            continue
        for z in zone_ids:
            sent[z] += 1
        _release(session, subscriber)
        decisions.extend(_confirmation(subscriber, _held_zip(session, subscriber) or "", "release"))
    return decisions


def _confirmation(subscriber: Subscriber, zip_code: str, suffix: object) -> Decisions:
    decisions = Decisions()
    decisions.text(
        "join_request",
        subscriber.language,
        dedupe_key=f"{CONFIRMATION}{subscriber.id}:{suffix}",
        kind=MessageKind.OPT_IN,
        subscriber=subscriber,
        bilingual=True,
        zip=zip_code,
    )
    return decisions


def _hold(
    session: Session,
    vault: PhoneVault,
    subscriber: Subscriber,
    number: str,
    zone_ids: list[int],
    zip_code: str,
    settings: Settings,
) -> str | None:
    """Flag and audit a new sign-up that must not be confirmed now; the outcome, or None."""
    since = now() - timedelta(minutes=settings.command_window_min)
    run = _sequential_run(session, vault, number, since)
    if len(run) + 1 >= settings.signup_sequential_numbers:
        # The whole run is one flood, its first members too (their confirmation may have gone
        # out, but their YES no longer counts).
        others = session.exec(
            select(Subscriber).where(
                col(Subscriber.id).in_(run),
                Subscriber.status == SubscriberStatus.PENDING,
                col(Subscriber.flag).is_distinct_from(FLOOD),
            )
        ).all()
        for member in [*others, subscriber]:
            _flag(session, member, FLOOD, f"zip {zip_code}: sequential numbers")
        return "signup:flood"
    if any(_confirmations_in(session, z, since) >= settings.signup_burst for z in zone_ids):
        _flag(session, subscriber, HELD, f"zip {zip_code}: burst")
        return "signup:held"
    return None


def _flag(session: Session, subscriber: Subscriber, flag: str, detail: str) -> None:
    subscriber.flag, subscriber.updated_at = flag, now()
    session.add(subscriber)
    audit.record(
        session,
        actor=SYSTEM,
        action=SIGNUP_HELD,
        target=f"subscriber:{subscriber.id}",
        detail=detail,
    )


def _release(session: Session, subscriber: Subscriber) -> None:
    subscriber.flag, subscriber.updated_at = None, now()
    session.add(subscriber)
    audit.record(
        session, actor=SYSTEM, action=SIGNUP_RELEASED, target=f"subscriber:{subscriber.id}"
    )


def _confirmations_in(session: Session, zone_id: int, since: datetime) -> int:
    """Sign-up confirmations stored for members of the zone since ``since``."""
    members = select(SubscriberZone.subscriber_id).where(SubscriberZone.zone_id == zone_id)
    return session.exec(
        select(func.count(col(Message.id))).where(
            Message.kind == MessageKind.OPT_IN,
            col(Message.dedupe_key).startswith(CONFIRMATION),
            Message.created_at >= since,
            col(Message.subscriber_id).in_(members),
        )
    ).one()


def _zone_ids_of(session: Session, subscriber: Subscriber) -> list[int]:
    return list(
        session.exec(
            select(SubscriberZone.zone_id).where(SubscriberZone.subscriber_id == subscriber.id)
        )
    )


def _held_zip(session: Session, subscriber: Subscriber) -> str | None:
    """The ZIP a held sign-up named (kept in its audit line), for its confirmation's text."""
    detail = session.exec(
        select(AuditEvent.detail)
        .where(AuditEvent.action == SIGNUP_HELD, AuditEvent.target == f"subscriber:{subscriber.id}")
        .order_by(col(AuditEvent.id).desc())
    ).first()
    found = _ZIP_OF.match(detail or "")
    return found[1] if found else None


def _sequential_run(session: Session, vault: PhoneVault, number: str, since: datetime) -> list[int]:
    """Ids of the window's other sign-ups whose numbers run consecutively into ``number``
    (…0101, …0102, …0103): numbers bought in a block. Found by the blind index of each neighbour
    in turn, so no number is ever opened and a long flood costs a few hashes a sign-up."""
    targets = session.exec(
        select(AuditEvent.target).where(
            col(AuditEvent.action).in_((SIGNUP, SIGNUP_HELD)), AuditEvent.created_at >= since
        )
    )
    ids = {int(t.split(":", 1)[1]) for t in targets if t.startswith("subscriber:")}
    rows = session.exec(
        select(Subscriber.phone_hash, Subscriber.id).where(col(Subscriber.id).in_(ids))
    )
    by_hash = {phone_hash: subscriber_id for phone_hash, subscriber_id in rows}
    digits = number.lstrip("+")
    if not digits.isdigit():
        return []
    run: list[int] = []
    for step in (-1, 1):
        other = int(digits) + step
        while (found := by_hash.get(vault.index(f"+{other}"))) is not None:
            run.append(found)
            other += step
    return run
