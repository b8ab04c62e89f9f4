"""Counts of what the system holds, for monitoring. Read from the database at scrape time, so the
figures are right however many API and worker processes run."""

from sqlmodel import Session, col, func, select

from core.models import InboundMessage, Incident, Message, Subscriber


def _by_status(session: Session, model) -> dict[str, int]:
    return dict(session.exec(select(model.status, func.count()).group_by(model.status)).all())


def counts(session: Session) -> dict[str, dict[str, int] | int]:
    real = select(Incident.status, func.count()).where(col(Incident.drill).is_(False))
    return {
        "incidents": dict(session.exec(real.group_by(Incident.status)).all()),
        "messages": _by_status(session, Message),
        "subscribers": _by_status(session, Subscriber),
        "inbound_unprocessed": session.exec(
            select(func.count()).where(col(InboundMessage.processed_at).is_(None))
        ).one(),
    }
