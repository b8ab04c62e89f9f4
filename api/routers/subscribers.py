"""Subscribers for coordinators: add (with their confirmation text), import, list, change."""

from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query
from sqlmodel import Session, select

from api.deps import Coordinator, SessionDep, VaultDep, Viewer, actor, get_or_404
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import ImportOut, SubscriberIn, SubscriberOut, SubscriberPatch
from core import subscribers
from core.enums import AccessRole, SubscriberStatus
from core.models import Subscriber
from core.phones import PhoneVault, mask
from workers.effects import carry_out

router = APIRouter(prefix="/api/v1/subscribers", tags=["subscribers"])
MAX_IMPORT_BYTES = 5_000_000


def subscribers_out(
    session: Session, vault: PhoneVault, rows: list[Subscriber]
) -> list[SubscriberOut]:
    zones = subscribers.zone_ids_by_subscriber(session, [s.id for s in rows if s.id is not None])
    return [
        SubscriberOut(
            id=s.id,
            phone=mask(vault.open(s.phone_enc)),
            name=s.name,
            language=s.language,
            roles=s.roles,
            status=s.status,
            zone_ids=zones.get(s.id, []),
            confirmed_in_person=s.confirmed_in_person,
            flag=s.flag,
            created_at=s.created_at,
            channel=s.channel,
        )
        for s in rows
    ]


@router.post("", status_code=201)
def create_subscriber(
    body: SubscriberIn, session: SessionDep, vault: VaultDep, key: Coordinator
) -> SubscriberOut:
    if body.confirmed and key.role != AccessRole.ADMIN:
        raise HTTPException(
            403, "confirmed: only an admin may add a subscriber as already confirmed"
        )
    data = subscribers.SubscriberInput(
        phone=body.phone,
        name=body.name,
        language=body.language,
        roles=tuple(body.roles),
        zone_ids=tuple(body.zone_ids),
        confirmed=body.confirmed,
        channel=body.channel,
    )
    subscriber, decisions = subscribers.create(session, vault, data, actor=actor(key))
    carry_out(session, decisions)
    return subscribers_out(session, vault, [subscriber])[0]


@router.post("/import")
def import_subscribers(
    session: SessionDep,
    vault: VaultDep,
    key: Coordinator,
    csv_text: Annotated[str, Body(media_type="text/csv", max_length=MAX_IMPORT_BYTES)],
) -> ImportOut:
    result, decisions = subscribers.import_csv(
        session, vault, csv_text, actor=actor(key), allow_confirmed=key.role == AccessRole.ADMIN
    )
    carry_out(session, decisions)
    return ImportOut(created=len(result.created), updated=len(result.updated), errors=result.errors)


@router.get("")
def list_subscribers(
    session: SessionDep,
    vault: VaultDep,
    _: Viewer,
    cursor: Cursor = None,
    limit: Limit = 100,
    status: Annotated[SubscriberStatus | None, Query()] = None,
) -> Page[SubscriberOut]:
    query = select(Subscriber)
    if status:
        query = query.where(Subscriber.status == status)
    rows, next_cursor = paginate(session, query, Subscriber, cursor, limit)
    return Page(items=subscribers_out(session, vault, rows), next_cursor=next_cursor)


@router.get("/{subscriber_id}")
def get_subscriber(
    subscriber_id: int, session: SessionDep, vault: VaultDep, _: Viewer
) -> SubscriberOut:
    return subscribers_out(session, vault, [get_or_404(session, Subscriber, subscriber_id)])[0]


@router.patch("/{subscriber_id}")
def update_subscriber(
    subscriber_id: int, body: SubscriberPatch, session: SessionDep, vault: VaultDep, _: Coordinator
) -> SubscriberOut:
    subscriber = get_or_404(session, Subscriber, subscriber_id)
    subscribers.update(session, subscriber, **body.model_dump(exclude_none=True))
    session.commit()
    return subscribers_out(session, vault, [subscriber])[0]
