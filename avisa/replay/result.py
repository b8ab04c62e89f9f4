"""What a replay prints: the incidents with the messages folded into each, the messages that
became no incident, and every text Avisa wrote — read back from the sandbox's database."""

from sqlmodel import Session, col, select

from core.models import InboundMessage, Incident, Message, Report, Subscriber
from core.phones import mask
from workers import runtime


def build(session: Session, *, with_subscribers: bool = False) -> dict:
    """``{"incidents": [...], "unassigned": [...], "messages": [...]}`` (a fixed shape: tools
    read it); ``with_subscribers`` (a replay with a roster) adds ``"subscribers"``: each one's
    masked phone, name, and the texts they received, oldest first."""
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
    result = {"incidents": incidents, "unassigned": unassigned, "messages": messages}
    if with_subscribers:
        result["subscribers"] = _subscribers(session, messages)
    return result


def _subscribers(session: Session, messages: list[dict]) -> list[dict]:
    vault = runtime.vault()
    texts: dict[int, list[dict]] = {}
    for m in messages:
        if m["subscriber_id"] is not None:
            texts.setdefault(m["subscriber_id"], []).append(
                {k: m[k] for k in ("id", "kind", "incident_id", "body", "status")}
            )
    return [
        {
            "id": s.id,
            "phone": mask(vault.open(s.phone_enc)),
            "name": s.name,
            "roles": s.roles,
            "texts": texts.get(s.id, []),
        }
        for s in session.exec(select(Subscriber).order_by(Subscriber.id))
    ]


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


def collect(*, with_subscribers: bool = False) -> dict:
    with runtime.session() as session:
        return build(session, with_subscribers=with_subscribers)
