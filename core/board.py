"""What the coordinators' console shows: read-only queries, one per view, no rules.

Rows leave here without phone numbers: a reporter is a count, a subscriber a name. The console
masks a subscriber's number itself (``core.phones.mask``) where a list needs one.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlmodel import Session, col, func, or_, select

from core import broadcasts as broadcasting
from core import media
from core.clock import now
from core.enums import NOT_SIGHTING, OPEN_INCIDENT, ReportStatus
from core.geo import zip_centroid
from core.models import (
    Acknowledgement,
    AuditEvent,
    Broadcast,
    Drill,
    InboundMedia,
    Incident,
    IncidentNote,
    Message,
    Report,
    Subscriber,
    SubscriberZone,
    Zone,
)
from core.phones import PhoneVault, mask, mask_numbers_in

# A report placed no better than this (a ZIP centroid, a city) is worth a coordinator's look.
UNCERTAIN_M = 1000.0
INBOX_HOURS = 24  # roughly placed reports stay in the inbox this long
ASIDE_DAYS = 7  # questions, rumours, past events: a week is enough to document or answer them
ON_MY_WAY = "on_my_way"


@dataclass(frozen=True)
class BoardRow:
    incident: Incident
    on_the_way: int
    minutes_quiet: int


@dataclass(frozen=True)
class BroadcastRow:
    broadcast: Broadcast
    delivery: dict[str, int]  # its texts by status, e.g. {"delivered": 40, "failed": 1}


@dataclass
class IncidentView:
    incident: Incident
    reports: list[Report]
    acknowledgements: list[tuple[Acknowledgement, str]]  # (answer, responder's name)
    notes: list[IncidentNote]
    messages: list[Message]
    audit: list[AuditEvent]
    open_incidents: list[Incident] = field(default_factory=list)  # merge targets
    drill_id: int | None = None  # the drill this incident rehearses (its page), if it is one
    media: dict[int, list[InboundMedia]] = field(default_factory=dict)  # by report id
    note_media: dict[int, list[InboundMedia]] = field(default_factory=dict)  # by note id


def minutes_since(moment: datetime | None) -> int:
    if moment is None:
        return 0
    return max(0, int((now() - moment).total_seconds() // 60))


def board(session: Session, *, limit: int = 200) -> list[BoardRow]:
    """Open incidents, the one with the latest report first (by last activity, not by when they
    opened), with how many responders said they are on their way."""
    incidents = session.exec(
        select(Incident)
        .where(col(Incident.status).in_(OPEN_INCIDENT))
        .order_by(col(Incident.last_seen).desc(), col(Incident.id).desc())
        .limit(limit)
    ).all()
    on_the_way = dict(
        session.exec(
            select(
                Acknowledgement.incident_id,
                func.count(func.distinct(Acknowledgement.subscriber_id)),
            )
            .where(
                Acknowledgement.action == ON_MY_WAY,
                col(Acknowledgement.incident_id).in_([i.id for i in incidents]),
            )
            .group_by(col(Acknowledgement.incident_id))
        ).all()
    )
    # Stored rows: ids are set (the model types them Optional only for rows not yet inserted).
    return [
        BoardRow(i, on_the_way.get(cast(int, i.id), 0), minutes_since(i.last_seen))
        for i in incidents
    ]


def incident_view(session: Session, incident: Incident) -> IncidentView:
    """Everything about one incident, each list oldest first."""
    acks = session.exec(
        select(Acknowledgement, Subscriber.name)
        .join(Subscriber, col(Subscriber.id) == Acknowledgement.subscriber_id)
        .where(Acknowledgement.incident_id == incident.id)
        .order_by(col(Acknowledgement.id))
    ).all()
    reports = list(
        session.exec(
            select(Report).where(Report.incident_id == incident.id).order_by(col(Report.id))
        )
    )
    notes = list(
        session.exec(
            select(IncidentNote)
            .where(IncidentNote.incident_id == incident.id)
            .order_by(col(IncidentNote.id))
        )
    )
    return IncidentView(
        incident=incident,
        reports=reports,
        media=media.of_reports(session, [cast(int, r.id) for r in reports]),
        acknowledgements=[(a, name) for a, name in acks],
        notes=notes,
        note_media=media.of_notes(session, [cast(int, n.id) for n in notes]),
        messages=list(
            session.exec(
                select(Message)
                .where(Message.incident_id == incident.id)
                .order_by(col(Message.id))
                .limit(500)
            )
        ),
        audit=history(session, cast(int, incident.id)),
        # A drill is never merged (core.incidents.merge), so it is never offered, nor offered one.
        open_incidents=[]
        if incident.drill
        else [i for i in open_incidents(session) if i.id != incident.id],
        drill_id=session.exec(select(Drill.id).where(Drill.incident_id == incident.id)).first()
        if incident.drill
        else None,
    )


def history(session: Session, incident_id: int) -> list[AuditEvent]:
    """The audit events about one incident, oldest first: those aimed at it, and those whose
    detail names it ("into incident:12"). ``contains`` alone would give incident 1 the events of
    11 and 17, so the name must end where its digits do."""
    name = f"incident:{incident_id}"
    own = re.compile(re.escape(name) + r"(?!\d)")
    events = session.exec(
        select(AuditEvent)
        .where(or_(AuditEvent.target == name, col(AuditEvent.detail).contains(name)))
        .order_by(col(AuditEvent.id))
    )
    return [e for e in events if e.target == name or own.search(e.detail or "")]


def incident_features(session: Session, incident: Incident) -> dict[str, Any]:
    """One incident and its reports' places as GeoJSON, each with ``precision_m`` (the radius
    within which the place is known), for the incident page's map. Nothing in it names a
    reporter: a report is its id, time and how its place was read."""
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [incident.lon, incident.lat]},
            "properties": {
                "kind": "incident",
                "id": incident.id,
                "status": incident.status,
                "label": mask_numbers_in(incident.label or ""),
                "reports": incident.report_count,
                "precision_m": incident.precision_m,
                "drill": incident.drill,
            },
        }
    ]
    reports = session.exec(
        select(Report).where(Report.incident_id == incident.id).order_by(col(Report.id))
    )
    for report in reports:
        if report.lat is None or report.lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [report.lon, report.lat]},
                "properties": {
                    "kind": "report",
                    "id": report.id,
                    "matched": mask_numbers_in(report.matched or ""),
                    "precision_m": report.precision_m or 0,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def inbox(session: Session, *, limit: int = 100) -> list[Report]:
    """Reports a coordinator should place: none found, still asked, or only roughly placed.
    Questions, rumours and past events are never placed into an incident (``asides``)."""
    return list(
        session.exec(
            select(Report)
            .where(
                or_(col(Report.flag).is_(None), col(Report.flag).not_in(NOT_SIGHTING)),
                or_(
                    col(Report.status).in_(
                        [ReportStatus.AWAITING_LOCATION, ReportStatus.UNLOCATED]
                    ),
                    (col(Report.status) == ReportStatus.LOCATED)
                    & (col(Report.precision_m) >= UNCERTAIN_M)
                    & (col(Report.updated_at) >= now() - timedelta(hours=INBOX_HOURS)),
                ),
            )
            .order_by(col(Report.updated_at).desc())
            .limit(limit)
        )
    )


def asides(session: Session, *, days: int = ASIDE_DAYS, limit: int = 100) -> list[Report]:
    """What residents sent that is no sighting, newest first: questions (on the open incident at
    their place, if any), past events to document, rumours. Shown, never alerting."""
    return list(
        session.exec(
            select(Report)
            .where(col(Report.flag).in_(NOT_SIGHTING))
            .where(col(Report.updated_at) >= now() - timedelta(days=days))
            .order_by(col(Report.updated_at).desc())
            .limit(limit)
        )
    )


def open_incidents(session: Session, *, limit: int = 100, drills: bool = False) -> list[Incident]:
    """Open incidents, newest first: the real ones a report or an incident may join, and with
    ``drills`` the drills too (to be shown, marked, never joined)."""
    query = select(Incident).where(col(Incident.status).in_(OPEN_INCIDENT))
    if not drills:
        query = query.where(col(Incident.drill).is_(False))
    return list(session.exec(query.order_by(col(Incident.id).desc()).limit(limit)))


def subscribers(
    session: Session,
    vault: PhoneVault,
    *,
    status: str | None = None,
    role: str | None = None,
    zone_id: int | None = None,
    name: str | None = None,
    limit: int = 200,
) -> list[tuple[Subscriber, list[int], str]]:
    """Subscribers matching every filter given, newest first, with their zone ids and masked
    number."""
    query = select(Subscriber)
    if status:
        query = query.where(Subscriber.status == status)
    if zone_id:
        query = query.where(
            col(Subscriber.id).in_(
                select(SubscriberZone.subscriber_id).where(SubscriberZone.zone_id == zone_id)
            )
        )
    if name:
        query = query.where(col(Subscriber.name).icontains(name))
    rows = [
        s
        for s in session.exec(query.order_by(col(Subscriber.id).desc()).limit(limit))
        if not role or role in s.roles
    ]
    links: dict[int, list[int]] = {}
    for subscriber_id, zone in session.exec(
        select(SubscriberZone.subscriber_id, SubscriberZone.zone_id).where(
            col(SubscriberZone.subscriber_id).in_([s.id for s in rows])
        )
    ):
        links.setdefault(subscriber_id, []).append(zone)
    # Stored rows: ids are set (the model types them Optional only for rows not yet inserted).
    return [(s, sorted(links.get(cast(int, s.id), [])), masked_phone(vault, s)) for s in rows]


def masked_phone(vault: PhoneVault, subscriber: Subscriber) -> str:
    """``+1••••••0101``: enough to tell two people apart, not to call one."""
    return mask(vault.open(subscriber.phone_enc))


def zones(session: Session) -> list[Zone]:
    return list(session.exec(select(Zone).order_by(col(Zone.name))))


def audit(session: Session, *, actor: str | None = None, limit: int = 200) -> list[AuditEvent]:
    query = select(AuditEvent)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    return list(session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)))


def broadcasts(session: Session, *, limit: int = 50) -> list[BroadcastRow]:
    """Past broadcasts, newest first, each with its texts counted by status."""
    rows = list(
        session.exec(broadcasting.listing().order_by(col(Broadcast.id).desc()).limit(limit))
    )
    figures = broadcasting.delivery(session, [b.id for b in rows if b.id is not None])
    return [BroadcastRow(b, figures.get(b.id or 0, {})) for b in rows]


def map_features(session: Session) -> dict[str, Any]:
    """Open incidents and every zone as one GeoJSON FeatureCollection (``kind`` tells them apart).

    A circle zone is its centre with ``radius_m`` (drawn as a circle by the map); a ZIP zone is
    one point per ZIP centroid, as there are no ZIP boundaries offline."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
            "properties": {
                "kind": "incident",
                "id": i.id,
                "status": i.status,
                "label": mask_numbers_in(i.label or ""),
                "reports": i.report_count,
                "precision_m": i.precision_m,
                "drill": i.drill,
            },
        }
        for i in open_incidents(session, limit=500, drills=True)
    ]
    for zone in zones(session):
        base = {"kind": "zone", "id": zone.id, "name": zone.name}
        if zone.geometry:
            features.append({"type": "Feature", "geometry": zone.geometry, "properties": base})
        elif zone.center_lat is not None and zone.radius_m:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [zone.center_lon, zone.center_lat],
                    },
                    "properties": {**base, "kind": "zone_circle", "radius_m": zone.radius_m},
                }
            )
        for code in zone.zips or []:
            centre = zip_centroid(code)
            if centre is not None:
                lat, lon = centre
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {**base, "kind": "zone_zip", "zip": code},
                    }
                )
    return {"type": "FeatureCollection", "features": features}
