"""What a replay prints: the incidents with the messages folded into each, the messages that
became no incident, and every text Avisa wrote — read back from the sandbox's database."""

from sqlmodel import Session, col, select

from core import cases
from core.enums import MessageStatus
from core.models import (
    Alert,
    DetentionCase,
    InboundMessage,
    Incident,
    Message,
    Report,
    Subscriber,
)
from core.phones import mask
from workers import runtime

# Texts that never left: not "sent" in any sense a responder would notice.
UNSENT = (MessageStatus.SKIPPED, MessageStatus.FAILED, MessageStatus.UNDELIVERED)
STAND_DOWN = ("dismissed", "held")


def build(session: Session, *, with_subscribers: bool = False) -> dict:
    """``{"incidents": [...], "unassigned": [...], "messages": [...]}`` (a fixed shape: tools
    read it; each incident says whether any alert text was sent for it, ``alerted``, and whether
    those alerted were told to stand down, ``stood_down``); ``with_subscribers`` (a replay with a
    roster) adds ``"subscribers"``: each one's masked phone, name, and the texts they received,
    oldest first."""
    sids_by_incident, unassigned = _fold(session)
    alerted, stood_down = _told(session)
    incidents = [
        {
            "id": i.id,
            "status": i.status,
            "lat": i.lat,
            "lon": i.lon,
            "message_sids": sids_by_incident.get(i.id, []),
            "alerted": i.id in alerted,
            "stood_down": i.id in stood_down,
        }
        for i in session.exec(select(Incident).order_by(Incident.id))
    ]
    messages = [
        {
            "id": m.id,
            "kind": m.kind,
            "incident_id": m.incident_id,
            "subscriber_id": m.subscriber_id,
            "body": "" if cases.is_case_text(m.dedupe_key) else m.body,  # legal aid's alone
            "status": m.status,
        }
        for m in session.exec(select(Message).order_by(Message.id))
    ]
    result = {"incidents": incidents, "unassigned": unassigned, "messages": messages}
    detentions = _cases(session)
    if detentions:
        result["cases"] = detentions
    if with_subscribers:
        result["subscribers"] = _subscribers(session, messages)
    return result


def _cases(session: Session) -> list[dict]:
    """Detention cases, as legal aid worked them: never who, where, or the family's words."""
    return [
        {
            "id": c.id,
            "status": c.status,
            "incident_id": c.incident_id,
            "zone_id": c.zone_id,
            "owner": c.owner,
            "offered": c.offered_at is not None,
            "escalated": c.escalated_at is not None,
        }
        for c in session.exec(select(DetentionCase).order_by(col(DetentionCase.id)))
    ]


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


def _told(session: Session) -> tuple[set[int], set[int]]:
    """Incidents some alert text went out for, and those whose alerted were told to stand down
    (a dismissal's "false alarm", or a flood's "unconfirmed, stand by")."""
    rows = session.exec(
        select(Message.incident_id, Alert.reason)
        .join(Alert, col(Message.alert_id) == Alert.id)
        .where(col(Message.status).not_in(UNSENT))
    )
    alerted: set[int] = set()
    stood_down: set[int] = set()
    for incident_id, reason in rows:
        alerted.add(incident_id)
        if reason in STAND_DOWN:
            stood_down.add(incident_id)
    return alerted, stood_down


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
