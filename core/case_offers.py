"""Offering detention cases to legal aid (``core.cases``): the zone's volunteers first (all of
them when no zone is known), the first ``TOMO`` / ``TAKE`` owns it (a conditional update: one
winner, the others told it is taken), and a case nobody took in ``AVISA_CASE_TAKE_MINUTES`` goes
to every volunteer and to the coordinators, once (``escalated_at`` claimed like an incident's).
"""

from collections.abc import Sequence
from datetime import timedelta
from typing import cast

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import audit
from core.audience import coordinators
from core.cases import get, key, tell_family
from core.clock import now
from core.decisions import Decisions
from core.enums import OPEN_CASE, CaseStatus, SubscriberRole, SubscriberStatus
from core.errors import Conflict
from core.models import DetentionCase, Message, Subscriber
from core.phones import PhoneVault
from core.subscribers import active_in_zones


def _legal_aid(session: Session, zone_ids: Sequence[int]) -> list[Subscriber]:
    """Active legal aid volunteers of these zones; with no zone, all of them (a case with no
    known place must still reach someone)."""
    if zone_ids:
        found = active_in_zones(session, zone_ids, SubscriberRole.LEGAL_AID)
        if found:
            return found
    rows = session.exec(select(Subscriber).where(Subscriber.status == SubscriberStatus.ACTIVE))
    return [s for s in rows if SubscriberRole.LEGAL_AID in s.roles]


def _coordinators(session: Session, zone_id: int | None) -> list[Subscriber]:
    """The zone's coordinators and those of none; for a case of no known zone, all of them."""
    if zone_id is not None:
        return coordinators(session, [zone_id])
    rows = session.exec(select(Subscriber).where(Subscriber.status == SubscriberStatus.ACTIVE))
    return [s for s in rows if SubscriberRole.COORDINATOR in s.roles]


def offer(session: Session, case: DetentionCase) -> Decisions:
    """Offer the case to its zone's legal aid (once: ``offered_at`` is claimed)."""
    decisions = Decisions()
    claimed = session.exec(
        update(DetentionCase)
        .where(col(DetentionCase.id) == case.id, col(DetentionCase.offered_at).is_(None))
        .values(offered_at=now(), step="done", step_until=None)
    ).rowcount
    if claimed != 1:
        return decisions
    session.refresh(case)
    zone_ids = [case.zone_id] if case.zone_id is not None else []
    template = "case_offer_incident" if case.incident_id else "case_offer"
    for volunteer in _legal_aid(session, zone_ids):
        decisions.text(
            template,
            volunteer.language,
            dedupe_key=key(case, f"offer:{volunteer.id}"),
            subscriber=volunteer,
            case=case.id,
            incident=case.incident_id or "",
        )
    return decisions


def due_offers(session: Session, *, stall_minutes: float) -> list[int]:
    """Cases whose family stopped answering ``stall_minutes`` ago: offered with what they said."""
    stalled = now() - timedelta(minutes=stall_minutes)
    query = select(DetentionCase.id).where(
        col(DetentionCase.offered_at).is_(None),
        DetentionCase.updated_at < stalled,
        col(DetentionCase.status).in_(OPEN_CASE),
    )
    return [i for i in session.exec(query) if i is not None]


def take(
    session: Session,
    vault: PhoneVault,
    case_id: int,
    *,
    owner: str,
    subscriber: Subscriber | None = None,
) -> Decisions:
    """``owner`` takes the case if nobody did (one winner however many try at once); the owner
    gets the case's details by text when they took it by text, the family hears someone has it,
    and the other volunteers it was offered to hear it is taken. Conflict when it is not new."""
    case = get(session, case_id)
    claimed = session.exec(
        update(DetentionCase)
        .where(col(DetentionCase.id) == case_id, col(DetentionCase.status) == CaseStatus.NEW)
        .values(
            status=CaseStatus.TAKEN,
            owner=owner,
            owner_subscriber_id=subscriber.id if subscriber is not None else None,
            taken_at=now(),
            updated_at=now(),
        )
    ).rowcount
    if claimed != 1:
        raise Conflict("case {id} is already taken or closed", id=case_id)
    session.refresh(case)
    audit.record(session, actor=owner, action="case.take", target=f"case:{case_id}")
    decisions = Decisions()
    if subscriber is not None:
        decisions.extend(brief(session, vault, case, subscriber))
    decisions.extend(tell_family(vault, case, CaseStatus.TAKEN, moment="taken"))
    offered = session.exec(
        select(Message.subscriber_id).where(
            col(Message.dedupe_key).startswith(key(case, "offer:"), autoescape=True)
        )
    )
    others = {i for i in offered if i is not None} - {subscriber.id if subscriber else None}
    for other in session.exec(select(Subscriber).where(col(Subscriber.id).in_(others))):
        decisions.text(
            "case_taken_other",
            other.language,
            dedupe_key=key(case, f"taken:{other.id}"),
            subscriber=other,
            case=case_id,
        )
    return decisions


def brief(session: Session, vault: PhoneVault, case: DetentionCase, owner: Subscriber) -> Decisions:
    """The owner's text with what the family told us (they may see it: it is their case)."""
    audit.record(
        session, actor=f"subscriber:{owner.id}", action="case.view", target=f"case:{case.id}"
    )
    unknown = "-"

    def opened(token: str | None) -> str:
        return vault.open(token) if token else unknown

    decisions = Decisions()
    decisions.text(
        "case_yours",
        owner.language,
        dedupe_key=key(case, f"brief:{owner.id}"),
        subscriber=owner,
        case=case.id,
        name=opened(case.name_enc),
        birth=opened(case.birth_enc),
        place=opened(case.place_enc),
        when=opened(case.taken_enc),
        contact=opened(case.contact_enc or case.family_enc),
    )
    return decisions


def escalate_due(session: Session, *, take_minutes: float) -> Decisions:
    """Cases offered ``take_minutes`` ago and still new go wider, once each: to every active legal
    aid volunteer not yet offered it, and to the coordinators of its zone (and those of none;
    all of them for a case of no known zone)."""
    decisions = Decisions()
    deadline = now() - timedelta(minutes=take_minutes)
    due = session.exec(
        select(DetentionCase.id).where(
            DetentionCase.status == CaseStatus.NEW,
            col(DetentionCase.offered_at).is_not(None),
            col(DetentionCase.offered_at) <= deadline,
            col(DetentionCase.escalated_at).is_(None),
        )
    )
    for case_id in list(due):
        claimed = session.exec(
            update(DetentionCase)
            .where(col(DetentionCase.id) == case_id, col(DetentionCase.escalated_at).is_(None))
            .values(escalated_at=now())
        ).rowcount
        if claimed != 1:
            continue
        case = get(session, cast(int, case_id))
        audit.record(session, actor="escalation", action="case.escalate", target=f"case:{case_id}")
        minutes = round(take_minutes)
        for volunteer in _legal_aid(session, []):
            decisions.text(
                "case_offer_wide",
                volunteer.language,
                dedupe_key=key(case, f"offer:{volunteer.id}"),
                subscriber=volunteer,
                case=case_id,
                minutes=minutes,
            )
        for coordinator in _coordinators(session, case.zone_id):
            decisions.text(
                "case_unclaimed",
                coordinator.language,
                dedupe_key=key(case, f"unclaimed:{coordinator.id}"),
                subscriber=coordinator,
                case=case_id,
                minutes=minutes,
            )
    return decisions
