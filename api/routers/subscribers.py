"""Subscribers for coordinators: add (with their confirmation text), import, list, export."""

from typing import Annotated, cast

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse
from redis.exceptions import RedisError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.deps import Admin, Coordinator, SessionDep, VaultDep, Viewer, actor, get_or_404
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import (
    API_ERRORS,
    Id,
    ImportJobOut,
    ImportOut,
    SubscriberIn,
    SubscriberOut,
    SubscriberPatch,
    Text,
    problems,
)
from core import subscribers
from core.enums import AccessRole, Language, SubscriberRole, SubscriberStatus
from core.models import Subscriber, SubscriberImport
from core.phones import PhoneVault, mask
from workers.effects import carry_out
from workers.queues import RedisNotConfigured, enqueue_import

router = APIRouter(prefix="/api/v1/subscribers", tags=["subscribers"], responses=API_ERRORS)
MAX_IMPORT_BYTES = 5_000_000
CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string", "maxLength": MAX_IMPORT_BYTES}}},
    }
}


def subscribers_out(
    session: Session, vault: PhoneVault, rows: list[Subscriber]
) -> list[SubscriberOut]:
    zones = subscribers.zone_ids_by_subscriber(session, [s.id for s in rows if s.id is not None])
    return [
        SubscriberOut(
            id=s.id,
            phone=mask(vault.open(s.phone_enc)) if s.phone_enc else "",  # "" once purged
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


@router.post(
    "/import",
    openapi_extra=CSV_BODY,
    responses=problems(400) | {202: {"model": ImportJobOut, "description": "queued"}},
)
async def import_subscribers(
    request: Request, session: SessionDep, vault: VaultDep, key: Coordinator, response: Response
) -> ImportOut | ImportJobOut:
    """The CSV file as the body (``content-type: text/csv``, UTF-8): each row passes the same
    checks as ``POST /subscribers``; bad rows are reported and skipped, good ones kept. 400 for
    a body that is not a UTF-8 CSV with ``phone`` and ``name`` columns, or over 5 MB.

    With ``Prefer: respond-async`` it answers at once, 202, with the import as a job
    (``GET /subscribers/imports/{id}``: its status, rows read so far and, once done, its
    result); a worker runs it."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_IMPORT_BYTES:
            raise HTTPException(400, f"file: larger than {MAX_IMPORT_BYTES} bytes; split it")
    if "respond-async" in request.headers.get("prefer", "").lower():
        response.status_code = 202
        return await run_in_threadpool(_queue_import, session, vault, key, bytes(data))
    return await run_in_threadpool(_import, session, vault, key, bytes(data))


def _queue_import(session: Session, vault: PhoneVault, key, data: bytes) -> ImportJobOut:
    job = subscribers.queue_import(
        session,
        vault,
        subscribers.decode_csv(data),
        actor=actor(key),
        allow_confirmed=key.role == AccessRole.ADMIN,
    )
    session.commit()
    try:
        enqueue_import(cast(int, job.id))
    except (RedisError, RedisNotConfigured):
        pass  # stored: the maintenance sweep queues it
    return ImportJobOut.model_validate(job, from_attributes=True)


@router.get("/imports/{import_id}")
def get_import(import_id: Id, session: SessionDep, _: Coordinator) -> ImportJobOut:
    """An import sent with ``Prefer: respond-async``: ``status`` (queued, running, done),
    ``rows``, ``processed``, then ``created``, ``updated`` and ``errors``."""
    job = get_or_404(session, SubscriberImport, import_id)
    return ImportJobOut.model_validate(job, from_attributes=True)


def _import(session: Session, vault: PhoneVault, key, data: bytes) -> ImportOut:
    result, decisions = subscribers.import_csv(
        session,
        vault,
        subscribers.decode_csv(data),
        actor=actor(key),
        allow_confirmed=key.role == AccessRole.ADMIN,
        # Committed in batches as it goes (each with its texts), so the hotline's webhooks never
        # wait behind a big import for SQLite's one write lock.
        commit=lambda batch: carry_out(session, batch),
    )
    carry_out(session, decisions)
    return ImportOut(created=len(result.created), updated=len(result.updated), errors=result.errors)


def filters(
    zone_id: Annotated[Id | None, Query(description="subscribers of this zone")] = None,
    role: Annotated[SubscriberRole | None, Query()] = None,
    status: Annotated[SubscriberStatus | None, Query()] = None,
    language: Annotated[Language | None, Query()] = None,
    q: Annotated[
        Text | None, Query(max_length=120, description="part of the name, any case")
    ] = None,
) -> subscribers.Filters:
    return subscribers.Filters(
        zone_id=zone_id, role=role, status=status, language=language, name=q or None
    )


Filters = Annotated[subscribers.Filters, Depends(filters)]


@router.get("")
def list_subscribers(
    session: SessionDep,
    vault: VaultDep,
    _: Viewer,
    chosen: Filters,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Page[SubscriberOut]:
    rows, next_cursor = paginate(session, subscribers.listing(chosen), Subscriber, cursor, limit)
    return Page(items=subscribers_out(session, vault, rows), next_cursor=next_cursor)


@router.get(
    ".csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_subscribers(
    session: SessionDep, vault: VaultDep, key: Admin, chosen: Filters
) -> StreamingResponse:
    """The subscribers (with the list's filters) as CSV, for admins: numbers masked, cells a
    spreadsheet would run as formulas neutralised with a leading '. Audited."""
    subscribers.audit_export(session, actor=actor(key), filters=chosen)
    session.commit()
    return StreamingResponse(
        subscribers.export_csv(session, vault, chosen),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="subscribers.csv"'},
    )


@router.get("/{subscriber_id}")
def get_subscriber(
    subscriber_id: Id, session: SessionDep, vault: VaultDep, _: Viewer
) -> SubscriberOut:
    return subscribers_out(session, vault, [get_or_404(session, Subscriber, subscriber_id)])[0]


@router.patch("/{subscriber_id}")
def update_subscriber(
    subscriber_id: Id,
    body: SubscriberPatch,
    session: SessionDep,
    vault: VaultDep,
    key: Coordinator,
) -> SubscriberOut:
    subscriber = get_or_404(session, Subscriber, subscriber_id)
    subscribers.update(session, subscriber, **body.model_dump(exclude_none=True), actor=actor(key))
    session.commit()
    return subscribers_out(session, vault, [subscriber])[0]
