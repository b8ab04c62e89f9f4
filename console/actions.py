"""What the console's buttons do: one call into a core service, then carry out what it decided.

This is the one module of the console that knows the services' shapes (the same ones the JSON API
calls); routes only parse a form and call one function here. Every function takes the console
user's audit name (``user:<username>``) as ``actor`` and commits.
"""

import logging

from redis.exceptions import RedisError
from sqlmodel import Session, select

from core import inbox, incidents, policy, subscribers
from core.errors import Conflict, Invalid, NotFound
from core.models import AuditEvent, Incident, IncidentNote, Zone
from core.settings import get_settings
from core.zones import validate_geometry
from messaging.segments import count_segments
from workers import inbox as placing
from workers.effects import Effects
from workers.geocoding import geocoder_for
from workers.onboarding import send_opt_in_requests
from workers.queues import RedisNotConfigured

log = logging.getLogger(__name__)


def _enqueue(effects: Effects) -> None:
    """After commit. Redis down is not an error here: the sweeps send what was stored."""
    try:
        effects.enqueue()
    except (RedisError, RedisNotConfigured) as exc:
        log.warning("stored but not enqueued (%s); the sweep will catch up", type(exc).__name__)


def get_incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("no such incident")
    return incident


def change_status(
    session: Session, incident_id: int, status: str, *, actor: str, reason: str = ""
) -> None:
    """Confirm, dismiss or resolve; the alerts that follow go out after commit."""
    incident = get_incident(session, incident_id)
    try:
        alerts = policy.transition(session, incident, status, actor=actor, reason=reason)
    except policy.InvalidTransition as exc:
        raise Conflict(str(exc)) from None
    session.commit()
    effects = Effects()
    effects.alerts(alerts)
    _enqueue(effects)


def merge(session: Session, incident_id: int, *, into: int, actor: str) -> Incident:
    source, target = get_incident(session, incident_id), get_incident(session, into)
    try:
        incidents.merge(session, source, target, actor=actor)
    except incidents.IncidentError as exc:
        raise Conflict(str(exc)) from None
    session.commit()
    return target


def split(session: Session, incident_id: int, *, report_ids: list[int], actor: str) -> Incident:
    if not report_ids:
        raise Invalid("reports: check the reports to split out")
    incident = get_incident(session, incident_id)
    try:
        new = incidents.split(session, incident, report_ids, actor=actor)
    except incidents.IncidentError as exc:
        raise Conflict(str(exc)) from None
    session.commit()
    return new


def add_note(session: Session, incident_id: int, *, author: str, text: str) -> IncidentNote:
    if not text.strip():
        raise Invalid("note: must not be empty")
    incident = get_incident(session, incident_id)
    note = IncidentNote(incident_id=incident.id, author=author, text=text.strip())
    session.add(note)
    session.add(AuditEvent(actor=author, action="incident.note", target=f"incident:{incident.id}"))
    session.commit()
    return note


def attach_report(session: Session, report_id: int, incident_id: int, *, actor: str) -> Incident:
    incident = inbox.attach(session, report_id, incident_id, actor=actor)
    session.commit()
    return incident


def reply_to_reporter(session: Session, report_id: int, body: str, *, actor: str) -> int:
    """Queue a ``reply`` text to the report's reporter; returns the message id."""
    message = inbox.reply(
        session, report_id, body, actor=actor, segments=count_segments(body.strip())
    )
    session.commit()
    effects = Effects()
    effects.message_ids.append(message.id)
    _enqueue(effects)
    return message.id


def add_subscriber(session: Session, data: subscribers.SubscriberInput, *, actor: str):
    try:
        subscriber = subscribers.create(session, data, actor=actor)
    except subscribers.DuplicatePhone as exc:
        raise Conflict(str(exc)) from None
    except subscribers.SubscriberError as exc:
        raise Invalid(str(exc)) from None
    session.add(
        AuditEvent(actor=actor, action="subscriber.create", target=f"subscriber:{subscriber.id}")
    )
    session.commit()
    _send_opt_ins([subscriber.id])
    return subscriber


def import_subscribers(
    session: Session, text: str, *, actor: str, allow_confirmed: bool, preview: bool
) -> subscribers.ImportResult:
    """Import a CSV; with ``preview`` the whole import is rolled back (nothing kept, nothing sent)."""
    result = subscribers.import_csv(session, text, actor=actor, allow_confirmed=allow_confirmed)
    if preview:
        session.rollback()
        return result
    session.add(
        AuditEvent(
            actor=actor,
            action="subscriber.import",
            target="subscribers",
            detail=f"{len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.errors)} errors",
        )
    )
    session.commit()
    _send_opt_ins([s.id for s in result.created if s.status == "pending"])
    return result


def _send_opt_ins(subscriber_ids: list[int]) -> None:
    try:
        send_opt_in_requests(subscriber_ids)
    except (RedisError, RedisNotConfigured):
        log.warning("confirmation texts not enqueued; the sweep will send them")


def update_subscriber(session: Session, subscriber_id: int, *, actor: str, **changes) -> None:
    subscriber = session.get(subscribers.Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFound("no such subscriber")
    if changes.get("status") not in (None, "opted_out"):
        raise Invalid("status: a coordinator can opt someone out, never in")
    try:
        subscribers.update(session, subscriber, **changes)
    except subscribers.SubscriberError as exc:
        raise Invalid(str(exc)) from None
    session.add(
        AuditEvent(
            actor=actor,
            action="subscriber.update",
            target=f"subscriber:{subscriber.id}",
            detail=", ".join(sorted(changes)),
        )
    )
    session.commit()


def create_zone(
    session: Session,
    *,
    actor: str,
    name: str,
    zips: list[str] | None = None,
    center: tuple[float, float] | None = None,
    radius_m: float | None = None,
    geometry: dict | None = None,
) -> Zone:
    name = name.strip()
    if not name:
        raise Invalid("name: must not be empty")
    if sum(x is not None for x in (zips, center, geometry)) != 1:
        raise Invalid("shape: give ZIPs, or a circle, or a polygon")
    if zips is not None and (not zips or not all(z.isdigit() and len(z) == 5 for z in zips)):
        raise Invalid("zips: five-digit ZIP codes, separated by commas")
    if center is not None and not (radius_m and 0 < radius_m <= 100_000):
        raise Invalid("radius_m: between 1 and 100000 metres")
    if geometry is not None:
        try:
            validate_geometry(geometry)
        except ValueError as exc:
            raise Invalid(f"geometry: {exc}") from None
    if session.exec(select(Zone.id).where(Zone.name == name)).first() is not None:
        raise Conflict("name: a zone with this name exists")
    zone = Zone(
        name=name,
        zips=zips,
        center_lat=center[0] if center else None,
        center_lon=center[1] if center else None,
        radius_m=radius_m if center else None,
        geometry=geometry,
    )
    session.add(zone)
    session.flush()
    session.add(AuditEvent(actor=actor, action="zone.create", target=f"zone:{zone.id}"))
    session.commit()
    return zone


def place_report(
    session: Session,
    report_id: int,
    *,
    actor: str,
    text: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> inbox.Placed | None:
    """Place a report by a typed place (geocoded as intake does) or a picked point; None when the
    typed place is not found."""
    inbox.get_report(session, report_id)
    if lat is not None and lon is not None:
        geo = inbox.pin(lat, lon)
    elif text.strip():
        geo = geocoder_for(session, get_settings()).geocode(text.strip())
        if geo is None:
            return None
    else:
        raise Invalid("place: type a place or pick it on the map")
    session.rollback()  # the placing runs in its own transaction, under the area lock
    return placing.place_report(report_id, geo, actor=actor)
