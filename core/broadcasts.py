"""Broadcasts: a coordinator's own text to every active subscriber of some zones and roles.

Each recipient gets one text of kind ``broadcast`` in their language (the other one when the
coordinator wrote only that), stored through the normal delivery path: ``send`` returns
``Decisions`` that ``workers.effects.carry_out`` stores (dedupe key
``broadcast:<id>:<subscriber>``, so a re-run never texts twice) and enqueues. Never pending or
opted-out subscribers. Segment counts come from the caller (``segments_of``): counting them is
``messaging``'s, which ``core`` does not import.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core import audit
from core.decisions import Decisions
from core.enums import Language, MessageKind, SubscriberRole
from core.errors import Invalid
from core.inbound import CONTROL_CHARS
from core.models import Broadcast, Message, Subscriber, Zone
from core.subscribers import active_in_zones

TEMPLATE = "broadcast"  # messaging.templates: the hotline's name, then the coordinator's words
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


def plan(session: Session, request: BroadcastRequest) -> Plan:
    """The recipients and their texts. Invalid for unknown zones or roles, or no text at all."""
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
    recipients: dict[int, Subscriber] = {}
    for role in dict.fromkeys(request.roles):
        for subscriber in active_in_zones(session, sorted(known), role):
            recipients.setdefault(cast(int, subscriber.id), subscriber)  # a stored row's id
    texts = []
    for subscriber_id in sorted(recipients):
        subscriber = recipients[subscriber_id]
        # body's keys were checked above to be Language values, so Language() cannot fail here.
        language = (
            subscriber.language if subscriber.language in body else Language(next(iter(body)))
        )
        texts.append((subscriber, language, body[language]))
    return Plan(texts)


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
    decisions = Decisions()
    for subscriber, language, text in found.texts:
        decisions.text(
            TEMPLATE,
            language,
            dedupe_key=f"broadcast:{broadcast.id}:{subscriber.id}",
            kind=MessageKind.BROADCAST,
            subscriber=subscriber,
            body=text,
        )
    return broadcast, decisions


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
