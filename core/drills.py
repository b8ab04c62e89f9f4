"""Drills: a synthetic incident sent down a zone's real chain, so a network can measure itself.

A drill is an ``Incident`` with ``drill=True`` and a ``Drill`` row. Its responders get the same
alert as for a raid, marked SIMULACRO / DRILL (``DRILL_TEMPLATES``), and answer it as usual
(``12 SI``, ``12 VOY``): ``core.commands`` records those as ``Acknowledgement`` rows, which is what
``report`` measures. Unless the drill is ``full``, nothing reaches beyond the responders — no
legal aid on confirmation, no escalation — so rehearsing never wakes the lawyers. Residents who
signed up for confirmed raids (``community``) never hear of a drill, full or not: to them a
rehearsal would read as a raid.

Every text a drill causes has a drill version here, and ``template`` refuses a key without one
(an unmarked text about a drill is never sent). Drill incidents are left out of matching (a real
report never joins a drill), of merges (``core.incidents.merge``), of ``/metrics`` and of the
incidents list by default.
"""

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlmodel import Session, col, select

from core import audit, matching
from core.decisions import Decisions
from core.enums import MessageKind, MessageStatus
from core.errors import Invalid, NotFound
from core.geo import GeoResult, zip_centroid
from core.models import Acknowledgement, Alert, Drill, Incident, Message, Zone
from core.zones import contains
from core.zones import get as get_zone

# The drill version of each text an incident causes: the template keys of ``core.audience`` and
# the replies to a responder's answer or note about it.
DRILL_TEMPLATES = {
    "alert_new": "alert_drill",
    "alert_confirmed": "alert_drill_confirmed",
    "update_confirmed": "update_drill_confirmed",
    "update_confirmed_no_legal": "update_drill_confirmed",
    "update_dismissed": "update_drill_dismissed",
    # Floods never hold a drill; the marked version keeps "no unmarked drill text" true anyway.
    "update_held": "update_drill_held",
    "update_resolved": "update_drill_resolved",
    "alert_escalated": "alert_drill_escalated",
    "ack_recorded": "ack_drill_recorded",
    "ack_confirmed": "ack_drill_confirmed",
    "ack_confirmed_legal": "ack_drill_confirmed",
    "note_added": "note_drill_added",
    "note_negative": "note_drill_negative",
}
# Audiences beyond the zone's responders: a drill reaches them only when it is ``full``.
FULL_ONLY_AUDIENCES = {"legal_aid", "escalation"}
# Audiences a drill never reaches, full or not.
NEVER_AUDIENCES = {"community"}
DRILL_PRECISION_M = 100.0
Geocode = Callable[[str], GeoResult | None]


def start(
    session: Session,
    *,
    zone_id: int,
    place: str | None = None,
    full: bool = False,
    actor: str,
    geocode: Geocode | None = None,
) -> tuple[Drill, Decisions]:
    """Open a drill incident in zone ``zone_id`` and alert its responders (audited).

    ``place`` names where the rehearsed raid is; when ``geocode`` finds it inside the zone that
    point is used, else the zone's own centre. NotFound for an unknown zone, Invalid when no
    point of the zone can be found (a polygon without coordinates)."""
    zone = get_zone(session, zone_id)
    lat, lon, zip_code = _point(zone, place, geocode)
    label = (place or "").strip()[:120] or zone.name
    incident = matching.new_incident(
        session,
        lat=lat,
        lon=lon,
        precision_m=DRILL_PRECISION_M,
        label=label,
        zip_code=zip_code,
        drill=True,
    )
    incident_id = cast(int, incident.id)  # flushed: id set
    drill = Drill(incident_id=incident_id, zone_id=cast(int, zone.id), full=full, actor=actor)
    alert = Alert(incident_id=incident_id, reason="new", audience="responders")
    session.add_all([drill, alert])
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="drill.start",
        target=f"drill:{drill.id}",
        detail=f"zone:{zone.id} incident:{incident_id}" + (" full" if full else ""),
    )
    decisions = Decisions()
    decisions.alerts([alert])
    if full:
        decisions.escalation_timers.append(incident_id)
    return drill, decisions


def template(incident: Incident, key: str) -> str:
    """The text ``key`` about ``incident``: its drill version for a drill. KeyError for a drill
    text that has no drill version — better no text than a drill read as a raid."""
    return DRILL_TEMPLATES[key] if incident.drill else key


def keep_plans(
    session: Session, incident: Incident, plans: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The (reason, audience) alerts a status change of ``incident`` may send: a drill never
    reaches residents, and one that is not ``full`` keeps to its responders."""
    if not incident.drill:
        return plans
    barred = NEVER_AUDIENCES | (set() if _is_full(session, incident.id) else FULL_ONLY_AUDIENCES)
    return [(reason, audience) for reason, audience in plans if audience not in barred]


def escalates(session: Session, incident: Incident) -> bool:
    """Whether an unanswered ``incident`` may escalate: always, except a drill that is not full."""
    return not incident.drill or _is_full(session, incident.id)


def get(session: Session, drill_id: int) -> Drill:
    drill = session.get(Drill, drill_id)
    if drill is None:
        raise NotFound("no such drill {id}", id=drill_id)
    return drill


@dataclass(frozen=True)
class DrillReport:
    """What a drill measured. Times are seconds from a responder's alert leaving (or being
    written, if it never left) to their first answer."""

    id: int
    incident_id: int
    zone_id: int
    full: bool
    status: str
    started_at: datetime
    sent: int  # alerts handed to the provider
    delivered: int
    failed: int  # undelivered or failed
    acknowledged: int  # responders who answered at all
    confirmed: int  # … who answered SI / YES
    on_my_way: int
    first_ack_s: float | None
    median_ack_s: float | None


def report(session: Session, drill_id: int) -> DrillReport:
    """The figures of drill ``drill_id``; NotFound when there is none."""
    drill = get(session, drill_id)
    incident = session.get(Incident, drill.incident_id)
    alerts = list(
        session.exec(
            select(Message).where(
                Message.incident_id == drill.incident_id, Message.kind == MessageKind.ALERT
            )
        )
    )
    alerted_at: dict[int | None, datetime] = {}
    for message in alerts:
        moment = message.sent_at or message.created_at
        if message.subscriber_id not in alerted_at or moment < alerted_at[message.subscriber_id]:
            alerted_at[message.subscriber_id] = moment
    answers = list(
        session.exec(
            select(Acknowledgement)
            .where(Acknowledgement.incident_id == drill.incident_id)
            .order_by(col(Acknowledgement.created_at))
        )
    )
    first_answer: dict[int, datetime] = {}
    for answer in answers:
        first_answer.setdefault(answer.subscriber_id, answer.created_at)
    delays = sorted(
        max(0.0, (moment - alerted_at.get(who, drill.created_at)).total_seconds())
        for who, moment in first_answer.items()
    )
    statuses = [m.status for m in alerts]
    return DrillReport(
        id=cast(int, drill.id),  # a stored drill
        incident_id=drill.incident_id,
        zone_id=drill.zone_id,
        full=drill.full,
        status=incident.status if incident else "",
        started_at=drill.created_at,
        sent=sum(1 for m in alerts if m.sent_at is not None or m.provider_sid is not None),
        delivered=statuses.count(MessageStatus.DELIVERED),
        failed=sum(s in (MessageStatus.UNDELIVERED, MessageStatus.FAILED) for s in statuses),
        acknowledged=len(first_answer),
        confirmed=len({a.subscriber_id for a in answers if a.action == "confirm"}),
        on_my_way=len({a.subscriber_id for a in answers if a.action == "on_my_way"}),
        first_ack_s=round(delays[0], 1) if delays else None,
        median_ack_s=round(statistics.median(delays), 1) if delays else None,
    )


def _point(
    zone: Zone, place: str | None, geocode: Geocode | None
) -> tuple[float, float, str | None]:
    """(lat, lon, zip) of the drill: the named place when it lies in the zone, else its centre."""
    if place and geocode is not None:
        found = geocode(place)
        if found is not None and contains(zone, found.lat, found.lon, zip_code=found.zip):
            return found.lat, found.lon, found.zip
    if zone.center_lat is not None and zone.center_lon is not None:
        return zone.center_lat, zone.center_lon, None
    for zip_code in zone.zips or []:
        centre = zip_centroid(zip_code)
        if centre is not None:
            return centre[0], centre[1], zip_code
    if zone.zips:  # a ZIP the gazetteer lacks still holds a report that names it
        raise Invalid(
            "zone {id}: no centre known for its ZIPs; name a place in the zone", id=zone.id
        )
    return _polygon_point(zone)


def _polygon_point(zone: Zone) -> tuple[float, float, None]:
    """The mean of the first outer ring's vertices, if inside; else a vertex nudged inward."""
    geometry = zone.geometry or {}
    coords = geometry.get("coordinates") or []
    ring = coords[0] if geometry.get("type") == "Polygon" else (coords[0][0] if coords else [])
    if not ring:
        raise Invalid("zone {id} has no point to hold a drill", id=zone.id)
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring)
    if contains(zone, lat, lon):
        return lat, lon, None
    for p in ring:  # a concave zone: walk from each vertex a little toward the mean
        lat2, lon2 = p[1] + (lat - p[1]) * 0.05, p[0] + (lon - p[0]) * 0.05
        if contains(zone, lat2, lon2):
            return lat2, lon2, None
    raise Invalid("zone {id}: no point inside it found; name a place in the zone", id=zone.id)


def _is_full(session: Session, incident_id: int | None) -> bool:
    return bool(session.exec(select(Drill.full).where(Drill.incident_id == incident_id)).first())
