from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query
from sqlmodel import select

from api.deps import Coordinator, SessionDep, Viewer, get_or_404
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import ImportOut, SubscriberIn, SubscriberOut, SubscriberPatch
from core import subscribers
from core.models import Subscriber
from core.phones import get_vault, mask
from workers.onboarding import send_opt_in_requests

router = APIRouter(prefix="/api/v1/subscribers", tags=["subscribers"])
MAX_IMPORT_BYTES = 5_000_000


def subscriber_out(session, subscriber: Subscriber) -> SubscriberOut:
    return SubscriberOut(
        id=subscriber.id,
        phone=mask(get_vault().open(subscriber.phone_enc)),
        name=subscriber.name,
        language=subscriber.language,
        roles=subscriber.roles,
        status=subscriber.status,
        zone_ids=subscribers.zone_ids_of(session, subscriber.id),
        confirmed_in_person=subscriber.confirmed_in_person,
        flag=subscriber.flag,
        created_at=subscriber.created_at,
    )


@router.post("", status_code=201)
def create_subscriber(body: SubscriberIn, session: SessionDep, key: Coordinator) -> SubscriberOut:
    if body.confirmed and key.role != "admin":
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
    )
    try:
        subscriber = subscribers.create(session, data, actor=f"apikey:{key.name}")
    except subscribers.DuplicatePhone as exc:
        raise HTTPException(409, str(exc)) from None
    except subscribers.SubscriberError as exc:
        raise HTTPException(422, str(exc)) from None
    session.commit()
    send_opt_in_requests([subscriber.id])
    return subscriber_out(session, subscriber)


@router.post("/import")
def import_subscribers(
    session: SessionDep,
    key: Coordinator,
    csv_text: Annotated[str, Body(media_type="text/csv", max_length=MAX_IMPORT_BYTES)],
) -> ImportOut:
    result = subscribers.import_csv(
        session, csv_text, actor=f"apikey:{key.name}", allow_confirmed=key.role == "admin"
    )
    session.commit()
    send_opt_in_requests([s.id for s in result.created if s.status == "pending"])
    return ImportOut(created=len(result.created), updated=len(result.updated), errors=result.errors)


@router.get("")
def list_subscribers(
    session: SessionDep,
    _: Viewer,
    cursor: Cursor = None,
    limit: Limit = 100,
    status: Annotated[str | None, Query()] = None,
) -> Page[SubscriberOut]:
    query = select(Subscriber)
    if status:
        query = query.where(Subscriber.status == status)
    rows, next_cursor = paginate(session, query, Subscriber, cursor, limit)
    return Page(items=[subscriber_out(session, s) for s in rows], next_cursor=next_cursor)


@router.get("/{subscriber_id}")
def get_subscriber(subscriber_id: int, session: SessionDep, _: Viewer) -> SubscriberOut:
    return subscriber_out(session, get_or_404(session, Subscriber, subscriber_id))


@router.patch("/{subscriber_id}")
def update_subscriber(
    subscriber_id: int, body: SubscriberPatch, session: SessionDep, _: Coordinator
) -> SubscriberOut:
    subscriber = get_or_404(session, Subscriber, subscriber_id)
    try:
        subscribers.update(session, subscriber, **body.model_dump(exclude_none=True))
    except subscribers.SubscriberError as exc:
        raise HTTPException(422, str(exc)) from None
    session.commit()
    return subscriber_out(session, subscriber)
