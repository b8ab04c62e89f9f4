from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import select

from api.deps import SessionDep, VaultDep, Viewer
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import API_ERRORS, Id, MessageOut
from core import cases
from core.enums import MessageKind
from core.models import Message
from core.phones import PhoneVault, mask

router = APIRouter(prefix="/api/v1/messages", tags=["messages"], responses=API_ERRORS)


def message_out(message: Message, vault: PhoneVault) -> MessageOut:
    to = mask(vault.open(message.to_enc)) if message.to_enc else ""
    return MessageOut(
        id=message.id,
        subscriber_id=message.subscriber_id,
        incident_id=message.incident_id,
        kind=message.kind,
        to=to,
        # A case's texts name the detained person: read through /api/v1/cases (legal aid).
        body="" if cases.is_case_text(message.dedupe_key) else message.body,
        status=message.status,
        segments=message.segments,
        error_code=message.error_code,
        created_at=message.created_at,
        channel=message.channel,
    )


@router.get("")
def list_messages(
    session: SessionDep,
    vault: VaultDep,
    _: Viewer,
    cursor: Cursor = None,
    limit: Limit = 100,
    subscriber_id: Annotated[Id | None, Query()] = None,
    incident_id: Annotated[Id | None, Query()] = None,
    kind: Annotated[MessageKind | None, Query()] = None,
) -> Page[MessageOut]:
    query = select(Message)
    for column, value in (
        (Message.subscriber_id, subscriber_id),
        (Message.incident_id, incident_id),
        (Message.kind, kind),
    ):
        if value is not None:
            query = query.where(column == value)
    rows, next_cursor = paginate(session, query, Message, cursor, limit)
    return Page(items=[message_out(m, vault) for m in rows], next_cursor=next_cursor)
