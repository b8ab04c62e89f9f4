"""Escalation: a new incident nobody has answered within ``AVISA_ACK_MINUTES`` goes wider — to
the responders of neighbouring zones and to the coordinators.

Idempotent: ``escalated_at`` is claimed with a conditional update, so an incident escalates once
however many timers and sweeps ask.
"""

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import drills
from core.clock import now
from core.decisions import Decisions
from core.enums import IncidentStatus
from core.models import Acknowledgement, Alert, Incident


def escalate_if_unanswered(session: Session, incident_id: int) -> Decisions:
    """Escalate the incident if it is still unverified and no responder answered; the decisions
    hold the escalation alert (empty when nothing was due)."""
    decisions = Decisions()
    incident = session.get(Incident, incident_id)
    if (
        incident is None
        or incident.status != IncidentStatus.REPORTED
        or incident.escalated_at is not None
        or not drills.escalates(session, incident)
    ):
        return decisions
    answered = select(Acknowledgement.id).where(Acknowledgement.incident_id == incident_id)
    if session.exec(answered).first():
        return decisions
    claim = (
        update(Incident)
        .where(col(Incident.id) == incident_id, col(Incident.escalated_at).is_(None))
        .values(escalated_at=now())
    )
    if session.exec(claim).rowcount != 1:
        return decisions
    alert = Alert(incident_id=incident_id, reason="escalated", audience="escalation")
    session.add(alert)
    session.flush()
    decisions.alerts([alert])
    return decisions


def overdue(session: Session, *, ack_minutes: float) -> list[int]:
    """Unverified, unescalated incidents whose responders were alerted longer ago than the answer
    deadline (their timer was lost). Counted from the new-incident alert, not the first report:
    a held incident a coordinator released late gets its full time to be answered."""
    deadline = now() - timedelta(minutes=ack_minutes)
    alerted = select(Alert.incident_id).where(Alert.reason == "new", Alert.created_at <= deadline)
    query = select(Incident.id).where(
        Incident.status == IncidentStatus.REPORTED,
        col(Incident.escalated_at).is_(None),
        col(Incident.id).in_(alerted),
    )
    return [i for i in session.exec(query) if i is not None]
