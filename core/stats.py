"""Counts of what the system holds, for monitoring. Read from the database at scrape time, so the
figures are right however many API and worker processes run."""

from sqlmodel import Session, col, func, select

from core.models import AuditEvent, InboundMessage, Incident, Message, Subscriber
from core.trust import TRUST_ACTIONS


def _by_status(session: Session, model) -> dict[str, int]:
    return dict(session.exec(select(model.status, func.count()).group_by(model.status)).all())


def counts(session: Session) -> dict[str, dict[str, int] | int]:
    return {
        "incidents": _by_status(session, Incident),
        "messages": _by_status(session, Message),
        "subscribers": _by_status(session, Subscriber),
        "trust": _trust_events(session),
        "inbound_unprocessed": session.exec(
            select(func.count()).where(col(InboundMessage.processed_at).is_(None))
        ).one(),
    }


def _trust_events(session: Session) -> dict[str, int]:
    """Automatic holds and limits (and coordinators' releases), counted from the audit table."""
    rows = session.exec(
        select(AuditEvent.action, func.count())
        .where(col(AuditEvent.action).in_(TRUST_ACTIONS))
        .group_by(AuditEvent.action)
    ).all()
    return {action: dict(rows).get(action, 0) for action in TRUST_ACTIONS}
