"""Escalation: a new incident nobody has answered within AVISA_ACK_MINUTES goes wider — to the
responders of neighbouring zones and to the coordinators.

RQ's scheduler runs ``escalate_if_unanswered`` at the deadline (``enqueue_in``); the periodic
``sweep`` runs it too for any incident whose timer was lost (Redis restarted, replay). It is
idempotent: ``escalated_at`` is claimed with a conditional update, so it escalates once.
"""

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from core.clock import now
from core.db import session_scope
from core.models import Acknowledgement, Alert, Incident
from core.settings import get_settings
from workers.queues import MAINTENANCE, RETRY, enqueue_dispatch, queue


def schedule(incident_id: int) -> None:
    minutes = get_settings().ack_minutes
    queue(MAINTENANCE).enqueue_in(
        timedelta(minutes=minutes),
        "workers.escalation.escalate_if_unanswered",
        incident_id,
        job_id=f"escalate-{incident_id}",
        retry=RETRY,
    )


def escalate_if_unanswered(incident_id: int) -> bool:
    """Escalate ``incident_id`` if it is still unverified and no responder answered; True if it did."""
    with session_scope() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or incident.status != "reported" or incident.escalated_at is not None:
            return False
        if session.exec(
            select(Acknowledgement.id).where(Acknowledgement.incident_id == incident_id)
        ).first():
            return False
        claimed = session.exec(
            update(Incident)
            .where(col(Incident.id) == incident_id, col(Incident.escalated_at).is_(None))
            .values(escalated_at=now())
        ).rowcount
        if claimed != 1:
            return False
        alert = Alert(incident_id=incident_id, reason="escalated", audience="escalation")
        session.add(alert)
        session.flush()
        alert_id = alert.id
    enqueue_dispatch(alert_id)
    return True


def sweep() -> int:
    """Escalate every overdue incident whose timer did not fire."""
    deadline = now() - timedelta(minutes=get_settings().ack_minutes)
    with session_scope() as session:
        overdue = list(
            session.exec(
                select(Incident.id).where(
                    Incident.status == "reported",
                    col(Incident.escalated_at).is_(None),
                    Incident.first_seen <= deadline,
                )
            )
        )
    return sum(escalate_if_unanswered(incident_id) for incident_id in overdue)
