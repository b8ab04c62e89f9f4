"""The subscribers an alert goes to, and which text each gets."""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from core.clock import now
from core.models import Alert, Incident, Message, Report, Subscriber, Zone
from core.policy import STATUS_CHANGES
from core.subscribers import active_in_zones
from core.zones import zones_containing

TEMPLATE = {
    ("new", "responders"): ("alert_new", "alert"),
    ("confirmed", "legal_aid"): ("alert_confirmed", "alert"),
    ("confirmed", "responders"): ("update_confirmed", "update"),
    ("dismissed", "alerted"): ("update_dismissed", "update"),
    ("resolved", "alerted"): ("update_resolved", "update"),
    ("escalated", "escalation"): ("alert_escalated", "alert"),
}


@dataclass(frozen=True)
class Recipient:
    subscriber: Subscriber
    template: str
    kind: str


def zone_ids_for(session: Session, incident: Incident) -> list[int]:
    zones = session.exec(select(Zone)).all()
    return [z.id for z in zones_containing(zones, incident.lat, incident.lon, zip_code=incident.zip)]


def recipients(session: Session, alert: Alert, incident: Incident, *, quiet_min: float,
               zone_ids: list[int] | None = None) -> list[Recipient]:
    """Active subscribers for ``alert``: never opted out or pending, never one who reported it,
    and (status changes excepted) nobody already texted about this incident in ``quiet_min``."""
    template, kind = TEMPLATE[(alert.reason, alert.audience)]
    if alert.audience == "alerted":
        candidates = _already_alerted(session, incident)
    else:
        role = "legal_aid" if alert.audience == "legal_aid" else "responder"
        ids = zone_ids if zone_ids is not None else zone_ids_for(session, incident)
        candidates = active_in_zones(session, ids, role)
    reporters = set(session.exec(select(Report.reporter_hash).where(Report.incident_id == incident.id)))
    recent = set() if alert.reason in STATUS_CHANGES else _recently_texted(session, incident, quiet_min)
    return [Recipient(s, template, kind) for s in candidates
            if s.status == "active" and s.phone_hash not in reporters and s.id not in recent]


def _already_alerted(session: Session, incident: Incident) -> list[Subscriber]:
    ids = select(Message.subscriber_id).where(
        Message.incident_id == incident.id, col(Message.kind).in_(("alert", "update")),
        col(Message.subscriber_id).is_not(None),
    )
    return list(session.exec(select(Subscriber).where(col(Subscriber.id).in_(ids))))


def _recently_texted(session: Session, incident: Incident, quiet_min: float) -> set[int]:
    since = now() - timedelta(minutes=quiet_min)
    return set(session.exec(select(Message.subscriber_id).where(
        Message.incident_id == incident.id, Message.created_at >= since, col(Message.subscriber_id).is_not(None),
    )))
