"""A coordinator's hand on reports the pipeline could not place: place one, attach one to an
incident, or text the reporter back.

The reporter's number never leaves here: a reply is addressed from the report's stored inbound
message (``InboundMessage.from_enc``) straight into the outbox.
"""

import secrets
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from core import audit, matching, routing
from core.clock import now
from core.decisions import Decisions
from core.enums import NOT_SIGHTING, OPEN_INCIDENT, IncidentStatus, MessageKind, ReportStatus
from core.errors import Conflict, Invalid, NotFound
from core.geo import GeoResult, nearest_zip
from core.models import InboundMessage, Incident, Message, Report
from core.outbox import add_message
from core.phones import PhoneVault
from core.reports import locate
from core.settings import Settings

# A coordinator's pin on the map: about a block of uncertainty.
PIN_PRECISION_M = 100.0
MAX_REPLY_CHARS = 480  # three GSM-7 segments


@dataclass
class Placed:
    """What placing a report did: its incident (new or joined), and for a new incident its alert
    and escalation timer, to carry out after commit."""

    report: Report
    incident: Incident
    created: bool
    decisions: Decisions = field(default_factory=Decisions)


def get_report(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound("no such report")
    return report


def pin(lat: float, lon: float) -> GeoResult:
    """A place picked on the map, as a geocoder would have answered it."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid("lat/lon: out of range")
    return GeoResult(
        lat=lat,
        lon=lon,
        precision_m=PIN_PRECISION_M,
        source="coordinator",
        kind="pin",
        matched=f"{lat:.5f}, {lon:.5f}",
        zip=nearest_zip(lat, lon),
    )


def place(
    session: Session,
    report_id: int,
    geo: GeoResult,
    *,
    actor: str,
    settings: Settings,
    vault: PhoneVault,
) -> Placed:
    """Give ``report`` the place ``geo`` and fold it into its incident by intake's own path
    (``core.routing.place``: the per-number verdict, a flood's hold, matching, alerts; the caller
    holds the reporter's and the area's locks). A report already in an incident is moved out of
    it first (its old incident is refined), unless it is that incident's only report: then the
    incident moves with it. Conflict when its number is past its limit (it opens nothing: attach
    it to an incident by hand). Audited."""
    report = get_report(session, report_id)
    was = _read_as_sighting(report)
    old = session.get(Incident, report.incident_id) if report.incident_id is not None else None
    locate(report, geo)
    report.awaiting_until = None
    report.updated_at = now()
    session.add(report)
    decisions = Decisions()
    if old is not None and old.report_count <= 1:
        # The incident's only report: correcting the report's place moves the incident itself.
        matching.refine(session, old)
        session.add(old)
        incident, created = old, False
    else:
        if old is not None:
            matching.detach(session, report, old)
        found, created, _ = routing.place(
            session, report, decisions, settings=settings, vault=vault
        )
        if found is None:
            raise Conflict(
                "report {id} is past its number's limit: attach it to an incident instead",
                id=report.id,
            )
        incident = found
    audit.record(
        session,
        actor=actor,
        action="report.place",
        target=f"report:{report.id}",
        detail=f"{geo.matched} ({geo.source}) → incident:{incident.id}{was}",
    )
    return Placed(report, incident, created, decisions)


def attach(session: Session, report_id: int, incident_id: int, *, actor: str) -> Incident:
    """Make ``report`` part of the open incident ``incident_id`` (a coordinator knows they are one
    raid). An unplaced report takes the incident's place. Audited."""
    report = get_report(session, report_id)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("no such incident")
    was = _read_as_sighting(report)
    if incident.status not in OPEN_INCIDENT:
        raise Conflict(
            "incident {id} is {status}: only open ones take reports",
            id=incident.id,
            status=IncidentStatus(incident.status),
        )
    if incident.drill:  # a resident's words never join a rehearsal
        raise Conflict("incident {id} is a drill: it takes no reports", id=incident.id)
    if report.incident_id == incident.id:
        raise Conflict("the report is already part of this incident")
    if report.incident_id is not None:
        raise Conflict("the report belongs to another incident: split it out there first")
    if report.lat is None:
        report.lat, report.lon = incident.lat, incident.lon
        report.precision_m, report.matched = incident.precision_m, incident.label
        report.geo_source, report.geo_kind = "coordinator", "incident"
    report.status, report.awaiting_until, report.updated_at = ReportStatus.LOCATED, None, now()
    matching.attach(session, incident, report)
    audit.record(
        session,
        actor=actor,
        action="report.attach",
        target=f"report:{report.id}",
        detail=f"to incident:{incident.id}{was}",
    )
    return incident


def _read_as_sighting(report: Report) -> str:
    """A coordinator placing or attaching a question, rumour or past event reads a sighting in
    it: it becomes one (it was only shown on an incident, never part of one). Returns what it
    was, for the audit detail ("" for a sighting)."""
    if report.flag not in NOT_SIGHTING:
        return ""
    was, report.flag, report.incident_id = report.flag, None, None
    return f" (was {was})"


def reporter_address(session: Session, vault: PhoneVault, report: Report) -> str:
    """The reporter's number (E.164), from the report's latest inbound message. Never shown."""
    sealed = session.exec(
        select(InboundMessage.from_enc)
        .where(InboundMessage.report_id == report.id, col(InboundMessage.from_enc).is_not(None))
        .order_by(col(InboundMessage.id).desc())
    ).first()
    if sealed is None:
        raise Conflict("the reporter's number is no longer kept (erased after the retention time)")
    return vault.open(sealed)


def reply(
    session: Session, vault: PhoneVault, report_id: int, body: str, *, actor: str, segments: int
) -> Message:
    """Store a ``reply`` text from the hotline to the report's reporter (the sender job sends it);
    ``segments`` as counted by ``messaging.segments``. Audited, without the text's number."""
    body = body.strip()
    if not body:
        raise Invalid("text: must not be empty")
    if len(body) > MAX_REPLY_CHARS:
        raise Invalid("text: at most {limit} characters", limit=MAX_REPLY_CHARS)
    report = get_report(session, report_id)
    message = add_message(
        session,
        vault,
        dedupe_key=f"console-reply:{report.id}:{secrets.token_hex(8)}",
        kind=MessageKind.REPLY,
        body=body,
        language=report.language,
        segments=segments,
        to_e164=reporter_address(session, vault, report),
        incident_id=report.incident_id,
    )
    if message is None:  # the key is fresh and random: only a database gone wrong gets here
        raise Conflict("the reply could not be stored; try again")
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="report.reply",
        target=f"report:{report.id}",
        detail=f"message:{message.id}",
    )
    return message
