"""The subscribers an alert goes to, and which text each gets."""

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from sqlmodel import Session, col, or_, select

from core import drills
from core.clock import now
from core.enums import NOT_SIGHTING, RESPONDING_ROLES, SubscriberRole, SubscriberStatus
from core.models import (
    Acknowledgement,
    Alert,
    Incident,
    Message,
    Report,
    Subscriber,
    SubscriberZone,
    Zone,
)
from core.policy import STATUS_CHANGES
from core.subscribers import active_in_zones
from core.zones import zones_containing

TEMPLATE = {
    ("new", "responders"): ("alert_new", "alert"),
    ("confirmed", "legal_aid"): ("alert_confirmed", "alert"),
    ("confirmed", "responders"): ("update_confirmed", "update"),
    # Residents who signed up by text hear of a raid once it is confirmed, never before.
    ("confirmed", "community"): ("alert_community", "alert"),
    ("dismissed", "alerted"): ("update_dismissed", "update"),
    ("held", "alerted"): ("update_held", "update"),
    ("resolved", "alerted"): ("update_resolved", "update"),
    ("escalated", "escalation"): ("alert_escalated", "alert"),
}
# The responders' update when no legal aid volunteer was texted: it must not say they were.
UPDATE_CONFIRMED_NO_LEGAL = "update_confirmed_no_legal"
# The answer (``core.commands``) that moves an incident to each status: whoever gave it was just
# told so in the reply to their command, and the status change's text would be a second reply.
ANSWER_OF = {"confirmed": "confirm", "dismissed": "false", "resolved": "clear"}


@dataclass(frozen=True)
class Recipient:
    subscriber: Subscriber
    template: str
    kind: str


def zone_ids_for(session: Session, incident: Incident, *, reach_m: float = 0) -> list[int]:
    """Zones holding the incident, and with ``reach_m`` those holding any point that far around it
    (the neighbouring zones an escalation reaches)."""
    zones = session.exec(select(Zone)).all()
    points = [(incident.lat, incident.lon)] + (
        around(incident.lat, incident.lon, reach_m) if reach_m else []
    )
    found = {
        z.id
        for lat, lon in points
        for z in zones_containing(zones, lat, lon, zip_code=incident.zip)
    }
    # Stored rows' ids are set; the model types them Optional only for rows not yet inserted.
    return sorted(cast(set[int], found))


def around(lat: float, lon: float, distance_m: float) -> list[tuple[float, float]]:
    """Eight compass points ``distance_m`` from the point."""
    d_lat = distance_m / 111_320
    d_lon = distance_m / (111_320 * math.cos(math.radians(lat)))
    return [
        (lat + d_lat * math.sin(a), lon + d_lon * math.cos(a))
        for a in (i * math.pi / 4 for i in range(8))
    ]


def recipients(
    session: Session,
    alert: Alert,
    incident: Incident,
    *,
    quiet_min: float,
    escalation_reach_m: float = 0,
) -> list[Recipient]:
    """Active subscribers for ``alert``: never opted out or pending, never one who reported it,
    and (status changes excepted) nobody already texted about this incident in ``quiet_min``.
    An escalation goes to responders of the neighbouring zones and to coordinators, skipping
    everyone already alerted. A status change skips whoever's answer made it (their reply said
    so); a drill never reaches a resident who only signed up for confirmed raids."""
    template, kind = TEMPLATE[(alert.reason, alert.audience)]
    if (alert.reason, alert.audience) == ("confirmed", "responders") and not legal_aid_told(
        session, incident
    ):
        template = UPDATE_CONFIRMED_NO_LEGAL
    template = drills.template(incident, template)  # SIMULACRO / DRILL texts for a drill
    if alert.audience == "alerted":
        candidates = _already_alerted(session, incident)
    elif alert.audience == "escalation":
        zone_ids = zone_ids_for(session, incident, reach_m=escalation_reach_m)
        alerted = {s.id for s in _already_alerted(session, incident)}
        candidates = [
            s
            for s in active_in_zones(session, zone_ids, "responder")
            + coordinators(session, zone_ids)
            if s.id not in alerted
        ]
    elif alert.audience == "community":
        # Someone who also responds already got the responders' update.
        candidates = [
            s
            for s in active_in_zones(session, zone_ids_for(session, incident), "community")
            if not set(RESPONDING_ROLES) & set(s.roles)
        ]
    else:
        role = "legal_aid" if alert.audience == "legal_aid" else "responder"
        candidates = active_in_zones(session, zone_ids_for(session, incident), role)
    # Who reported it knows; who only asked about it (a question shown on it) is told like anyone.
    sighting = or_(col(Report.flag).is_(None), col(Report.flag).not_in(NOT_SIGHTING))
    reporters = set(
        session.exec(
            select(Report.reporter_hash).where(Report.incident_id == incident.id, sighting)
        )
    )
    recent = (
        set()
        if alert.reason in STATUS_CHANGES or _released_after_stand_by(session, alert)
        else _recently_texted(session, incident, quiet_min)
    )
    answered = _answered(session, incident, alert.reason)
    unique = {s.id: s for s in candidates}.values()
    return [
        Recipient(s, template, kind)
        for s in unique
        if s.status == SubscriberStatus.ACTIVE
        and s.phone_hash not in reporters
        and s.id not in recent
        and s.id not in answered
        and not (incident.drill and _community_only(s))
    ]


def responders_told(session: Session, incident: Incident) -> bool:
    """Whether responders were (or are being) texted about the incident: texts of its alerts to
    responders exist, or the new-incident alert would find someone now — never counting the people
    who reported it, who are thanked, not alerted."""
    to_responders = select(Alert.id).where(
        Alert.incident_id == incident.id, col(Alert.audience).in_(("responders", "escalation"))
    )
    texted = select(Message.id).where(col(Message.alert_id).in_(to_responders)).limit(1)
    if session.exec(texted).first() is not None:
        return True
    new = Alert(incident_id=incident.id, reason="new", audience="responders")
    return len(recipients(session, new, incident, quiet_min=0)) > 0


def legal_aid_told(session: Session, incident: Incident) -> bool:
    """Whether the incident's confirmation reached (or is reaching) a legal aid volunteer: texts
    of its legal-aid alert exist, or the audience that alert finds now is not empty. Decided from
    the people found, never from the status alone."""
    alert = session.exec(
        select(Alert).where(
            Alert.incident_id == incident.id,
            Alert.reason == "confirmed",
            Alert.audience == "legal_aid",
        )
    ).first()
    if alert is None:  # a drill that is not full: its confirmation stays with the responders
        return False
    texted = select(Message.id).where(Message.alert_id == alert.id).limit(1)
    return (
        session.exec(texted).first() is not None
        or len(recipients(session, alert, incident, quiet_min=0)) > 0
    )


def _answered(session: Session, incident: Incident, reason: str) -> set[int]:
    """Who gave the answer that makes ``reason`` (``12 NO`` for a stand-down): they were told in
    the reply to it."""
    action = ANSWER_OF.get(reason)
    if action is None:
        return set()
    rows = session.exec(
        select(Acknowledgement.subscriber_id).where(
            Acknowledgement.incident_id == incident.id, Acknowledgement.action == action
        )
    )
    return set(rows)


def _community_only(subscriber: Subscriber) -> bool:
    return set(subscriber.roles) <= {SubscriberRole.COMMUNITY}


def coordinators(session: Session, zone_ids: list[int]) -> list[Subscriber]:
    """Active coordinators of these zones, and those with no zone (they watch the whole network)."""
    zoned = select(SubscriberZone.subscriber_id)
    everywhere = session.exec(
        select(Subscriber).where(
            col(Subscriber.id).not_in(zoned), Subscriber.status == SubscriberStatus.ACTIVE
        )
    )
    return active_in_zones(session, zone_ids, "coordinator") + [
        s for s in everywhere if "coordinator" in s.roles
    ]


def _released_after_stand_by(session: Session, alert: Alert) -> bool:
    """A new-incident alert after responders were told to stand by on it (held after its alert,
    then released): news for them however recently they heard of it. An alert not yet stored
    (asked "who would this reach now?") comes after every stored one."""
    if alert.reason != "new":
        return False
    held = select(Alert.id).where(Alert.incident_id == alert.incident_id, Alert.reason == "held")
    if alert.id is not None:
        held = held.where(col(Alert.id) < alert.id)
    return session.exec(held).first() is not None


def _already_alerted(session: Session, incident: Incident) -> list[Subscriber]:
    ids = select(Message.subscriber_id).where(
        Message.incident_id == incident.id,
        col(Message.kind).in_(("alert", "update")),
        col(Message.subscriber_id).is_not(None),
    )
    return list(session.exec(select(Subscriber).where(col(Subscriber.id).in_(ids))))


def _recently_texted(session: Session, incident: Incident, quiet_min: float) -> set[int]:
    since = now() - timedelta(minutes=quiet_min)
    rows = session.exec(
        select(Message.subscriber_id).where(
            Message.incident_id == incident.id,
            Message.created_at >= since,
            col(Message.subscriber_id).is_not(None),
        )
    )
    return cast(set[int], set(rows))  # the query keeps rows with a subscriber
