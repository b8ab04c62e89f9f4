"""What a replay prints: the incidents with the messages folded into each, the messages that
became no incident, and every text Avisa wrote — read back from the sandbox's database."""

from sqlmodel import Session, col, select

from core.models import InboundMessage, Incident, Message, Report
from workers import runtime


def build(session: Session) -> dict:
    """``{"incidents": [...], "unassigned": [...], "messages": [...]}`` (shape fixed by DESIGN.md)."""
    sids_by_incident, unassigned = _fold(session)
    incidents = [
        {
            "id": i.id,
            "status": i.status,
            "lat": i.lat,
            "lon": i.lon,
            "message_sids": sids_by_incident.get(i.id, []),
        }
        for i in session.exec(select(Incident).order_by(Incident.id))
    ]
    messages = [
        {
            "id": m.id,
            "kind": m.kind,
            "incident_id": m.incident_id,
            "subscriber_id": m.subscriber_id,
            "body": m.body,
            "status": m.status,
        }
        for m in session.exec(select(Message).order_by(Message.id))
    ]
    return {"incidents": incidents, "unassigned": unassigned, "messages": messages}


def _fold(session: Session) -> tuple[dict[int, list[str]], list[str]]:
    """Each inbound SID under its report's incident, in arrival order; the rest unassigned."""
    rows = session.exec(
        select(InboundMessage.provider_sid, Report.incident_id)
        .join(Report, col(InboundMessage.report_id) == Report.id, isouter=True)
        .order_by(InboundMessage.received_at, InboundMessage.id)
    )
    by_incident: dict[int, list[str]] = {}
    unassigned: list[str] = []
    for sid, incident_id in rows:
        if incident_id is None:
            unassigned.append(sid)
        else:
            by_incident.setdefault(incident_id, []).append(sid)
    return by_incident, unassigned


def collect() -> dict:
    with runtime.session() as session:
        return build(session)
