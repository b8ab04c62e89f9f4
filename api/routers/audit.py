"""The audit log for admins: every coordinator action, newest first."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import Admin, SessionDep
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import API_ERRORS, AuditOut, Text
from core import audit
from core.models import AuditEvent

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=API_ERRORS)
Filter = Annotated[Text, Query(max_length=200)]


def _utc(moment: datetime | None) -> datetime | None:
    """A time without a zone is taken as UTC, as every stored time is."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@router.get("")
def list_events(
    session: SessionDep,
    _: Admin,
    cursor: Cursor = None,
    limit: Limit = 100,
    actor: Annotated[Filter | None, Query(description="e.g. apikey:ana")] = None,
    action: Annotated[
        Filter | None, Query(description='exact ("incident.confirm") or a family ("incident.")')
    ] = None,
    since: Annotated[datetime | None, Query(description="from this time (inclusive)")] = None,
    until: Annotated[datetime | None, Query(description="before this time")] = None,
) -> Page[AuditOut]:
    filters = audit.Filters(actor=actor, action=action, since=_utc(since), until=_utc(until))
    rows, next_cursor = paginate(session, audit.listing(filters), AuditEvent, cursor, limit)
    return Page(
        items=[AuditOut.model_validate(e, from_attributes=True) for e in rows],
        next_cursor=next_cursor,
    )
