"""Counts of what the system holds, for monitoring. Read from the database at scrape time, so the
figures are right however many API and worker processes run."""

from sqlmodel import Session, col, func, select

from core.clock import utc
from core.enums import MessageKind
from core.models import AuditEvent, InboundMessage, Incident, Message, Report, Subscriber
from core.trust import TRUST_ACTIONS


def _by_status(session: Session, model: type[Incident | Message | Subscriber]) -> dict[str, int]:
    return dict(session.exec(select(model.status, func.count()).group_by(model.status)).all())


def counts(session: Session) -> dict[str, dict[str, int] | int]:
    real = select(Incident.status, func.count()).where(col(Incident.drill).is_(False))
    return {
        "incidents": dict(session.exec(real.group_by(Incident.status)).all()),
        "messages": _by_status(session, Message),
        "subscribers": _by_status(session, Subscriber),
        "trust": _trust_events(session),
        "inbound_unprocessed": session.exec(
            select(func.count()).where(col(InboundMessage.processed_at).is_(None))
        ).one(),
    }


def deliveries(session: Session) -> dict[tuple[str, str], int]:
    """Outbound texts by (status, provider error code); the code is ``""`` when there is none."""
    rows = session.exec(
        select(Message.status, Message.error_code, func.count()).group_by(
            col(Message.status), col(Message.error_code)
        )
    ).all()
    return {(status, code or ""): count for status, code, count in rows}


def report_to_alert_seconds(session: Session) -> list[float]:
    """For each incident that was alerted: seconds from its first report's arrival to its first
    alert text handed to the provider (``sent_at``). Our own time plus the send queue's; the
    provider's delivery time is not in it. Incidents never alerted (held, flooded, no audience)
    have no figure."""
    first_report = (
        select(Report.incident_id, func.min(Report.created_at).label("at"))
        .where(col(Report.incident_id).is_not(None))
        .group_by(col(Report.incident_id))
        .subquery()
    )
    first_alert = (
        select(Message.incident_id, func.min(Message.sent_at).label("at"))
        .where(Message.kind == MessageKind.ALERT, col(Message.sent_at).is_not(None))
        .group_by(col(Message.incident_id))
        .subquery()
    )
    rows = session.exec(
        select(first_report.c.at, first_alert.c.at).join(
            first_alert, first_alert.c.incident_id == first_report.c.incident_id
        )
    ).all()
    return [max(0.0, (utc(alert) - utc(report)).total_seconds()) for report, alert in rows]


def _trust_events(session: Session) -> dict[str, int]:
    """Automatic holds and limits (and coordinators' releases), counted from the audit table."""
    rows = session.exec(
        select(AuditEvent.action, func.count())
        .where(col(AuditEvent.action).in_(TRUST_ACTIONS))
        .group_by(AuditEvent.action)
    ).all()
    return {action: dict(rows).get(action, 0) for action in TRUST_ACTIONS}
