"""A responder's or legal aid volunteer's own words, texted in ("Estoy en Vermont y Adams y no veo
a nadie de ICE"): a note on the incident they were alerted about, never a resident's report.

"No hay nada" / "nothing here" from someone on scene is a negative report: a note marked
``negative`` and counted on the incident (``negative_count``) for coordinators to weigh. It never
confirms anything and never raises ``reporter_count``.

A text that names a place beyond the reach of every incident they were alerted about is not a
note on any of them: it is their own sighting of something else (agents moved on, or a second
raid), and a note would bury it — above all on a drill, which real reports never reach.
"""

from typing import cast

from sqlalchemy import update
from sqlmodel import Session, col

from core import drills
from core.commands import open_incidents_alerted
from core.decisions import Decisions
from core.enums import NoteKind
from core.geo import GeoResult, haversine_m
from core.keywords import has_sighting_words, is_negative
from core.matching import reach_m
from core.models import InboundMessage, Incident, IncidentNote, Subscriber


def add(
    session: Session,
    subscriber: Subscriber,
    inbound: InboundMessage,
    geo: GeoResult | None,
    *,
    radius_m: float,
) -> tuple[str, Decisions] | None:
    """Attach the text to the open incident ``subscriber`` was alerted about — the nearest to the
    place it names when there are several, else the most recent. None when they were alerted
    about no open incident, or the text speaks of agents at a place farther than ``radius_m``
    (widened by both places' uncertainty) from all of them: the caller treats it as a report of
    their own. "Voy por Gage" (a place, no sighting) stays a note."""
    open_ids = open_incidents_alerted(session, subscriber)
    if not open_ids:
        return None
    incident = _pick(session, open_ids, geo)
    negative = is_negative(inbound.body)
    elsewhere = geo is not None and not _within_reach(incident, geo, radius_m)
    if elsewhere and not negative and has_sighting_words(inbound.body):
        return None
    session.add(
        IncidentNote(
            incident_id=cast(int, incident.id),  # a stored incident: the id is set
            author=f"subscriber:{subscriber.id}",
            text=inbound.body.strip(),
            kind=NoteKind.RESPONDER,
            negative=negative,
            inbound_id=inbound.id,  # its photos, if any, show with the note
        )
    )
    if negative:
        # One statement, so two responders' notes at once both count.
        session.exec(
            update(Incident)
            .where(col(Incident.id) == incident.id)
            .values(negative_count=Incident.negative_count + 1)
        )
    decisions = Decisions()
    decisions.text(
        drills.template(incident, "note_negative" if negative else "note_added"),
        subscriber.language,
        dedupe_key=f"reply:{inbound.id}",
        subscriber=subscriber,
        incident_id=incident.id,
        incident=incident.id,
    )
    kind = "negative" if negative else "note"
    return f"responder:{kind}:{incident.id}", decisions


def _pick(session: Session, open_ids: list[int], geo: GeoResult | None) -> Incident:
    incidents = [session.get(Incident, i) for i in open_ids]
    found = [i for i in incidents if i is not None]
    if geo is not None and len(found) > 1:
        return min(found, key=lambda i: haversine_m(geo.lat, geo.lon, i.lat, i.lon))
    return max(found, key=lambda i: (i.first_seen, i.id or 0))


def _within_reach(incident: Incident, geo: GeoResult | None, radius_m: float) -> bool:
    if geo is None:
        return True
    distance = haversine_m(geo.lat, geo.lon, incident.lat, incident.lon)
    return distance <= reach_m(radius_m, geo.precision_m, incident.precision_m)
