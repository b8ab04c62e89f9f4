"""What the console's buttons do: one call into a core service, then carry out what it decided.

The same services the JSON API calls (``core.incidents``, ``core.subscribers``, ``core.zones``,
``core.broadcasts``, ``core.apikeys``) plus the console's own rules in ``core.inbox``. Every
function takes the console user's audit name (``user:<username>``) as ``actor`` and commits;
texts and alerts go out after the commit (``workers.effects.carry_out``, which tolerates Redis
being down: the sweeps catch up).
"""

from sqlmodel import Session

from core import apikeys, broadcasts, inbox, incidents, subscribers, zones
from core.enums import IncidentStatus, SubscriberStatus
from core.errors import Invalid, NotFound
from core.models import ApiKey, Broadcast, Incident, IncidentNote, Subscriber, Zone
from core.phones import PhoneVault
from core.settings import Settings
from messaging.segments import count_segments
from messaging.templates import render
from workers import inbox as placing
from workers.effects import Effects, carry_out, segments_of
from workers.geocoding import geocoder_for

COUNTED = segments_of(broadcasts.TEMPLATE)  # as the API counts them
STATUS_CHANGES = {
    IncidentStatus.CONFIRMED: incidents.confirm,
    IncidentStatus.DISMISSED: incidents.dismiss,
    IncidentStatus.RESOLVED: incidents.resolve,
    # A held incident becomes reported again only by a coordinator's release (audited as
    # ``incident.release``, as the API's POST /incidents/{id}/release is).
    IncidentStatus.REPORTED: incidents.release,
}


def change_status(
    session: Session, incident_id: int, status: IncidentStatus, *, actor: str, reason: str = ""
) -> None:
    """Confirm, dismiss, resolve or release (Conflict when the status forbids it); alerts
    follow."""
    carry_out(session, STATUS_CHANGES[status](session, incident_id, actor=actor, reason=reason))


def merge(session: Session, incident_id: int, *, into: int, actor: str) -> Incident:
    target = incidents.merge(session, incident_id, into=into, actor=actor)
    session.commit()
    return target


def split(session: Session, incident_id: int, *, report_ids: list[int], actor: str) -> Incident:
    if not report_ids:
        raise Invalid("reports: check the reports to split out")
    new = incidents.split(session, incident_id, report_ids=report_ids, actor=actor)
    session.commit()
    return new


def add_note(session: Session, incident_id: int, *, author: str, text: str) -> IncidentNote:
    if not text.strip():
        raise Invalid("note: must not be empty")
    note = incidents.add_note(session, incident_id, author=author, text=text.strip())  # audited
    session.commit()
    return note


def attach_report(session: Session, report_id: int, incident_id: int, *, actor: str) -> Incident:
    incident = inbox.attach(session, report_id, incident_id, actor=actor)
    session.commit()
    return incident


def reply_to_reporter(
    session: Session, vault: PhoneVault, report_id: int, body: str, *, actor: str
) -> int:
    """Queue a ``reply`` text from the hotline to the report's reporter; returns its message id."""
    message = inbox.reply(
        session, vault, report_id, body, actor=actor, segments=count_segments(body.strip())
    )
    session.commit()
    # The text is stored: Redis down only delays it.
    Effects(message_ids=[message.id], lanes=[message.lane]).enqueue()
    return message.id


def place_report(
    session: Session,
    settings: Settings,
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
        geo = geocoder_for(session, settings).geocode(text.strip())
        if geo is None:
            return None
    else:
        raise Invalid("place: type a place or pick it on the map")
    session.rollback()  # the placing runs in its own transaction, under the area lock
    return placing.place_report(settings, report_id, geo, actor=actor)


def add_subscriber(
    session: Session, vault: PhoneVault, data: subscribers.SubscriberInput, *, actor: str
) -> Subscriber:
    subscriber, decisions = subscribers.create(session, vault, data, actor=actor)  # audited there
    carry_out(session, decisions)
    return subscriber


def import_subscribers(
    session: Session,
    vault: PhoneVault,
    text: str,
    *,
    actor: str,
    allow_confirmed: bool,
    preview: bool,
) -> subscribers.ImportResult:
    """Import a CSV; with ``preview`` the whole import is rolled back (nothing kept or sent)."""
    result, decisions = subscribers.import_csv(
        session, vault, text, actor=actor, allow_confirmed=allow_confirmed
    )
    if preview:
        session.rollback()
        return result
    carry_out(session, decisions)  # the service audited the import
    return result


def update_subscriber(session: Session, subscriber_id: int, *, actor: str, **changes) -> None:
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFound("no such subscriber")
    if changes.get("status") not in (None, SubscriberStatus.OPTED_OUT):
        raise Invalid("status: a coordinator can opt someone out, never in")
    subscribers.update(session, subscriber, actor=actor, **changes)  # the service audits it
    session.commit()


def create_zone(session: Session, *, actor: str, **shape) -> Zone:
    """A zone of ZIPs, a circle or a polygon (``core.zones.create``); audited."""
    zone = zones.create(session, actor=actor, **shape)  # the service audits it
    session.commit()
    return zone


def preview_broadcast(session: Session, request: broadcasts.BroadcastRequest) -> dict:
    """``{"recipients", "segments", "texts"}``: what the broadcast would cost and each language's
    text as a subscriber will read it. Nothing is stored or sent."""
    figures = broadcasts.preview(session, request, segments_of=COUNTED)
    texts = {
        language: render(broadcasts.TEMPLATE, language, body=text.strip())
        for language, text in request.body.items()
        if text.strip()
    }
    return figures | {"texts": texts}


def send_broadcast(
    session: Session, request: broadcasts.BroadcastRequest, *, actor: str
) -> Broadcast:
    """Store the broadcast (audited by the service) and queue one text per recipient."""
    broadcast, decisions = broadcasts.send(session, request, actor=actor, segments_of=COUNTED)
    carry_out(session, decisions)
    return broadcast


def create_api_key(session: Session, *, name: str, role: str, actor: str) -> tuple[ApiKey, str]:
    """A new key and its secret, which only this answer holds (the service audits it)."""
    key, plaintext = apikeys.create_key(session, name=name, role=role, actor=actor)
    session.commit()
    return key, plaintext


def revoke_api_key(session: Session, key_id: int, *, actor: str) -> ApiKey:
    """Revoked at once (the service audits it; revoking twice changes nothing)."""
    key = apikeys.revoke(session, key_id, actor=actor)
    session.commit()
    return key
