"""The audit log: who did what to which row, for every coordinator action, and how to read it."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core.models import AuditEvent


def record(
    session: Session, *, actor: str, action: str, target: str, detail: str | None = None
) -> AuditEvent:
    """Add one event to ``session`` (it commits with the change it describes). ``detail`` must
    never hold a phone number."""
    event = AuditEvent(actor=actor, action=action, target=target, detail=detail)
    session.add(event)
    return event


@dataclass(frozen=True)
class Filters:
    actor: str | None = None
    action: str | None = None  # exact ("incident.confirm") or a family ("incident.")
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def listing(filters: Filters) -> SelectOfScalar[AuditEvent]:
    """The events matching ``filters``, as a query to page through (newest first)."""
    query = select(AuditEvent)
    if filters.actor is not None:
        query = query.where(AuditEvent.actor == filters.actor)
    if filters.action:
        if filters.action.endswith("."):
            query = query.where(col(AuditEvent.action).startswith(filters.action, autoescape=True))
        else:
            query = query.where(AuditEvent.action == filters.action)
    if filters.since is not None:
        query = query.where(AuditEvent.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.created_at < filters.until)
    return query
