"""Broadcasts: a coordinator's own text to every active subscriber of some zones and roles.

Each recipient gets one text of kind ``broadcast`` in their language (the other one when the
coordinator wrote only that), stored through the normal delivery path: ``send`` returns
``Decisions`` that ``workers.effects.carry_out`` stores (dedupe key
``broadcast:<id>:<subscriber>``, so a re-run never texts twice) and enqueues. A door that must
answer at once (the API) calls ``queue`` (the broadcast, counted, no texts yet) and leaves
``write`` (the texts, batch by batch) to a job; ``status`` says how far it got. Never pending or
opted-out subscribers. Segment counts come from the caller (``segments_of``): counting them is
``messaging``'s, which ``core`` does not import.
"""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core import audit
from core.decisions import Decisions
from core.enums import BroadcastStatus, Language, MessageKind, SubscriberRole, SubscriberStatus
from core.errors import Invalid
from core.inbound import CONTROL_CHARS
from core.models import Broadcast, Message, Subscriber, SubscriberZone, Zone
from core.subscribers import active_in_zones

TEMPLATE = "broadcast"  # messaging.templates: the hotline's name, then the coordinator's words
WRITE_BATCH = 1000  # texts decided, stored and committed together by ``write``
# (language, the coordinator's text) → SMS segments of the text as the subscriber will get it.
SegmentsOf = Callable[[str, str], int]


@dataclass(frozen=True)
class BroadcastRequest:
    zone_ids: tuple[int, ...]
    roles: tuple[str, ...]
    body: dict[str, str]  # language → text; at least one


@dataclass(frozen=True)
class Plan:
    """Who gets which text: (subscriber, language, text) each."""

    texts: list[tuple[Subscriber, Language, str]]

    def segments(self, segments_of: SegmentsOf) -> int:
        cost: dict[tuple[str, str], int] = {}
        for _, language, text in self.texts:
            if (language, text) not in cost:
                cost[language, text] = segments_of(language, text)
        return sum(cost[language, text] for _, language, text in self.texts)


def _checked(session: Session, request: BroadcastRequest) -> tuple[dict[str, str], list[int]]:
    """The request's texts by language and its zones. Invalid for unknown zones or roles, or no
    text at all."""
    body = {lang: text.strip() for lang, text in request.body.items() if text and text.strip()}
    if not body or set(body) - set(Language):
        raise Invalid("body: give the text in es, en or both")
    if any(CONTROL_CHARS.search(text) for text in body.values()):
        raise Invalid("body: must not contain control characters (NUL, ESC …)")
    if not request.zone_ids:
        raise Invalid("zone_ids: at least one zone")
    stored = session.exec(select(Zone.id).where(col(Zone.id).in_(request.zone_ids)))
    known = {cast(int, zone_id) for zone_id in stored}  # primary keys: never None
    unknown = sorted(set(request.zone_ids) - known)
    if unknown:
        raise Invalid("zone_ids: unknown zone ids {ids}", ids=unknown)
    bad_roles = set(request.roles) - set(SubscriberRole)
    if bad_roles or not request.roles:
        raise Invalid("roles: must be some of {choices}", choices=", ".join(SubscriberRole))
    return body, sorted(known)


def _language(subscriber_language: str, body: dict[str, str]) -> Language:
    # body's keys were checked to be Language values, so Language() cannot fail here.
    return Language(subscriber_language if subscriber_language in body else next(iter(body)))


def plan(session: Session, request: BroadcastRequest) -> Plan:
    """The recipients and their texts. Invalid for unknown zones or roles, or no text at all."""
    body, known = _checked(session, request)
    recipients: dict[int, Subscriber] = {}
    for role in dict.fromkeys(request.roles):
        for subscriber in active_in_zones(session, known, role):
            recipients.setdefault(cast(int, subscriber.id), subscriber)  # a stored row's id
    texts = []
    for subscriber_id in sorted(recipients):
        subscriber = recipients[subscriber_id]
        language = _language(subscriber.language, body)
        texts.append((subscriber, language, body[language]))
    return Plan(texts)


def _count(session: Session, request: BroadcastRequest, segments_of: SegmentsOf) -> tuple[int, int]:
    """(recipients, segments) as ``plan`` would find them, from three columns of each subscriber
    rather than whole rows: a request for 16,000 people answers at once."""
    body, known = _checked(session, request)
    in_zones = select(SubscriberZone.subscriber_id).where(col(SubscriberZone.zone_id).in_(known))
    rows = session.exec(
        select(Subscriber.id, Subscriber.roles, Subscriber.language).where(
            col(Subscriber.id).in_(in_zones), Subscriber.status == SubscriberStatus.ACTIVE
        )
    )
    wanted = set(request.roles)
    languages = Counter(_language(lang, body) for _, roles, lang in rows if wanted & set(roles))
    cost = sum(n * segments_of(lang, body[lang]) for lang, n in languages.items())
    return sum(languages.values()), cost


def preview(
    session: Session, request: BroadcastRequest, *, segments_of: SegmentsOf
) -> dict[str, int]:
    """``{"recipients", "segments"}`` the broadcast would cost; nothing is stored or sent."""
    found = plan(session, request)
    return {"recipients": len(found.texts), "segments": found.segments(segments_of)}


def send(
    session: Session, request: BroadcastRequest, *, actor: str, segments_of: SegmentsOf
) -> tuple[Broadcast, Decisions]:
    """Store the broadcast (audited) and decide one text per recipient."""
    found = plan(session, request)
    broadcast = Broadcast(
        actor=actor,
        zone_ids=sorted(set(request.zone_ids)),
        roles=list(dict.fromkeys(request.roles)),
        body_es=(request.body.get("es") or "").strip() or None,
        body_en=(request.body.get("en") or "").strip() or None,
        recipients=len(found.texts),
        segments=found.segments(segments_of),
    )
    session.add(broadcast)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="broadcast.send",
        target=f"broadcast:{broadcast.id}",
        detail=f"{broadcast.recipients} recipients in zones {broadcast.zone_ids}",
    )
    decisions = _decide(cast(int, broadcast.id), found.texts)
    return broadcast, decisions


def queue(
    session: Session, request: BroadcastRequest, *, actor: str, segments_of: SegmentsOf
) -> Broadcast:
    """Store the broadcast (audited) with its recipients and segments counted, its texts not yet
    written: ``write`` does that, in a job. Invalid as ``plan``."""
    recipients, segments = _count(session, request, segments_of)
    broadcast = Broadcast(
        actor=actor,
        zone_ids=sorted(set(request.zone_ids)),
        roles=list(dict.fromkeys(request.roles)),
        body_es=(request.body.get("es") or "").strip() or None,
        body_en=(request.body.get("en") or "").strip() or None,
        recipients=recipients,
        segments=segments,
        status=BroadcastStatus.QUEUED,
    )
    session.add(broadcast)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="broadcast.send",
        target=f"broadcast:{broadcast.id}",
        detail=f"{broadcast.recipients} recipients in zones {broadcast.zone_ids}",
    )
    return broadcast


def write(
    session: Session,
    broadcast_id: int,
    *,
    commit: Callable[[Decisions], object],
    batch: int = WRITE_BATCH,
) -> Broadcast | None:
    """Decide the texts of a queued broadcast, ``batch`` at a time, each batch handed to
    ``commit`` (which stores, commits and enqueues them); then mark it written. Idempotent: a
    re-run (its worker died) decides them all again and the dedupe keys keep each text once.
    The audience is the one at the time of writing. None for an unknown broadcast."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.status == BroadcastStatus.WRITTEN:
        return broadcast
    request = BroadcastRequest(
        zone_ids=tuple(broadcast.zone_ids),
        roles=tuple(broadcast.roles),
        body={k: v for k, v in (("es", broadcast.body_es), ("en", broadcast.body_en)) if v},
    )
    found = plan(session, request)
    broadcast.status = BroadcastStatus.WRITING
    broadcast.recipients = len(found.texts)
    session.add(broadcast)
    for start in range(0, len(found.texts), batch):
        commit(_decide(cast(int, broadcast.id), found.texts[start : start + batch]))
    broadcast.status = BroadcastStatus.WRITTEN
    session.add(broadcast)
    commit(Decisions())
    return broadcast


def _decide(broadcast_id: int, texts: list[tuple[Subscriber, Language, str]]) -> Decisions:
    decisions = Decisions()
    for subscriber, language, text in texts:
        decisions.text(
            TEMPLATE,
            language,
            dedupe_key=f"broadcast:{broadcast_id}:{subscriber.id}",
            kind=MessageKind.BROADCAST,
            subscriber=subscriber,
            body=text,
        )
    return decisions


def unwritten(session: Session, *, older_than: datetime) -> list[int]:
    """Broadcasts whose texts are not all written since before ``older_than``: their job was
    lost if none is running (the caller knows)."""
    rows = session.exec(
        select(Broadcast.id).where(
            Broadcast.status != BroadcastStatus.WRITTEN, Broadcast.created_at <= older_than
        )
    )
    return [cast(int, i) for i in rows]


def delivery(session: Session, broadcast_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Each broadcast's texts counted by status (one query per broadcast, on the dedupe key's
    index-friendly prefix)."""
    figures: dict[int, dict[str, int]] = {}
    for broadcast_id in broadcast_ids:
        rows = session.exec(
            select(Message.status, func.count())
            .where(
                Message.kind == MessageKind.BROADCAST,
                col(Message.dedupe_key).startswith(f"broadcast:{broadcast_id}:"),
            )
            .group_by(Message.status)
        )
        figures[broadcast_id] = {str(status): count for status, count in rows}
    return figures


def listing() -> SelectOfScalar[Broadcast]:
    """Every broadcast, as a query to page through (newest first)."""
    return select(Broadcast)
